/**
 * L3 and C4 on the real cluster: reads served by replicas when allowed, MOVED/ASK followed during
 * a live migration of one slot, and a readable error for a slot that nobody serves.
 */
import calculateSlot from 'cluster-key-slot';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LikeOutcome } from '../../src/shared/types';
import { Engine } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';
import { suiteConfig } from '../helpers/cluster';
import { connectNode, textCommand } from '../../src/main/core/cluster/node-client';
import { parseClusterNodes, parseInfo } from '../../src/main/core/cluster/nodes-parser';
import { keys } from '../../src/main/core/keys';
import { startTestEngine } from '../helpers/engine';
import { tempDir } from '../helpers/temp-dirs';

const host = '127.0.0.1';

describe('cluster behaviour seen by the engine', () => {
  let engine: Engine;
  let call: Awaited<ReturnType<typeof startTestEngine>>['call'];
  const admin = new Map<number, Redis>();
  const node = async (port: number): Promise<Redis> => {
    let n = admin.get(port);
    if (!n) {
      n = connectNode({ host, port, password: suiteConfig().redis.password });
      n.on('error', () => undefined);
      admin.set(port, n);
      await n.connect();
    }
    return n;
  };
  const topology = async (port: number) => parseClusterNodes(await textCommand(await node(port), 'CLUSTER', 'NODES'));

  beforeAll(async () => {
    ({ engine, call } = await startTestEngine({}));
    await call('users.create', { username: 'mover', displayName: 'Mover', password: 'password1' });
    await call('users.create', { username: 'mover2', displayName: 'Mover Two', password: 'password1' });
  });
  afterAll(async () => {
    await engine?.stop();
    for (const n of admin.values()) n.disconnect();
  });

  it('with scaleReads=slave, reads are served by replicas (L3)', async () => {
    const config = suiteConfig({ scaleReads: 'slave' });
    config.stores.embeddedDir = tempDir('redk-l3');
    const reader = await Engine.start(config, { log: silentLogger, shell: 'web' });
    try {
      const replicas = (await topology(config.redis.portBase)).filter((n) => n.role === 'replica');
      const hits = () => Promise.all(replicas.map(async (r) => Number(parseInfo(await textCommand(await node(r.port), 'INFO', 'stats')).keyspace_hits)));
      await reader.redis.set('{l3}:k', 'v');
      await reader.redis.call('WAIT', '1', '1000');
      // A client just started may send its first reads before its replica connections are ready
      // (READONLY after AUTH): rounds of 20 reads until one is served by the replicas, within 10 s.
      let served = 0;
      for (const deadline = Date.now() + 10_000; served < 20 && Date.now() < deadline; ) {
        const before = await hits();
        for (let i = 0; i < 20; i++) expect(await reader.redis.get('{l3}:k')).toBe('v');
        const after = await hits();
        served = after.reduce((n, h, i) => n + h - (before[i] as number), 0);
      }
      expect(served, 'reads of 20 that the replicas served').toBeGreaterThanOrEqual(20);
    } finally {
      await reader.stop();
    }
  });

  it('follows ASK during a live migration of one slot and MOVED after it, without losing a like', async () => {
    const { id: postId } = await call<{ id: string }>('posts.create', { author: 'mover', text: 'on the move' });
    const key = keys.likesCount(postId);
    const slot = calculateSlot(key);
    const portBase = engine.config.redis.portBase;
    const before = await topology(portBase);
    const source = before.find((n) => n.role === 'master' && n.slots.some((r) => r.start <= slot && slot <= r.end))!;
    const target = before.find((n) => n.role === 'master' && n.id !== source.id)!;
    await call('likes.like', { postId, username: 'mover' });

    const migrate = async (from: typeof source, to: typeof source) => {
      await (await node(to.port)).call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', from.id);
      await (await node(from.port)).call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', to.id);
      return async () => {
        for (;;) {
          const batch = (await (await node(from.port)).call('CLUSTER', 'GETKEYSINSLOT', String(slot), '100')) as string[];
          if (batch.length === 0) break;
          await (await node(from.port)).call('MIGRATE', host, String(to.port), '', '0', '5000', 'AUTH', engine.config.redis.password!, 'KEYS', ...batch);
        }
        for (const n of before.filter((x) => x.role === 'master')) await (await node(n.port)).call('CLUSTER', 'SETSLOT', String(slot), 'NODE', to.id);
      };
    };

    const finish = await migrate(source, target);
    try {
      // Half-way: the counter is still on the source, a new key of the slot would be ASKed over.
      const during = await call<LikeOutcome>('likes.like', { postId, username: 'mover2' }).catch((e: { code: string }) => e);
      await finish();
      if ('code' in during) throw new Error(`like during migration failed: ${during.code}`);
      expect(during.changed).toBe(true);
      const after = await call<LikeOutcome>('likes.unlike', { postId, username: 'mover' });
      expect(after).toMatchObject({ changed: true, count: 1 });
      const owner = (await topology(portBase)).find((n) => n.slots.some((r) => r.start <= slot && slot <= r.end));
      expect(owner?.id).toBe(target.id);
    } finally {
      // Put the slot back where C1 wants it, for the other test files.
      const back = await migrate(target, source);
      await back();
    }
    expect(Number(await engine.redis.get(key))).toBe(1);
  });

  it('a slot that no master serves gives a readable cluster_unavailable error, and recovers', async () => {
    const { id: postId } = await call<{ id: string }>('posts.create', { author: 'mover', text: 'orphan' });
    const slot = calculateSlot(keys.likesCount(postId));
    const portBase = engine.config.redis.portBase;
    const owner = (await topology(portBase)).find((n) => n.role === 'master' && n.slots.some((r) => r.start <= slot && slot <= r.end))!;
    const masters = (await topology(portBase)).filter((n) => n.role === 'master');
    for (const m of masters) await (await node(m.port)).call('CLUSTER', 'DELSLOTS', String(slot)).catch(() => undefined);
    try {
      const res = await engine.router.dispatch('likes.like', { postId, username: 'mover' });
      expect(res.status).toBe(503);
      expect(res.body.ok === false && res.body.error.code).toBe('cluster_unavailable');
      expect(res.body.ok === false && res.body.error.message).toMatch(/slot|CLUSTERDOWN/i);
    } finally {
      await (await node(owner.port)).call('CLUSTER', 'ADDSLOTS', String(slot));
      // Make the claim win everywhere, and wait until every node's view agrees (other test files
      // check the C1 layout from any node).
      await (await node(owner.port)).call('CLUSTER', 'BUMPEPOCH');
    }
    const converged = Date.now() + 20_000;
    for (;;) {
      const views = await Promise.all(masters.map((m) => topology(m.port)));
      const agreed = views.every((v) => v.some((n) => n.id === owner.id && n.slots.some((r) => r.start <= slot && slot <= r.end)));
      if (agreed) break;
      if (Date.now() > converged) throw new Error(`slot ${slot} did not converge back to ${owner.address}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await engine.router.dispatch('likes.like', { postId, username: 'mover' });
      if (res.status === 200) break;
      if (Date.now() > deadline) throw new Error(`no recovery: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });
});
