/**
 * Where a resharding job's moves go after a failover (replan): pure, from the masters' own views
 * as readMasters gives them. The cases are the ends a SIGKILLed target can leave.
 */
import { describe, expect, it } from 'vitest';
import { replan } from '../../src/main/core/cluster/reshard-job';
import type { MasterState } from '../../src/main/core/cluster/resharding';
import type { ClusterNodeInfo, SlotRange } from '../../src/shared/types';

const master = (id: string, port: number, slots: SlotRange[], epoch = 1): MasterState => ({
  id, address: `127.0.0.1:${port}`, host: '127.0.0.1', port, slots, epoch, migrating: new Map(), importing: new Map(),
});
const replicaOf = (id: string, port: number, masterId: string): ClusterNodeInfo => ({
  id, address: `127.0.0.1:${port}`, host: '127.0.0.1', port, role: 'replica', masterId, health: 'ok', linkState: 'connected', flags: ['slave'], slots: [], configEpoch: 0,
});

// Before the job: S serves 0-99, T serves 100-199 (R replicates it). The job moves 0-9 from S to T.
const S = master('s', 7000, [{ start: 0, end: 99 }]);
const T = master('t', 7001, [{ start: 100, end: 199 }]);
const moves = Array.from({ length: 10 }, (_, slot) => ({ slot, from: S, to: T }));

describe('replan after a failover mid-job', () => {
  it('the target crashed and its replica took over with every slot moved so far: the rest go to the replica', () => {
    const R = master('r', 7002, [{ start: 0, end: 3 }, { start: 100, end: 199 }], 5);
    const S2 = master('s', 7000, [{ start: 4, end: 99 }]);
    const out = replan(moves, new Set([0, 1, 2, 3]), [S2, R], [replicaOf('t', 7001, 'r')]);
    expect(out.reopened).toEqual([]);
    expect(out.already).toEqual([]);
    expect(out.moves.map((m) => [m.slot, m.from.id, m.to.id])).toEqual([
      [0, 's', 'r'], [1, 's', 'r'], [2, 's', 'r'], [3, 's', 'r'],
      ...[4, 5, 6, 7, 8, 9].map((slot) => [slot, 's', 'r']),
    ]);
    expect(out.notes).toEqual([]);
  });

  it('a slot given to the target just before it died stayed with it, restarted: the replica serves the shard, and that slot moves again to it', () => {
    // R never heard that T got slot 3: it took over 0-2 and T's own slots; T came back still
    // serving 3 alone (it is the only one claiming it), a master of one slot.
    const R = master('r', 7002, [{ start: 0, end: 2 }, { start: 100, end: 199 }], 5);
    const T2 = master('t', 7001, [{ start: 3, end: 3 }], 4);
    const S2 = master('s', 7000, [{ start: 4, end: 99 }]);
    const out = replan(moves, new Set([0, 1, 2, 3]), [S2, T2, R], []);
    expect(out.reopened).toEqual([3]);
    expect(out.moves[3]).toMatchObject({ slot: 3, from: { id: 't' }, to: { id: 'r' } });
    expect(out.moves.slice(4).every((m) => m.from.id === 's' && m.to.id === 'r')).toBe(true);
    expect(out.notes).toEqual(['slots 3 had been moved to 127.0.0.1:7001 but stayed with it when its shard failed over (the master taking over had not heard of them): they move again, to 127.0.0.1:7002']);
  });

  it('a slot the fix gave to a third master goes on to the target', () => {
    const T2 = master('t', 7001, [{ start: 0, end: 2 }, { start: 100, end: 199 }], 2);
    const S2 = master('s', 7000, [{ start: 5, end: 99 }]);
    const X = master('x', 7003, [{ start: 3, end: 4 }, { start: 200, end: 16383 }]);
    const out = replan(moves, new Set([0, 1, 2, 3]), [S2, T2, X], []);
    expect(out.reopened).toEqual([3]);
    expect(out.moves[3]).toMatchObject({ from: { id: 'x' }, to: { id: 't' } });
    expect(out.moves[4]).toMatchObject({ from: { id: 'x' }, to: { id: 't' } });
    expect(out.moves[5]).toMatchObject({ from: { id: 's' }, to: { id: 't' } });
    expect(out.notes).toEqual(['slots 3 had been moved to 127.0.0.1:7001 but are on 127.0.0.1:7003 after the failover: they move again, to 127.0.0.1:7001']);
  });

  it('slots on their target already count as done; a target with no slots yet is itself, or the master it replicates now', () => {
    const empty = master('n', 7004, []);
    const plan = [0, 1, 2].map((slot) => ({ slot, from: S, to: empty }));
    const N2 = master('m', 7005, [{ start: 1, end: 1 }], 3);
    const S2 = master('s', 7000, [{ start: 0, end: 0 }, { start: 2, end: 99 }]);
    const out = replan(plan, new Set(), [S2, N2], [replicaOf('n', 7004, 'm')]);
    expect(out.already).toEqual([1]);
    expect(out.moves.map((m) => m.to.id)).toEqual(['m', 'm', 'm']);
    expect(() => replan(plan, new Set(), [S2], [])).toThrow(/The target 127\.0\.0\.1:7004 is gone and no master serves its shard: 3 slots were not moved/);
  });
});
