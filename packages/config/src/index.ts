export * from './env';
export * from './secrets';
export * from './logger';
export * from './shutdown';
export * from './webhook-signature';
