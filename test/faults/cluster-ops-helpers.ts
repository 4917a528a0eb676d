/**
 * What the cluster-operation fault files (resharding, scaling, a failover mid-job) share: the
 * checker's findings that mean something was lost, `redis-cli --cluster check` as an outside
 * judge, waits for a job to end and for the cluster to be clean, and hash tags per slot.
 */
import { spawnSync } from 'node:child_process';
import calculateSlot from 'cluster-key-slot';
import type { Engine } from '../../src/main/core/engine';
import type { ClusterCheckResult, ClusterJob, Topology } from '../../src/shared/types';
import { waitUntil } from './own-cluster';
import { dispatchOk, type check } from './workload';

/** The findings that mean an acknowledged change is missing (slow calls and trending left out). */
export const lost = (f: Awaited<ReturnType<typeof check>>) => ({
  lostLikes: f.lostLikes, undoneUnlikes: f.undoneUnlikes, countMismatches: f.countMismatches, unreadMismatches: f.unreadMismatches,
  commentMismatches: f.commentMismatches, storeMismatches: f.storeMismatches,
});
export const none = { lostLikes: [], undoneUnlikes: [], countMismatches: [], unreadMismatches: [], commentMismatches: [], storeMismatches: [] };

/**
 * redis-cli --cluster check from one node: its exit status and its [ERR] and [WARNING] lines. The
 * secret goes as redis-cli reads it, in REDISCLI_AUTH (never on the command line).
 */
export function redisCliCheck(port: number, password?: string): { status: number | null; problems: string[]; text: string } {
  const out = spawnSync('redis-cli', ['--cluster', 'check', `127.0.0.1:${port}`], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...(password ? { REDISCLI_AUTH: password } : {}) } });
  const text = `${out.stdout}${out.stderr}`;
  return { status: out.status, problems: text.split('\n').filter((l) => /\[ERR\]|\[WARNING\]/.test(l)), text };
}

export const mastersOf = async (engine: Engine) => (await dispatchOk<Topology>(engine, 'cluster.topology', {})).nodes.filter((n) => n.role === 'master' && n.slots.length > 0);

/** Waits until cluster.check finds nothing, then until redis-cli --cluster check finds nothing either. */
export async function checkedClean(engine: Engine, what: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(`${what}: every node to agree`, async () => (await dispatchOk<ClusterCheckResult>(engine, 'cluster.check', {})).ok, timeoutMs);
  const port = (await mastersOf(engine))[0]!.port;
  await waitUntil(`${what}: redis-cli --cluster check to find nothing`, () => {
    const r = redisCliCheck(port, engine.config.redis.password);
    return r.status === 0 && r.problems.length === 0;
  }, timeoutMs);
}

/** The job once it has ended (done, cancelled or failed). */
export async function jobFinished(engine: Engine, id: string, timeoutMs = 240_000): Promise<ClusterJob> {
  await waitUntil(`job ${id} to end`, async () => {
    const { job } = await dispatchOk<{ job: ClusterJob | null }>(engine, 'cluster.job', { id });
    return job !== null && job.state !== 'running' && job.state !== 'paused';
  }, timeoutMs);
  return (await dispatchOk<{ job: ClusterJob }>(engine, 'cluster.job', { id })).job;
}

/** A hash tag for each slot of start..end. */
export function tagsFor(start: number, end: number): Map<number, string> {
  const out = new Map<number, string>();
  for (let i = 0; out.size < end - start + 1 && i < 10_000_000; i++) {
    const slot = calculateSlot(`f${i}`);
    if (slot >= start && slot <= end && !out.has(slot)) out.set(slot, `f${i}`);
  }
  return out;
}
