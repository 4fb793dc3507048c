import { z } from 'zod';
import { statusOf, type ErrorCode } from '../errors';

const ERROR_CODES = Object.keys(statusOf) as [ErrorCode, ...ErrorCode[]];

/** Every 4xx and 5xx answer (api-contract.md "Conventions"); `internal` is the 500 of an unexpected failure. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum([...ERROR_CODES, 'internal']),
    message: z.string(),
    details: z
      .array(z.looseObject({ path: z.string().describe('the wrong field, e.g. roomIds[0] or items[2].quantity'), message: z.string() }))
      .describe('a 400 names every wrong field; items may carry more fields (e.g. variantId, requested, sellable)'),
  }),
});

/** The error codes an answer with this status carries. */
export function errorCodesFor(status: number): string[] {
  if (status === 500) return ['internal'];
  return ERROR_CODES.filter((code) => statusOf[code] === status);
}
