import type { Express } from 'express';
import { appMetrics } from '../../src/app.js';

/** The app's metrics in the Prometheus text format, as its metrics listener would serve them. */
export function scrapeMetrics(app: Express): Promise<string> {
  return appMetrics(app).registry.metrics();
}

/** The value of one series in Prometheus text, or undefined. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
