// Prisma CLI configuration (generate, and migrate on machines that can download Prisma's engine).
// Reads DATABASE_URL directly: prisma/config's env() throws when it is unset, which would break
// `generate` on machines without a database. packages/db/README.md explains the migration route.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL },
});
