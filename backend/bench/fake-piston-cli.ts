// Runs the fixture-replaying fake Piston as its own process for benchmarks.
// Usage: tsx backend/bench/fake-piston-cli.ts [delayMs] [maxConcurrentJobs].
// Prints "LISTENING <url>" when ready.
import { startFakePiston } from '../test/support/fake-piston-server.js';

const delayMs = Number(process.argv[2] ?? '0');
const maxConcurrentJobs = process.argv[3] ? Number(process.argv[3]) : undefined;
const fake = await startFakePiston({
  delayMs,
  ...(maxConcurrentJobs ? { maxConcurrentJobs } : {}),
});
// The bench sends the same body over and over; keep no history of requests.
fake.requests.push = () => 0;
process.stdout.write(`LISTENING ${fake.url}\n`);
process.on('SIGTERM', () => {
  void fake.close().then(() => process.exit(0));
});
