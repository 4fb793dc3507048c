export * from './env';
export * from './secrets';
export * from './logger';
export * from './shutdown';
export * from './webhook-signature';
export * from './bearer';
export * from './outbound-guard';
export * from './ids';
