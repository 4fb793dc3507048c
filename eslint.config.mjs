// ESLint (flat config) for every workspace and the root's scripts. typescript-eslint's rules without type
// information: type-aware linting costs minutes on two cores, and `npm run typecheck` already runs tsc.
// Formatting is Prettier's (.prettierrc.json); eslint-config-prettier turns off the rules that would fight it.
// The house rules at the end keep the shape of the codebase (docs/architecture.md, "Where things live"):
// workers start only through the job registry, SQL and Prisma's model calls live only in packages/db, order events
// are written only by the typed recorder, and no workspace reaches into another's files.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.ts', '**/src/testing/**', '**/test/**', 'reliability/**', 'bench/**', 'apps/*/bench/**'];

/** Selectors for no-restricted-syntax; a file group's rule replaces another's, so each group lists all that apply. */
const noNewWorker = {
  selector: "NewExpression[callee.name='Worker']",
  message: 'Start workers through startWorkers (packages/queues/src/processors.ts), or startTestWorker in tests.',
};
const noOrderEventWrites = {
  selector: "CallExpression[callee.object.property.name='orderEvent'][callee.property.name=/^(create|createMany|upsert)$/]",
  message: 'Order events are written only by the typed recorder (packages/db/src/orders/order-events.ts).',
};
const noRawSql = {
  selector: 'MemberExpression[property.name=/^\\$(queryRaw|queryRawUnsafe|executeRaw|executeRawUnsafe)$/]',
  message: 'SQL lives in packages/db: call a function with a domain name.',
};
const noPgQuery = {
  selector: "CallExpression[callee.property.name='query'][arguments.length>0]",
  message: 'SQL lives in packages/db: call a function with a domain name.',
};
/** Prisma's model calls (`prisma.order.findMany`, `tx.store.update`, `deps.prisma.order.findMany`) and its transactions. */
const PRISMA_MODEL_METHODS = `/^(${[
  'findMany|findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow',
  'create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany',
  'count|aggregate|groupBy',
].join('|')})$/`;
const DATA_ACCESS_MESSAGE = 'Data access lives in packages/db: call a function with a domain name.';
const noPrismaModelCalls = {
  selector: `CallExpression[callee.object.object.name=/^(prisma|tx)$/][callee.property.name=${PRISMA_MODEL_METHODS}]`,
  message: DATA_ACCESS_MESSAGE,
};
const noDepsPrismaModelCalls = {
  selector: `CallExpression[callee.object.object.property.name='prisma'][callee.property.name=${PRISMA_MODEL_METHODS}]`,
  message: DATA_ACCESS_MESSAGE,
};
const noPrismaTransactions = { selector: "MemberExpression[property.name='$transaction']", message: DATA_ACCESS_MESSAGE };
const noAppDist = {
  selector: "CallExpression[callee.name='require'][arguments.0.value=/apps\\/[^/]+\\/(dist|src)\\//]",
  message: "Load the package that holds the code, never an app's files.",
};

const deepImports = {
  group: ['@flowhub-sync/*/src', '@flowhub-sync/*/src/**', '@flowhub-sync/*/dist', '@flowhub-sync/*/dist/**'],
  message: "Import the workspace's package, or its `testing` entry for test helpers.",
};
const appImports = {
  group: ['@flowhub-sync/producer', '@flowhub-sync/producer/**', '@flowhub-sync/*-worker', '@flowhub-sync/*-worker/**'],
  message: 'No workspace imports an app: what two apps share lives in a package.',
};
/** Tests may drive a real producer through its testing entry (the client package's tests do). */
const appImportsFromTests = { regex: '^@flowhub-sync/(producer(/(?!testing$).*)?|[a-z-]+-worker(/.*)?)$', message: appImports.message };
const simulatorImports = {
  group: ['@flowhub-sync/flowhub-sim', '@flowhub-sync/flowhub-sim/**'],
  message: 'The Flowhub simulator is for tests, benchmarks and the demo only.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/generated/**',
      '.stack/**',
      '.turbo/**',
      'coverage/**',
      '**/*.cjs',
      '**/jest.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.js', '.json'] })] },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A relative path into another workspace (`../../../inventory-worker/src/…`) is a deep import in disguise.
      'import-x/no-relative-packages': 'error',
      'no-restricted-imports': ['error', { patterns: [deepImports, appImports, simulatorImports] }],
      'no-restricted-syntax': [
        'error',
        noNewWorker,
        noOrderEventWrites,
        noRawSql,
        noPgQuery,
        noPrismaModelCalls,
        noDepsPrismaModelCalls,
        noPrismaTransactions,
        noAppDist,
      ],
    },
  },
  {
    files: ['jest.preset.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Tests, test helpers, benchmarks and reliability scenarios may use the simulator, write fixtures with SQL and
  // start bare workers through the testing helper; they still never reach into an app's files.
  {
    files: TESTS,
    rules: {
      'no-restricted-imports': ['error', { patterns: [deepImports, appImportsFromTests] }],
      'no-restricted-syntax': ['error', noNewWorker, noAppDist],
      // Tests read the JSON the API answers, whatever its shape.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // packages/db is where SQL and order events are written.
  {
    files: ['packages/db/**'],
    rules: { 'no-restricted-syntax': ['error', noNewWorker, noAppDist] },
  },
  // The registry and the tests' helper are the two places a BullMQ Worker is constructed.
  {
    files: ['packages/queues/src/processors.ts', 'packages/queues/src/testing/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        noOrderEventWrites,
        noRawSql,
        noPgQuery,
        noPrismaModelCalls,
        noDepsPrismaModelCalls,
        noPrismaTransactions,
        noAppDist,
      ],
    },
  },
  // The simulator is an app of its own (a Flowhub stand-in), with no database; it may import nothing of the product's apps.
  {
    files: ['apps/flowhub-sim/**', 'scripts/**', 'bench/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepImports, appImports] }] },
  },
  // The local stack's script creates the databases it starts (administration, before any package is built).
  {
    files: ['scripts/stack.mjs'],
    rules: { 'no-restricted-syntax': ['error', noNewWorker, noOrderEventWrites, noRawSql, noAppDist] },
  },
  {
    files: ['**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
