/**
 * Scale out and in (issue 13, item 1) on a cluster of this file's own, under likes, unlikes,
 * comments and DMs from parallel clients the whole time: a master and its replica are added
 * (8 nodes), a rebalance brings every master within 2% of 4,096 slots, 1,000 slots are
 * resharded back, and the added master is removed (its slots moved away first, its replica with
 * it). `redis-cli --cluster check` is clean at every stop and the checker finds nothing lost.
 * Then a replica is added and the cluster restarted: it comes back with the same shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import { slotsIn } from '../../src/main/core/cluster/resharding';
import type { ClusterJob, NodeChange, RebalanceResult, Topology } from '../../src/shared/types';
import { checkedClean as clean, jobFinished, lost, none } from './cluster-ops-helpers';
import { startOwnEngine, waitUntil, type OwnEngine } from './own-cluster';
import { check, dispatchOk, setupNetwork, startWorkload } from './workload';

describe('faults: scale out to 8 nodes, rebalance, reshard, scale in, under load', () => {
  let own: OwnEngine;
  let engine: Engine;

  beforeAll(async () => {
    // The product's default node timeout: this file is about moving slots, and a master that
    // misses pings on a loaded machine for 2 s would be failed over mid-move (which the job
    // survives, as reshard-failover.test.ts shows, but not what this file measures).
    own = await startOwnEngine('redk-scaling', 5000);
    ({ engine } = own);
  });
  afterAll(async () => {
    await own?.stop();
  });

  const topology = () => dispatchOk<Topology>(engine, 'cluster.topology', {});
  const masters = async () => (await topology()).nodes.filter((n) => n.role === 'master');
  const checkedClean = (what: string) => clean(engine, what);
  const finished = (id: string) => jobFinished(engine, id);

  it('adds a master and its replica, rebalances, reshards back, removes the master, losing nothing', async () => {
    const { users, posts } = await setupNetwork(engine, 4, 24, 'sc');
    const load = startWorkload(engine, users, posts);
    const stops: string[] = [];
    const filler = Array.from({ length: 20_000 }, (_, i) => `scaling:filler:${i}`);
    try {
      await waitUntil('the workload to get going', () => load.calls.length > 200, 30_000);
      // 20,000 more keys over every slot, so the moves carry keys and a rate can be printed; all checked at the end.
      for (let i = 0; i < filler.length; i += 1000) await Promise.all(filler.slice(i, i + 1000).map((k) => engine.redis.set(k, k)));
      const master = await dispatchOk<NodeChange>(engine, 'cluster.addNode', {});
      expect(master).toMatchObject({ role: 'master', masterAddress: null });
      const replica = await dispatchOk<NodeChange>(engine, 'cluster.addNode', { replicaOf: master.address });
      expect(replica).toMatchObject({ role: 'replica', masterAddress: master.address });
      const eight = await topology();
      expect(eight.nodes).toHaveLength(8);
      expect(eight.nodes.find((n) => n.address === replica.address)).toMatchObject({ role: 'replica', masterId: master.id });
      expect((await own.launcher.status()).filter((s) => s.state.kind === 'ours')).toHaveLength(8);
      await checkedClean('after adding');
      stops.push(`added ${master.address} and ${replica.address} in ${master.tookMs + replica.tookMs} ms`);

      const plan = await dispatchOk<RebalanceResult>(engine, 'cluster.rebalance', { simulate: true });
      expect(plan.masters.map((m) => m.target)).toEqual([4096, 4096, 4096, 4096]);
      expect(plan.moves.every((m) => m.to === master.address)).toBe(true);
      const rebalance = await dispatchOk<RebalanceResult>(engine, 'cluster.rebalance', {});
      const balanced = await finished(rebalance.job!.id);
      expect(balanced).toMatchObject({ state: 'done', slotsDone: plan.slotsToMove });
      await checkedClean('after the rebalance');
      for (const m of await masters()) expect(Math.abs(slotsIn(m.slots).length - 4096), m.address).toBeLessThanOrEqual(0.02 * 4096);
      stops.push(`rebalance: ${balanced.slotsDone} slots, ${balanced.keysMoved} keys in ${balanced.finishedAt! - balanced.startedAt} ms (${balanced.keysPerSec} keys/s)`);

      const first = (await masters()).find((m) => m.address !== master.address)!;
      const back = await dispatchOk<ClusterJob>(engine, 'cluster.reshard', { from: master.address, to: first.address, slots: 1000 });
      const moved = await finished(back.id);
      expect(moved).toMatchObject({ state: 'done', slotsDone: 1000 });
      await checkedClean('after resharding 1,000 slots back');
      stops.push(`reshard: 1000 slots, ${moved.keysMoved} keys in ${moved.finishedAt! - moved.startedAt} ms (${moved.keysPerSec} keys/s)`);

      const removed = await dispatchOk<NodeChange & { removedReplicas: string[] }>(engine, 'cluster.removeNode', { node: master.address });
      expect(removed.removedReplicas).toEqual([replica.address]);
      expect(removed.movedSlots, "all of its slots: 4,096 from the rebalance less the 1,000 moved back").toBe(3096);
      const six = await topology();
      expect(six.nodes.map((n) => n.address).sort()).toEqual(own.launcher.plan.ports.map((p) => `127.0.0.1:${p}`).sort());
      expect((await own.launcher.status()).map((s) => s.port)).toEqual(own.launcher.plan.ports.slice().sort((a, b) => a - b));
      await checkedClean('after removing the added master');
      stops.push(`removed ${master.address} (${removed.movedSlots} slots moved away first) and its replica in ${removed.tookMs} ms`);
    } finally {
      await load.stop();
    }
    const failed = load.calls.filter((c) => !c.ok);
    process.stderr.write(`scaling: ${stops.join('; ')}\nscaling load: ${load.calls.length} calls, ${failed.length} failed (${[...new Set(failed.map((c) => c.code))].join(', ') || 'none'}), likes ${JSON.stringify(load.likes)}\n`);
    expect(load.calls.length).toBeGreaterThan(1000);
    await engine.sync.syncAll();
    expect(lost(await check(engine, load, { store: true, trending: false }))).toEqual(none);
    const values = [];
    for (let i = 0; i < filler.length; i += 1000) values.push(...(await Promise.all(filler.slice(i, i + 1000).map((k) => engine.redis.get(k)))));
    expect(values.filter((v, i) => v !== filler[i]).length, 'filler keys lost or changed').toBe(0);
  }, 600_000);

  it('refuses what cannot be done, clearly, and touches nothing', async () => {
    const before = await topology();
    const replica = before.nodes.find((n) => n.role === 'replica')!;
    for (const [method, input, pattern] of [
      ['cluster.addNode', { replicaOf: replica.address }, /not a master/],
      ['cluster.addNode', { address: '127.0.0.1:1' }, /leave out the address/],
      ['cluster.removeNode', { node: '127.0.0.1:1' }, /not a node/],
    ] as const) {
      const res = await engine.router.dispatch(method, input);
      expect(res.body, method).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      if (!res.body.ok) expect(res.body.error.message).toMatch(pattern);
    }
    expect((await topology()).nodes.map((n) => [n.id, n.role, n.slots])).toEqual(before.nodes.map((n) => [n.id, n.role, n.slots]));
  });

  it('an added replica comes back after the cluster is stopped and started again', async () => {
    const first = (await masters())[0]!;
    const added = await dispatchOk<NodeChange>(engine, 'cluster.addNode', { replicaOf: String(first.port) });
    await engine.stop();
    await own.launcher.down();
    expect((await own.launcher.status()).every((s) => s.state.kind === 'free')).toBe(true);
    const up = await own.launcher.up();
    expect(up.seeds).toHaveLength(7);
    const states = await own.launcher.status();
    expect(states.map((s) => s.state.kind)).toEqual(Array(7).fill('ours'));
    expect(states.find((s) => s.port === Number(added.address.split(':')[1]))?.state).toMatchObject({ kind: 'ours', role: 'replica' });
  }, 180_000);
});
