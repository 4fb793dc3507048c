// The producer's `testing` entry: what other workspaces' tests need to drive a real producer in-process.
export * from './harness';
export * from './orders';
export { openApiDocument } from '../openapi/api-document';
