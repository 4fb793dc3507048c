import { z } from 'zod';

/** One character of an id: also what tells where an id ends in text (`Order <externalId>: …` in a Flowhub order's note). */
export const ID_CHARACTER = /[A-Za-z0-9._-]/;

/**
 * THE shape of an id of ours (api-contract.md, "Conventions"): a storeId, an order's externalId, a customer's id.
 * Letters, digits, `.`, `_` and `-`, 1 to 64 of them: safe in a URL path, a job id and a log line as they are.
 */
export const ID_PATTERN = new RegExp(`^${ID_CHARACTER.source}{1,64}$`);

/** What a request that breaks ID_PATTERN is told. */
export const ID_MESSAGE = `must match ${ID_PATTERN.source}`;

/** An id checked against ID_PATTERN; `message` says what is wrong when it does not match (ID_MESSAGE by default). */
export const idSchema = (message: string = ID_MESSAGE) => z.string().regex(ID_PATTERN, message);

/** A store's id, as every route, job payload and table takes it. */
export const storeIdSchema = idSchema();

/** An order's id on the platform (its externalId). */
export const externalIdSchema = idSchema();
