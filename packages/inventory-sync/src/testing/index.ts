// The inventory sync's test kit, for its own tests and other workspaces' (`@flowhub-sync/inventory-sync/testing`).
export * from './sync-testbed';
export * from './tcp-proxy';
