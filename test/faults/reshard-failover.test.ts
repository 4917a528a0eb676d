/**
 * A master SIGKILLed in the middle of a resharding job (issue 13, items 1-2): its replica takes
 * over (the supervisor forces it in), the job waits for the cluster to settle, closes the slots
 * left open with no key lost, points the moves left at the master serving the shard now, and
 * ends done, under likes, unlikes, comments and DMs from parallel clients the whole time. Both
 * ends are tried: the source (its replica may lack the DELs of the last MIGRATE, so an importing
 * side's copy wins) and the target (the replica that takes over holds the keys restored so far
 * without serving the slot). The checker then finds nothing lost, and every key of the range is
 * there with its value.
 */
import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import { keys } from '../../src/main/core/keys';
import type { ClusterJob } from '../../src/shared/types';
import { checkedClean, jobFinished, lost, mastersOf, none, tagsFor } from './cluster-ops-helpers';
import { startOwnEngine, waitUntil, type OwnEngine } from './own-cluster';
import { check, dispatchOk, setupNetwork, startWorkload } from './workload';

const SLOTS = 400;
const KEYS_PER_SLOT = 25;

describe('faults: a master killed while a resharding job runs', () => {
  let own: OwnEngine;
  let engine: Engine;
  let users: string[];
  let posts: string[];
  const healing: string[] = [];

  beforeAll(async () => {
    own = await startOwnEngine('redk-reshard-failover');
    ({ engine } = own);
    engine.events.on((e) => {
      if (e.event === 'cluster.healing') {
        const a = e.data as { step: string; port: number; detail: string };
        healing.push(`${a.step} ${a.port}: ${a.detail}`);
      }
    });
    ({ users, posts } = await setupNetwork(engine, 4, 24, 'rf'));
  });
  afterAll(async () => {
    await own?.stop();
  });

  /** Keys on every slot of `start..end`, written on their master and WAITed to its replica. */
  async function fill(port: number, start: number, end: number, tag: string): Promise<Map<string, string>> {
    const written = new Map<string, string>();
    const node = new Redis({ host: '127.0.0.1', port, password: own.config.redis.password, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await node.connect();
      for (const t of tagsFor(start, end).values()) {
        const batch = node.pipeline();
        for (let i = 0; i < KEYS_PER_SLOT; i++) {
          const key = `{${t}}:${tag}:${i}`;
          written.set(key, `${key}=v`);
          batch.set(key, `${key}=v`);
        }
        const replies = (await batch.exec()) ?? [];
        const failed = replies.find(([err]) => err);
        if (failed) throw failed[0];
      }
      expect(Number(await node.call('WAIT', '1', '10000')), 'the replica has every key before the job starts').toBeGreaterThanOrEqual(1);
    } finally {
      node.disconnect();
    }
    return written;
  }

  async function killedMidJob(end: 'source' | 'target') {
    const load = startWorkload(engine, users, posts);
    try {
      await waitUntil('the workload to get going', () => load.calls.length > 200, 30_000);
      const slot = calculateSlot(keys.likesCount(posts[0]!));
      const masters = await mastersOf(engine);
      const source = masters.find((m) => m.slots.some((r) => r.start <= slot && slot <= r.end))!;
      const target = masters.find((m) => m.id !== source.id)!;
      const range = source.slots.find((r) => r.start <= slot && slot <= r.end)!;
      const start = Math.max(range.start, Math.min(slot, range.end - SLOTS + 1));
      const moving = { start, end: start + SLOTS - 1 };
      const filler = await fill(source.port, moving.start, moving.end, end);

      const victim = end === 'source' ? source : target;
      const pid = (await own.launcher.status()).find((s) => s.port === victim.port)?.state;
      expect(pid && pid.kind === 'ours' && pid.pid, `the ${end} runs as a process of ours`).toBeTruthy();
      // Killed from the job's own progress event, in the same tick as a slot's move ended: the
      // slot was just given to the target, whose replica may not have heard of it yet.
      let killedAt: number | null = null;
      let jobId: string | null = null;
      const off = engine.events.on((e) => {
        if (e.event !== 'cluster.job' || killedAt !== null) return;
        const now = e.data as ClusterJob;
        if (now.id !== jobId || now.slotsDone < SLOTS / 4) return;
        healing.length = 0;
        process.kill((pid as { pid: number }).pid, 'SIGKILL');
        killedAt = now.slotsDone;
      });
      const job = await dispatchOk<ClusterJob>(engine, 'cluster.reshard', { to: target.address, range: moving });
      jobId = job.id;
      await waitUntil('a quarter of the slots to move and the victim to be killed', () => killedAt !== null, 120_000);
      off();

      const final = await jobFinished(engine, job.id);
      process.stderr.write(`reshard-failover (${end} killed): ${final.state}, ${final.slotsDone}/${final.slotsTotal} slots, ${final.keysMoved} keys in ${final.finishedAt! - final.startedAt} ms\n  ${final.notes.join('\n  ')}\n  supervisor: ${healing.join('\n  supervisor: ')}\n`);
      expect(final, final.error ?? '').toMatchObject({ state: 'done', slotsDone: SLOTS, slotsTotal: SLOTS, error: null, pending: [] });
      // The job saw the kill and went on (whether the replica took over or the node came back first).
      expect(final.notes.join('\n')).toMatch(/so the job closes the open slots and goes on/);
      await waitUntil('the killed node to be back', async () => (await own.launcher.status()).every((s) => s.state.kind === 'ours'), 60_000);
      await checkedClean(engine, `after the ${end} was killed`, 60_000);
      const owners = await mastersOf(engine);
      const servedBy = owners.filter((m) => m.slots.some((r) => r.start <= moving.start && moving.end <= r.end));
      expect(servedBy.map((m) => m.address), `the whole range on one master: the target, or the replica that took its place (owners: ${owners.map((m) => `${m.address} ${m.slots.map((r) => `${r.start}-${r.end}`).join(',')}`).join('; ')}; the job: ${final.notes.join(' / ')})`).toHaveLength(1);
      if (end === 'source') expect(servedBy[0]!.id).toBe(target.id);
      else expect(servedBy[0]!.id).not.toBe(source.id);

      const wrong: string[] = [];
      const entries = [...filler];
      for (let i = 0; i < entries.length; i += 500) {
        const values = await Promise.all(entries.slice(i, i + 500).map(([k]) => engine.redis.get(k)));
        values.forEach((v, j) => v !== entries[i + j]![1] && wrong.push(`${entries[i + j]![0]}=${v}`));
      }
      expect(wrong.slice(0, 10), `${wrong.length} of ${filler.size} keys of the range lost or changed`).toEqual([]);
    } finally {
      await load.stop();
    }
    const failed = load.calls.filter((c) => !c.ok);
    process.stderr.write(`reshard-failover load: ${load.calls.length} calls, ${failed.length} failed (${[...new Set(failed.map((c) => c.code))].join(', ') || 'none'}), likes ${JSON.stringify(load.likes)}\n`);
    expect(load.calls.length).toBeGreaterThan(300);
    await engine.sync.syncAll();
    expect(lost(await check(engine, load, { store: true, trending: false }))).toEqual(none);
  }

  it('the source: its replica takes over, the job closes the open slots and goes on from it, nothing lost', () => killedMidJob('source'), 300_000);

  it('the target: its replica takes over with the keys moved so far, the job goes on to it, nothing lost', () => killedMidJob('target'), 300_000);
});
