import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/shared/contract';
import type { ClusterMetrics, FailoverResult, KeySlotInfo, Topology } from '../../src/shared/types';
import { withNode } from '../../src/main/core/cluster/node-client';
import { Engine } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';
import { suiteConfig } from '../helpers/cluster';

describe('the engine over a real cluster', () => {
  let engine: Engine;
  const events: EngineEvent[] = [];
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const res = await engine.router.dispatch(method, input);
    if (!res.body.ok) throw new Error(`${method}: ${res.body.error.code} ${res.body.error.message}`);
    return res.body.data as T;
  };

  beforeAll(async () => {
    engine = await Engine.start(suiteConfig(), { log: silentLogger, shell: 'web', monitorIntervalMs: 250 });
    engine.events.on((e) => events.push(e));
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('cluster.topology shows 6 nodes, 3 masters owning all 16384 slots', async () => {
    const t = await call<Topology>('cluster.topology');
    expect(t.state).toBe('ok');
    expect(t.nodes).toHaveLength(6);
    const masters = t.nodes.filter((n) => n.role === 'master');
    expect(masters).toHaveLength(3);
    expect(masters.flatMap((m) => m.slots).reduce((n, r) => n + r.end - r.start + 1, 0)).toBe(16384);
    expect(t.nodes.filter((n) => n.role === 'replica').every((r) => masters.some((m) => m.id === r.masterId))).toBe(true);
  });

  it('cluster.keyslot agrees with CLUSTER KEYSLOT and names the node that really serves the key', async () => {
    const { portBase } = suiteConfig().redis;
    for (const key of ['{user:alice}:feed:all', '{post:42}:likes:count', 'trending:posts', 'a{}b']) {
      const info = await call<KeySlotInfo>('cluster.keyslot', { key });
      const slot = await withNode({ host: '127.0.0.1', port: portBase, password: suiteConfig().redis.password }, (n) => n.call('CLUSTER', 'KEYSLOT', key));
      expect(info.slot, key).toBe(Number(slot));
      await engine.redis.set(key, 'x');
      const owner = await withNode({ host: '127.0.0.1', port: Number(info.master!.address.split(':')[1]), password: suiteConfig().redis.password }, (n) => n.call('GET', key).catch((e: Error) => e.message));
      expect(owner, key).toBe('x');
      await engine.redis.del(key);
    }
    const a = await call<KeySlotInfo>('cluster.keyslot', { key: '{user:bob}:profile' });
    const b = await call<KeySlotInfo>('cluster.keyslot', { key: '{user:bob}:conversations' });
    expect(a.slot).toBe(b.slot);
  });

  it('cluster.metrics reads O1 figures from every node', async () => {
    const m = await call<ClusterMetrics>('cluster.metrics');
    expect(m.clusterState).toBe('ok');
    expect(m.nodes).toHaveLength(6);
    for (const n of m.nodes) {
      expect(n.reachable).toBe(true);
      expect(n.maxmemory).toBe(64 * 1024 * 1024);
      expect(n.usedMemory).toBeGreaterThan(0);
      expect(n.totalCommandsProcessed).toBeGreaterThan(0);
      if (n.role === 'replica') expect(n.masterLinkStatus).toBe('up');
    }
  });

  it('cluster.failover promotes a replica gracefully, the monitor pushes the new topology, and it can be undone', async () => {
    const before = await call<Topology>('cluster.topology');
    const master = before.nodes.find((n) => n.role === 'master' && n.slots[0]?.start === 5461)!;
    const replica = before.nodes.find((n) => n.role === 'replica' && n.masterId === master.id)!;
    await engine.redis.set('{failover}:k', 'kept');

    try {
    const result = await call<FailoverResult>('cluster.failover', { nodeId: replica.id });
    expect(result).toMatchObject({ nodeId: replica.id, promoted: true, previousMaster: master.address });
    const after = await call<Topology>('cluster.topology');
    const promoted = after.nodes.find((n) => n.id === replica.id)!;
    expect(promoted.role).toBe('master');
    expect(promoted.slots).toEqual([{ start: 5461, end: 10922 }]);
    expect(after.nodes.find((n) => n.id === master.id)!.masterId).toBe(replica.id);
    expect(await engine.redis.get('{failover}:k')).toBe('kept');

    const deadline = Date.now() + 5000;
    const pushed = () => events.some((e) => e.event === 'cluster.topology' && (e.data as Topology).nodes.some((n) => n.id === replica.id && n.role === 'master'));
    while (!pushed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pushed()).toBe(true);
    } finally {
      const back = await call<FailoverResult>('cluster.failover', { nodeId: master.id });
      expect(back.promoted).toBe(true);
      await engine.redis.del('{failover}:k');
    }
  });

  it('refuses a failover on a master or an unknown node with a clear error', async () => {
    const t = await call<Topology>('cluster.topology');
    const master = t.nodes.find((n) => n.role === 'master')!;
    const res = await engine.router.dispatch('cluster.failover', { nodeId: master.id });
    expect(res.status).toBe(400);
    expect(res.body.ok === false && res.body.error.message).toContain('is a master');
    const unknown = await engine.router.dispatch('cluster.failover', { nodeId: 'f'.repeat(40) });
    expect(unknown.status).toBe(404);
  });

  it('refuses a post by an unknown author with not_found and writes nothing', async () => {
    const before = (await call<{ postsCount: number }>('stats.get')).postsCount;
    const res = await engine.router.dispatch('posts.create', { author: 'nobody-here', text: 'hi' });
    expect(res.status).toBe(404);
    expect(res.body.ok === false && res.body.error.code).toBe('not_found');
    expect((await call<{ postsCount: number }>('stats.get')).postsCount).toBe(before);
  });
});

describe('failovers are spaced out (redis.failoverCooldownMs)', () => {
  const COOLDOWN_MS = 4000;
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.start(suiteConfig({ failoverCooldownMs: COOLDOWN_MS }), { log: silentLogger, shell: 'web' });
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('a refused failover starts no cooldown; after a failover the next one and a drill get 429 rate_limited until it has passed', async () => {
    const unknown = await engine.router.dispatch('cluster.failover', { nodeId: 'f'.repeat(40) });
    expect(unknown.status).toBe(404);
    const before = (await engine.router.dispatch('cluster.topology', {})).body as { ok: true; data: Topology };
    const master = before.data.nodes.find((n) => n.role === 'master' && n.slots[0]?.start === 5461)!;
    const replica = before.data.nodes.find((n) => n.role === 'replica' && n.masterId === master.id)!;
    const first = await engine.router.dispatch('cluster.failover', { nodeId: replica.id });
    expect(first.body.ok && (first.body.data as FailoverResult).promoted).toBe(true);
    const endedAt = Date.now();

    const again = await engine.router.dispatch('cluster.failover', { nodeId: master.id });
    expect(again.status).toBe(429);
    expect(again.body.ok === false && again.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/Cannot start a manual failover yet: the last manual failover ended .* s ago.*spaced 4\.0 s apart.*Try again in/) });
    const drill = await engine.router.dispatch('cluster.drill', { fault: 'graceful' });
    expect(drill.status).toBe(429);
    expect(drill.body.ok === false && drill.body.error.message).toMatch(/Cannot start a failover drill yet/);

    // Once the cooldown has passed, the undo runs (bounded: the cooldown plus the failover itself).
    let back = await engine.router.dispatch('cluster.failover', { nodeId: master.id });
    while (back.status === 429 && Date.now() - endedAt < COOLDOWN_MS + 10_000) {
      await new Promise((r) => setTimeout(r, 200));
      back = await engine.router.dispatch('cluster.failover', { nodeId: master.id });
    }
    expect(Date.now() - endedAt).toBeGreaterThanOrEqual(COOLDOWN_MS);
    expect(back.body.ok && (back.body.data as FailoverResult).promoted).toBe(true);
  });
});

