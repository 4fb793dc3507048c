export * from './env';
export * from './secrets';
export * from './logger';
export * from './shutdown';
