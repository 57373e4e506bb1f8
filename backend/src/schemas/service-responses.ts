import { z } from 'zod';
import { REDIS_STATES } from '../redis/redis-health.js';

/** Piston as the health routes report it. */
const PistonStateSchema = z.strictObject({
  status: z.enum(['up', 'down']),
  runtimes: z.number().int().min(0).meta({ description: 'Installed runtimes Piston lists' }),
  version: z.string().nullable().meta({ description: "Piston's version; null until it said" }),
});

/** The body of `GET /health` (liveness). */
export const HealthResponseSchema = z.strictObject({
  status: z.literal('OK'),
  message: z.string(),
  timestamp: z.string().meta({ description: 'ISO 8601 time of the answer' }),
  uptimeSeconds: z.number().int().min(0),
  piston: PistonStateSchema,
  executions: z.strictObject({
    inFlight: z.number().int().min(0),
    queued: z.number().int().min(0),
    maxConcurrent: z.number().int().min(1),
    maxQueue: z.number().int().min(0),
  }),
  redis: z
    .strictObject({ state: z.enum(REDIS_STATES) })
    .optional()
    .meta({ description: 'With REDIS_URL only: whether the shared state works now' }),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** The 200 body of `GET /health/ready` (readiness). */
export const ReadyResponseSchema = z.strictObject({
  status: z.literal('ready'),
  piston: PistonStateSchema,
});
export type ReadyResponse = z.infer<typeof ReadyResponseSchema>;

/** The body of `GET /api/usage`. */
export const UsageResponseSchema = z.strictObject({
  identity: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('api_key'), name: z.string() }),
    z.strictObject({
      type: z.literal('ip'),
      address: z.string().meta({ description: 'IPv4 address, or the IPv6 /56 network' }),
    }),
  ]),
  limits: z.array(
    z.strictObject({
      name: z.string().meta({ examples: ['api', 'execute'] }),
      limit: z.number().int().min(0),
      remaining: z.number().int().min(0),
      windowSeconds: z.number().int().min(0),
      resetSeconds: z.number().int().min(0),
    }),
  ),
});
export type UsageResponse = z.infer<typeof UsageResponseSchema>;
