export { createPrismaClient, type CreatePrismaClientOptions } from './client';
export { createSqlPool, type CreateSqlPoolOptions, type Sql } from './sql';
export {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  markMigrationRolledBack,
  migrateDatabase,
  type MigrationLogger,
  type MigrationOptions,
} from './migrate';
// The generated client: PrismaClient, the Prisma namespace, model types (Store, Product, Order, ...)
// and enums (OrderStatus, PushState, HoldState, ...).
export * from './generated/client';
export * from './stores';
export * from './store-secrets';
export * from './category-mappings';
export * from './monitoring';
export * from './products/quantities';
export * from './products/products';
export * from './products/changes';
export * from './menu-webhook';
export * from './rotate-secrets';
export * from './retention';
export * from './webhooks';
export * from './orders/holds';
export * from './orders/order-events';
export * from './orders/transaction';
export * from './orders/flowhub-status';
export * from './orders/order-rows';
export * from './orders/place-order';
export * from './orders/confirm-order';
export * from './orders/maui-fulfilment';
export * from './orders/cancel-required';
export * from './orders/skipped-pushes';
export * from './orders/order-list';
export * from './orders/lock-order';
export * from './orders/push-state';
export * from './orders/expiry';
export * from './orders/order-statuses';
export * from './orders/order-changes';
export * from './orders/push-requests';
export * from './orders/outbox';
// The pushed recorder: recordPushedToFlowhub runs only inside this package's transactions.
export { recordPushed, resolvePushByPostback, type PushedBy, type RecordPushedResult } from './orders/record-pushed';
export * from './sync/fence';
export * from './sync/sync-runs';
export * from './sync/sync-settings';
export * from './sync/product-writes';
export * from './sync/feed-memos';
export { pingDatabase } from './ping';
