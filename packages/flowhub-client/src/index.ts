export { createFlowhubClient } from './flowhub-client';
export type {
  CallOptions,
  FlowhubClient,
  FlowhubClientOptions,
  InventoryCredentials,
  InventoryResult,
  LocationsCredentials,
} from './flowhub-client';
export type { OrderAheadCredentials } from './access-tokens';
export { FlowhubError, FLOWHUB_ERROR_KINDS, isFlowhubError } from './flowhub-error';
export type { FlowhubErrorDetails, FlowhubErrorKind, SendOutcome } from './flowhub-error';
export type { FlowhubEndpointName, FlowhubLogger, FlowhubRequestEvent, FlowhubRequestObserver } from './flowhub-http';
export { FlowhubInventoryRowSchema, checkInventoryRow, freshlyParsed } from './inventory-row';
export type {
  CheckRowOptions,
  FlowhubAmount,
  FlowhubInventoryRow,
  FlowhubWeightTier,
  InventoryRowCheck,
  RowIdentity,
} from './inventory-row';
export { parseInventoryStream, rowDigest } from './inventory-stream';
export type { ExpectedRow, InventoryParseResult, InventoryProblem, RowMemo } from './inventory-stream';
export { describeLocations, matchLocation } from './locations';
export type { FlowhubLocation } from './locations';
export {
  canonicalOrderStatus,
  FLOWHUB_ORDER_STATUSES,
  isKnownOrderStatus,
  OrderAheadCreateSchema,
  orderAheadPayloadProblems,
} from './order-ahead';
export type { FlowhubOrderAnswer, FlowhubOrderStatus, OrderAheadCreate, OrderAheadCustomer, OrderAheadItem } from './order-ahead';
export { budgetKeyFor, createRedisRequestBudget, egressKeyFor } from './request-budget';
export type { BudgetReservation, BudgetScope, RedisRequestBudgetOptions, RequestBudget } from './request-budget';
export { backoffDelayMs, parseRetryAfterMs } from './retry-timing';
