import { z } from 'zod';
import { externalIdSchema, storeIdSchema } from '@flowhub-sync/config';

/** The path parameters of the store and order routes: ids of the one shape (packages/config/src/ids.ts). */
export const storeParams = z.object({ storeId: storeIdSchema });
export const orderParams = storeParams.extend({ externalId: externalIdSchema });

/**
 * What a Flowhub order id can be, as an operator gives one (`…/push {"flowhubOrderId"}`) or a postback names one: no
 * spaces, control characters or unpaired surrogates, which nothing but a mistake or a probe puts in an id (an empty
 * one is each caller's to refuse, with its own words).
 */
export const FLOWHUB_ORDER_ID = /^[^\s\p{Cc}\p{Surrogate}]*$/u;
