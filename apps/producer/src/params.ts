import { z } from 'zod';
import { externalIdSchema, storeIdSchema } from '@flowhub-sync/config';

/** The path parameters of the store and order routes: ids of the one shape (packages/config/src/ids.ts). */
export const storeParams = z.object({ storeId: storeIdSchema });
export const orderParams = storeParams.extend({ externalId: externalIdSchema });
