/**
 * Operator tools on the suite's cluster (issue 13, items 4-5): keys per slot for the heat map,
 * one slot up close, SLOWLOG from every node, memory per key family, and the command console
 * (read-only at once, writes only when confirmed, connection-takers refused).
 */
import calculateSlot from 'cluster-key-slot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import { familyOf, tagOf } from '../../src/main/core/cluster/operator-tools';
import { keys } from '../../src/main/core/keys';
import type { ConsoleResult, MemoryReport, SlotInfo, SlotStats, SlowlogEntry } from '../../src/shared/types';
import { startTestEngine } from '../helpers/engine';

describe('operator tools', () => {
  let engine: Engine;
  let call: Awaited<ReturnType<typeof startTestEngine>>['call'];
  const fail = async (method: string, input: unknown) => {
    const res = await engine.router.dispatch(method, input);
    if (res.body.ok) throw new Error(`${method} answered ok`);
    return res.body.error;
  };

  beforeAll(async () => {
    ({ engine, call } = await startTestEngine());
    for (const u of ['ann', 'bob']) await call('users.create', { username: u, displayName: u, password: 'password1' });
    const { id } = await call<{ id: string }>('posts.create', { author: 'ann', text: 'hello' });
    await call('likes.like', { postId: id, username: 'bob' });
    await call('messages.send', { from: 'ann', to: 'bob', text: 'hi' });
    await call('feeds.get', { username: 'bob', kind: 'all' });
    for (let i = 0; i < 300; i++) await engine.redis.set(`{heat}:k${i}`, 'x'.repeat(i));
    await engine.redis.set('{heat}:big', 'x'.repeat(20_000));
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('counts the keys of every slot, as DBSIZE does, and marks the hot one', async () => {
    const stats = await call<SlotStats>('cluster.slotStats');
    expect(stats.complete).toBe(true);
    expect(stats.keys).toHaveLength(16384);
    const dbsize = (await Promise.all(engine.redis.nodes('master').map((n) => n.dbsize()))).reduce((a, b) => a + b, 0);
    expect(stats.totalKeys).toBe(dbsize);
    expect(stats.keys[calculateSlot('{heat}')]).toBe(301);
    expect(stats.owners.reduce((n, r) => n + r.end - r.start + 1, 0)).toBe(16384);
    expect(stats.open).toEqual([]);
    process.stderr.write(`slotStats: ${stats.totalKeys} keys over 16384 slots in ${stats.tookMs} ms\n`);
  });

  it('names a slot\'s owner, replicas, key count and the hash tags on it', async () => {
    const info = await call<SlotInfo>('cluster.slotInfo', { slot: calculateSlot('{heat}') });
    expect(info.keys).toBe(301);
    expect(info.tags[0]).toEqual({ tag: 'heat', keys: 50 });
    expect(info.owner).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(info.replicas.length).toBeGreaterThanOrEqual(1);
    expect((await fail('cluster.slotInfo', { slot: 16384 })).code).toBe('invalid_input');
    expect(tagOf('{user:ann}:feed:all')).toBe('user:ann');
    expect(tagOf('feeds:large')).toBe('feeds');
    expect(familyOf(keys.likesCount('p1'))).toBe('likes');
    expect(familyOf(keys.feed('ann', 'all'))).toBe('feeds');
    expect(familyOf(keys.unread('ann', 'bob'))).toBe('dms');
  });

  it('runs read-only commands at once on every master, each answer labelled by node; writes only when confirmed', async () => {
    const dbsize = await call<ConsoleResult>('cluster.command', { target: 'masters', args: ['DBSIZE'] });
    expect(dbsize.readOnly).toBe(true);
    expect(dbsize.results).toHaveLength(3);
    expect(dbsize.results.every((r) => r.ok && typeof r.reply === 'number' && r.role === 'master')).toBe(true);
    const all = await call<ConsoleResult>('cluster.command', { target: 'all', args: ['DBSIZE'] });
    expect(all.results).toHaveLength(6);
    const owner = (await call<SlotInfo>('cluster.slotInfo', { slot: calculateSlot('{heat}') })).owner!;
    const one = await call<ConsoleResult>('cluster.command', { target: { node: owner }, args: ['GET', '{heat}:k3'] });
    expect(one.results).toEqual([expect.objectContaining({ node: owner, ok: true, reply: 'xxx' })]);

    const refused = await fail('cluster.command', { target: { node: owner }, args: ['SET', '{heat}:new', 'v'] });
    expect(refused.code).toBe('confirmation_required');
    expect(await engine.redis.exists('{heat}:new')).toBe(0);
    const written = await call<ConsoleResult>('cluster.command', { target: { node: owner }, args: ['SET', '{heat}:new', 'v'], confirm: true });
    expect(written).toMatchObject({ readOnly: false, results: [{ ok: true, reply: 'OK' }] });
    expect(await engine.redis.get('{heat}:new')).toBe('v');
    // A subcommand is judged by its own flags: CONFIG GET reads, CONFIG SET needs confirming.
    expect((await call<ConsoleResult>('cluster.command', { target: 'masters', args: ['CONFIG', 'GET', 'maxmemory-policy'] })).readOnly).toBe(true);
    expect((await call<ConsoleResult>('cluster.command', { target: 'all', args: ['INFO', 'replication'] })).results).toHaveLength(6);
    expect((await fail('cluster.command', { target: 'masters', args: ['FLUSHALL'] })).code).toBe('confirmation_required');
    expect((await fail('cluster.command', { target: 'masters', args: ['CLUSTER', 'FORGET', 'x'] })).code).toBe('confirmation_required');
    expect((await fail('cluster.command', { target: 'masters', args: ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'] })).code).toBe('confirmation_required');
    expect((await fail('cluster.command', { target: 'all', args: ['KEYS', '*'] })).code, 'KEYS is @dangerous').toBe('confirmation_required');
    expect((await fail('cluster.command', { target: 'all', args: ['MONITOR'] })).message).toMatch(/takes over/);
    expect((await fail('cluster.command', { target: 'all', args: ['NOSUCHCOMMAND'] })).message).toMatch(/knows no command/);
    expect((await fail('cluster.command', { target: { node: '1' }, args: ['PING'] })).message).toMatch(/not a node/);
    expect((await fail('cluster.command', { target: 'all', args: [] })).code).toBe('invalid_input');
  });

  it('merges SLOWLOG from every node, newest first, labelled by node', async () => {
    const owner = (await call<SlotInfo>('cluster.slotInfo', { slot: calculateSlot('{heat}') })).owner!;
    await call('cluster.command', { target: { node: owner }, args: ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'], confirm: true });
    try {
      await engine.redis.get('{heat}:k7');
      const { entries } = await call<{ entries: SlowlogEntry[] }>('cluster.slowlog', { perNode: 20 });
      const mine = entries.filter((e) => e.node === owner);
      expect(mine.some((e) => e.command[0]?.toLowerCase() === 'get' && e.command[1] === '{heat}:k7')).toBe(true);
      for (let i = 1; i < entries.length; i++) expect(entries[i - 1]!.at).toBeGreaterThanOrEqual(entries[i]!.at);
    } finally {
      await call('cluster.command', { target: { node: owner }, args: ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000'], confirm: true });
    }
  });

  it('estimates memory per key family from sampled MEMORY USAGE, with the biggest keys', async () => {
    const report = await call<MemoryReport>('cluster.memory', { perMaster: 1000 });
    expect(report.sampledKeys).toBe(report.totalKeys);
    const families = new Map(report.families.map((f) => [f.family, f]));
    for (const f of ['likes', 'feeds', 'dms', 'other']) expect(families.get(f)?.sampledKeys, f).toBeGreaterThan(0);
    expect(report.biggest[0]!.key).toBe('{heat}:big');
    expect(report.biggest[0]!.bytes).toBeGreaterThan(20_000);
    for (let i = 1; i < report.biggest.length; i++) expect(report.biggest[i - 1]!.bytes).toBeGreaterThanOrEqual(report.biggest[i]!.bytes);
    expect(report.masters).toHaveLength(3);
  });
});
