// What one bench section (one row module: overhead, overload, cache, scale, ...) provides.
import type { BenchSettings } from './settings.js';
import type { Target } from './targets.js';

/**
 * A section prints its own table as it measures and returns its targets with the value of each
 * round; run.ts judges them all together. Add a row module by exporting one of these and naming
 * it in run.ts and SECTION_NAMES.
 */
export interface BenchSection {
  name: string;
  run(settings: BenchSettings): Promise<Target[]>;
}
