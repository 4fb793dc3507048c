export * from './definitions';
export * from './connection';
export * from './health-server';
export * from './product-queues';
export * from './scheduling';
export * from './schedules';
export * from './metrics';
export * from './processors';
