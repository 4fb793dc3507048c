import { z } from 'zod';

/** GET /healthz */
export const livenessSchema = z.object({ status: z.literal('ok') });

/** GET /readyz: ready while PostgreSQL answers; Redis is reported, not required (orders are taken without it). */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  postgres: z.enum(['up', 'down']),
  redis: z.enum(['up', 'down']),
  down: z.array(z.string()).optional().describe('what is unreachable, when not ready'),
});
