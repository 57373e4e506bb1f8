import { describe, expect, it } from 'vitest';
import { liveTargets } from '../../bench/live.js';
import { evaluateTarget } from '../../bench/targets.js';

describe('liveTargets', () => {
  it('when the gateway adds 1.5 ms at the median and stays under 200 MB, then both targets pass', () => {
    const results = liveTargets([
      { directMs: [1, 2, 3], gatewayMs: [2.5, 3.5, 9], peakRssMb: 120, failed: 0 },
    ]).map(evaluateTarget);
    expect(results.map((r) => [r.measured, r.status])).toEqual([
      [1.5, 'PASS'],
      [120, 'PASS'],
      [0, 'PASS'],
    ]);
  });

  it('when the gateway adds 3 ms or a printer gets no result, then those targets fail', () => {
    const results = liveTargets([{ directMs: [1], gatewayMs: [4], peakRssMb: 250, failed: 1 }]).map(
      evaluateTarget,
    );
    expect(results.map((r) => r.status)).toEqual(['FAIL', 'FAIL', 'FAIL']);
  });
});
