// The orders package's helpers for other workspaces' tests (`@flowhub-sync/orders/testing`): stores, products and
// orders written as the producer writes them, and what the simulator received for them.
export * from './push-fixtures';
