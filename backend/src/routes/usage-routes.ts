import type { Router } from 'express';
import type { RateLimitRequestHandler } from 'express-rate-limit';
import { getApiKey } from '../middleware/api-key.js';
import { getClientKey } from '../middleware/client-key.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { defineRoutes } from '../openapi/route-docs.js';
import { UsageResponseSchema, type UsageResponse } from '../schemas/service-responses.js';
import { createRouter } from './create-router.js';

/** A limiter the caller is subject to, with the numbers that describe it. */
export interface UsageLimiter {
  name: string;
  handler: RateLimitRequestHandler;
  windowMs: number;
  limit: (apiKeyLimit: number | undefined) => number;
}

/** `GET /api/usage` in the OpenAPI document. */
export const USAGE_ROUTE_DOCS = defineRoutes([
  {
    method: 'get',
    path: '/api/usage',
    operationId: 'getUsage',
    summary: 'Who the gateway thinks you are, and what is left of each limit',
    description: 'Reading it counts against the `/api` limit only, never against executions.',
    tags: ['Account'],
    protection: 'api',
    responses: {
      200: {
        description: 'The caller and its limits.',
        headers: ['Cache-Control'],
        content: {
          schema: UsageResponseSchema,
          name: 'UsageResponse',
          examples: {
            address: {
              summary: 'A caller without an API key',
              value: {
                identity: { type: 'ip', address: '203.0.113.7' },
                limits: [
                  { name: 'api', limit: 100, remaining: 99, windowSeconds: 60, resetSeconds: 60 },
                  {
                    name: 'execute',
                    limit: 10,
                    remaining: 10,
                    windowSeconds: 60,
                    resetSeconds: 60,
                  },
                ],
              },
            },
          },
        },
      },
    },
    errors: [],
  },
]);

/**
 * `GET /api/usage`: who the gateway thinks the caller is (an API key's name, or the address its
 * limits are counted under: plain IPv4, or the IPv6 /56 network) and, for each limit, how much
 * is left and when it resets. Reading it does not use up executions.
 */
export function createUsageRouter(deps: { limiters: UsageLimiter[]; now?: () => number }): Router {
  const router = createRouter(USAGE_ROUTE_DOCS);
  const now = deps.now ?? Date.now;

  router.get('/', async (_req, res) => {
    const apiKey = getApiKey(res);
    const key = getClientKey(res);
    const limits = await Promise.all(
      deps.limiters.map(async (limiter) => {
        const info = await limiter.handler.getKey(key);
        const limit = limiter.limit(apiKey?.limit);
        const resetMs = info?.resetTime ? info.resetTime.getTime() - now() : limiter.windowMs;
        return {
          name: limiter.name,
          limit,
          remaining: Math.max(limit - (info?.totalHits ?? 0), 0),
          windowSeconds: Math.ceil(limiter.windowMs / 1000),
          resetSeconds: Math.max(Math.ceil(resetMs / 1000), 0),
        };
      }),
    );
    res.setHeader('Cache-Control', 'no-store');
    const body: UsageResponse = {
      identity: apiKey ? { type: 'api_key', name: apiKey.name } : { type: 'ip', address: key },
      limits,
    };
    res.json(body);
  });

  router.all('/', methodNotAllowed('GET'));

  return router;
}
