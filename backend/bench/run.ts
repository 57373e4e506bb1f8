// npm run bench: every benchmark, or those named in BENCH_ONLY (overhead,overload,cache,redis).
import { benchCache, benchRedisScale } from './cache-and-scale.js';
import { benchOverhead } from './overhead.js';
import { benchOverload } from './overload.js';

const SECTIONS: Record<string, () => Promise<void>> = {
  overhead: benchOverhead,
  overload: benchOverload,
  cache: benchCache,
  redis: benchRedisScale,
};
const only = (process.env.BENCH_ONLY ?? Object.keys(SECTIONS).join(',')).split(',');

console.log(`# npm run bench (node ${process.version}, ${new Date().toISOString()})`);
for (const name of only) {
  const section = SECTIONS[name.trim()];
  if (!section) throw new Error(`unknown bench section ${name}`);
  await section();
}
