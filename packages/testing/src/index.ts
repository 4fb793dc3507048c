export * from './processes';
export * from './services';
export * from './redis-cluster';
export * from './prometheus';
export * from './log-lines';
