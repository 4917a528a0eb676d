import { describe, expect, it } from 'vitest';
import { formatRanges, planCluster, slotRanges, SLOT_COUNT } from '../../src/main/core/cluster/layout';

describe('cluster layout (C1)', () => {
  it('splits the 16384 slots exactly as the seed does: 0-5460, 5461-10922, 10923-16383', () => {
    expect(slotRanges()).toEqual([
      { start: 0, end: 5460 },
      { start: 5461, end: 10922 },
      { start: 10923, end: 16383 },
    ]);
  });

  it('covers every slot once for any master count', () => {
    for (const masters of [1, 2, 3, 5, 7]) {
      const ranges = slotRanges(masters);
      expect(ranges[0]!.start).toBe(0);
      expect(ranges[ranges.length - 1]!.end).toBe(SLOT_COUNT - 1);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.start).toBe(ranges[i - 1]!.end + 1);
    }
  });

  it('puts masters on base..base+2 and each replica on its master port + 3', () => {
    const plan = planCluster(7000);
    expect(plan.masters.map((m) => m.port)).toEqual([7000, 7001, 7002]);
    expect(plan.replicas).toEqual([
      { port: 7003, masterPort: 7000 },
      { port: 7004, masterPort: 7001 },
      { port: 7005, masterPort: 7002 },
    ]);
    expect(plan.ports).toEqual([7000, 7001, 7002, 7003, 7004, 7005]);
  });

  it('formats ranges the way CLUSTER NODES prints them', () => {
    expect(formatRanges([{ start: 0, end: 5460 }, { start: 7, end: 7 }])).toBe('0-5460,7');
  });
});
