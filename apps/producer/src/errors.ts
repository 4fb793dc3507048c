import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'insufficient_inventory'
  | 'integration_disabled'
  | 'flowhub_rejected'
  | 'unavailable';

export interface ErrorDetail {
  path: string;
  message: string;
  [extra: string]: unknown;
}

/** The HTTP status of each error code (the OpenAPI document lists them per status). */
export const statusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  insufficient_inventory: 409,
  integration_disabled: 409,
  flowhub_rejected: 422,
  unavailable: 503,
};

/** An answer in the error shape of api-contract.md: {"error": {code, message, details}}. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.status = statusOf[code];
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const unavailable = (dependency: 'PostgreSQL' | 'Redis' | 'Flowhub', reason?: string) =>
  new ApiError('unavailable', `${dependency} is unavailable${reason ? `: ${reason}` : ''}`, [{ path: dependency, message: 'unreachable' }]);

/** zod paths as the contract writes them: `roomIds[0]`, `customer.phone`, `items[2].quantity`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

export function validationError(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ApiError {
  const details = issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]) || 'body', message: issue.message }));
  const fields = [...new Set(details.map((detail) => detail.path))];
  return new ApiError('validation_failed', `invalid request: ${fields.join(', ')}`, details);
}

/** Validates a request part; a failure is a 400 naming every wrong field (texts that cannot be stored included). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error.issues, prefix);
  const unstorable = unstorableTexts(result.data, prefix);
  if (unstorable.length > 0)
    throw new ApiError('validation_failed', `invalid request: ${unstorable.map(({ path }) => path).join(', ')}`, unstorable);
  return result.data;
}

/** In unicode mode a well-formed pair is one astral character: only an unpaired surrogate matches. */
const UNPAIRED_SURROGATE = /\p{Surrogate}/u;

/** Why a text cannot be stored as sent: PostgreSQL refuses NUL in text, and would keep an unpaired surrogate as U+FFFD. */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (UNPAIRED_SURROGATE.test(text)) return 'must be well-formed Unicode (it holds an unpaired surrogate)';
  return undefined;
}

/** Every text of a parsed request part (schema-shaped, so bounded) that cannot be stored as sent, named by its path. */
export function unstorableTexts(value: unknown, path: readonly PropertyKey[] = []): ErrorDetail[] {
  if (typeof value === 'string') {
    const message = unstorableText(value);
    return message ? [{ path: formatPath(path) || 'body', message }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((element, index) => unstorableTexts(element, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, field]) => unstorableTexts(field, [...path, key]));
  }
  return [];
}

const postgresDown = (error: unknown): boolean => {
  const text = `${(error as { code?: string })?.code ?? ''} ${(error as Error)?.message ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|P1001|P1002|P1017|Can't reach database|Connection terminated|connect ECONN|the database system is (starting|shutting) up|terminating connection/i.test(
    text,
  );
};

export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ApiError) {
    return reply.status(error.status).send({ error: { code: error.code, message: error.message, details: error.details } });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode === 403 || fastifyError.statusCode === 404) {
    // A file the reference's static plugin does not have, or will not serve (outside its folder): nothing here.
    return reply
      .status(404)
      .send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: [] } });
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // Fastify's own refusals: unparsable JSON, wrong content type, body too large.
    return reply.status(fastifyError.statusCode === 415 || fastifyError.statusCode === 413 ? fastifyError.statusCode : 400).send({
      error: { code: 'validation_failed', message: fastifyError.message, details: [{ path: 'body', message: fastifyError.message }] },
    });
  }
  if (postgresDown(error)) {
    request.log.error({ err: error }, 'PostgreSQL unavailable');
    const answer = unavailable('PostgreSQL');
    return reply.status(503).send({ error: { code: answer.code, message: answer.message, details: answer.details } });
  }
  request.log.error({ err: error }, 'unexpected error');
  return reply.status(500).send({ error: { code: 'internal', message: 'internal error', details: [] } });
}
