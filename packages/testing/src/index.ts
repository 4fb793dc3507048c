export * from './processes';
export * from './services';
