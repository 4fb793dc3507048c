// @flowhub-sync/orders: the order follow-up the order-worker runs (its jobs, one processor per queue), and the rules
// the producer shares with it (the order-ahead payload, the platform's notices). The pushed recorder is packages/db's
// (recordPushed, packages/db/src/orders/record-pushed.ts).
export {
  orderPushProcessor,
  ORDER_PUSH_CONCURRENCY,
  type OrderPushDependencies,
  type OrderPushProcessor,
  type OrderPushResult,
} from './jobs/order-push';
export {
  handlePostback,
  MAX_FAILURES_IN_A_ROW,
  MAX_ORDERS_PER_POLL,
  orderStatusPollProcessor,
  pollStoreStatuses,
  STATUS_POLL_CONCURRENCY,
  type StatusPollDependencies,
  type StatusPollResult,
} from './jobs/order-status-poll';
export {
  deliverWebhook,
  WEBHOOK_DELIVERY_CONCURRENCY,
  WebhookEndpointError,
  webhookDeliveryProcessor,
  type DeliveryOutcome,
  type WebhookDeliveryDependencies,
} from './jobs/webhook-delivery';
export { maintenanceProcessor, maintenanceTasks, type MaintenanceDependencies, type MaintenanceTaskRun } from './jobs/maintenance';
export { expirePendingOrders, type ExpirePendingOrdersOptions } from './maintenance/expire-pending-orders';
export { sweepOutbox, type OutboxSweepDependencies, type OutboxSweepReport } from './maintenance/outbox-sweep';
export {
  countWebhookOutcomes,
  createOrderPushMetrics,
  createStatusPollMetrics,
  type OrderPushMetrics,
  type PushOutcome,
  type StatusPollMetrics,
} from './metrics';
export * from './push/order-ahead-payload';
export { sendPlatformNotices } from './push/platform-notices';
export { PREVIOUS_ATTEMPT_REASON, RESOLVE_HINT } from './push/push-state';
export { MIN_SHUTDOWN_GRACE_MS, SHUTDOWN_MARGIN_MS, shutdownGraceMs } from './shutdown-grace';
