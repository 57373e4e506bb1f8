// npm run bench: every section, or those named by --only / BENCH_ONLY; then every target with
// its measured median and PASS/FAIL. Exits 0 whatever the verdict unless --strict / BENCH_STRICT=1.
import { cacheSection } from './cache.js';
import { liveSection } from './live.js';
import { overheadSection } from './overhead.js';
import { overloadSection } from './overload.js';
import { scaleSection } from './scale.js';
import type { BenchSection } from './section.js';
import { submissionsSection } from './submissions.js';
import { loadBenchSettings, type BenchSettings, type SECTION_NAMES } from './settings.js';
import { evaluateTarget, exitCodeFor, formatTargets, type TargetResult } from './targets.js';

const SECTIONS: Record<(typeof SECTION_NAMES)[number], BenchSection> = {
  overhead: overheadSection,
  overload: overloadSection,
  cache: cacheSection,
  scale: scaleSection,
  live: liveSection,
  submissions: submissionsSection,
};

function settingsOrExit(): BenchSettings {
  try {
    return loadBenchSettings(process.env, process.argv.slice(2));
  } catch (error) {
    console.error(`npm run bench: ${(error as Error).message}`);
    process.exit(2);
  }
}

const settings = settingsOrExit();
console.log(
  `# npm run bench (node ${process.version}, ${new Date().toISOString()}, ${settings.rounds} rounds${settings.quick ? ', QUICK: short runs that prove the code paths, not measurements' : ''})`,
);
if (settings.nodeFlags) {
  console.log(
    `# the gateway runs with BENCH_NODE_FLAGS=${settings.nodeFlags.join(' ')}, not npm start's`,
  );
}
const results: TargetResult[] = [];
for (const name of settings.only) {
  const section = SECTIONS[name as keyof typeof SECTIONS];
  const targets = await section.run(settings);
  results.push(...targets.map(evaluateTarget));
}
console.log('\n## Targets\n');
console.log(formatTargets(results, settings.rounds));
process.exitCode = exitCodeFor(results, settings.strict);
