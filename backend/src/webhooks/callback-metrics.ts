import { Counter, type Registry } from 'prom-client';
import { ATTEMPT_RESULTS, type AttemptResultLabel } from './send-callback.js';

/** How a callback ended: delivered, refused before sending, rejected by the receiver, or given up. */
export const DELIVERY_OUTCOMES = ['delivered', 'refused', 'rejected', 'exhausted'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** The callback counters (in the app's registry, so they appear beside the others). */
export interface CallbackMetrics {
  attempt(result: AttemptResultLabel): void;
  finished(outcome: DeliveryOutcome): void;
}

/** Registers `gateway_webhook_attempts_total{result}` and `gateway_webhook_deliveries_total{outcome}`. */
export function createCallbackMetrics(registry: Registry): CallbackMetrics {
  const registers = [registry];
  const attempts = new Counter({
    name: 'gateway_webhook_attempts_total',
    help: 'Callback attempts, by result (2xx, 3xx, 4xx, 429, 5xx, network, timeout, refused)',
    labelNames: ['result'],
    registers,
  });
  const deliveries = new Counter({
    name: 'gateway_webhook_deliveries_total',
    help: 'Callbacks finished, by outcome (delivered, refused URL, rejected by a 3xx/4xx, exhausted retries)',
    labelNames: ['outcome'],
    registers,
  });
  // Every series from the start, so rate() works before the first failure.
  for (const result of ATTEMPT_RESULTS) attempts.inc({ result }, 0);
  for (const outcome of DELIVERY_OUTCOMES) deliveries.inc({ outcome }, 0);
  return {
    attempt: (result) => attempts.inc({ result }),
    finished: (outcome) => deliveries.inc({ outcome }),
  };
}
