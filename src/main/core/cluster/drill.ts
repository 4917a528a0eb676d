/**
 * The measured failover drill (O3, R3). While a bounded load of likes (Lua like + WAIT 1) runs
 * against the slots of one master, the drill stops that master, records a timeline (pfail, fail,
 * replica promoted, slots served again, client refreshed, old master back as a replica) and
 * afterwards checks that every like that was acknowledged by a replica is still there.
 *
 * "graceful" runs CLUSTER FAILOVER on the replica instead: a planned switch that loses nothing.
 */
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import type { DrillResult, DrillStep, Topology } from '../../../shared/types';
import { AppError } from '../errors';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { ClusterService } from '../services/cluster-service';
import { runScript } from '../lua/scripts';
import { sleep } from '../sleep';
import type { NodePool } from './client';
import type { ClusterLauncher } from './launcher';
import type { NodeSupervisor } from './supervisor';
import { waitForReplica } from './replica-ack';
import { textCommand } from './node-client';
import { parseClusterNodes } from './nodes-parser';


export interface DrillOptions {
  /** Port of the master to stop; default the owner of slot 0 (master 1). */
  port?: number;
  mode?: 'stop' | 'graceful';
  /** Pause the supervisor so Redis detects the failure itself (PFAIL, FAIL, election). */
  native?: boolean;
  /** Upper bounds of the background load. */
  maxWrites?: number;
  workers?: number;
  opTimeoutMs?: number;
  waitMs?: number;
}

export interface DrillDeps {
  redis: Cluster;
  pool: NodePool;
  cluster: ClusterService;
  /** Needed to start the stopped master again; external clusters cannot run the drill. */
  launcher: ClusterLauncher | null;
  /** Promotes the replica as soon as a master's process exits (embedded cluster, fastFailover). */
  supervisor: NodeSupervisor | null;
  nodeTimeoutMs: number;
  events: EventBus;
  log: Logger;
}

interface Like {
  key: string;
  users: string;
  user: string;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Post ids whose like keys hash into the given slot ranges, so the load hits the stopped master. */
function drillPosts(ranges: { start: number; end: number }[], count: number, runId: string): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count && i < 100_000; i++) {
    const id = `drill-${runId}-${i}`;
    const slot = calculateSlot(`{post:${id}}:likes:count`);
    if (ranges.some((r) => r.start <= slot && slot <= r.end)) ids.push(id);
  }
  return ids;
}

export class FailoverDrill {
  private readonly timeline: DrillStep[] = [];
  private began = 0;
  private running = false;

  constructor(private readonly deps: DrillDeps) {}

  private step(step: string, detail: string): void {
    const at = Date.now();
    const entry = { at, t: at - this.began, step, detail };
    this.timeline.push(entry);
    this.deps.log.info(`drill +${(entry.t / 1000).toFixed(2)}s ${step}: ${detail}`);
    this.deps.events.emit('cluster.failover', entry);
  }

  async run(opts: DrillOptions = {}): Promise<DrillResult> {
    if (this.running) throw new AppError('conflict', 'A failover drill is already running.');
    const mode = opts.mode ?? 'stop';
    if (mode === 'stop' && !this.deps.launcher) {
      throw new AppError('invalid_input', 'The drill stops and restarts a node, which Red K can only do for its embedded cluster; see docker/README.md for the manual drill.');
    }
    this.running = true;
    const supervisor = this.deps.supervisor;
    const resume = opts.native && supervisor ? supervisor.pause() : null;
    const unlisten = supervisor?.onAction((a) => this.step(a.step, a.detail));
    try {
      return await this.runOnce(opts, mode, mode === 'graceful' ? 'planned' : supervisor?.active ? 'supervisor' : 'redis');
    } finally {
      unlisten?.();
      resume?.();
      this.running = false;
    }
  }

  private async runOnce(opts: DrillOptions, mode: 'stop' | 'graceful', detection: DrillResult['detection']): Promise<DrillResult> {
    const { redis, cluster, nodeTimeoutMs } = this.deps;
    const before = await cluster.topology();
    if (before.state !== 'ok' || before.nodes.some((n) => n.health !== 'ok')) {
      throw new AppError('conflict', `The cluster must be healthy before a drill (state ${before.state}); wait for every node to be ok.`);
    }
    const master = before.nodes.find((n) => n.role === 'master' && n.slots.length > 0 && (opts.port ? n.port === opts.port : n.slots.some((r) => r.start === 0)));
    if (!master) throw new AppError('not_found', `No master ${opts.port ? `on port ${opts.port}` : 'owns slot 0'}.`);
    const replica = before.nodes.find((n) => n.role === 'replica' && n.masterId === master.id);
    if (!replica) throw new AppError('conflict', `${master.address} has no replica to promote.`);

    this.timeline.length = 0;
    this.began = Date.now();
    const runId = this.began.toString(36);
    const posts = drillPosts(master.slots, 16, runId);
    const likes: Like[] = posts.map((id) => ({ key: `{post:${id}}:likes:count`, users: `{post:${id}}:likes:users`, user: '' }));
    await Promise.all(likes.map((l) => redis.set(l.key, 0)));
    this.step('load', `failure detection: ${detection === 'supervisor' ? 'the supervisor promotes the replica as soon as the process exits' : detection === 'redis' ? `Redis gossip (PFAIL after ${nodeTimeoutMs} ms, then FAIL and an election)` : 'none, a planned switch'}; ${opts.workers ?? 4} writers liking ${posts.length} posts on ${master.address}'s slots (Lua like + WAIT 1)`);

    const load = this.startLoad(likes, opts);
    await sleep(500);
    const target = mode === 'stop' ? 'stopping master' : 'graceful failover';
    this.step(target, mode === 'stop' ? `SHUTDOWN NOSAVE on ${master.address} (slots ${master.slots.map((r) => `${r.start}-${r.end}`).join(',')})` : `CLUSTER FAILOVER on replica ${replica.address}`);
    if (mode === 'stop') {
      const node = await this.deps.pool.ready(master.address);
      await node.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    } else {
      await (await this.deps.pool.ready(replica.address)).call('CLUSTER', 'FAILOVER');
    }

    const deadline = Date.now() + nodeTimeoutMs * 6 + 30_000;
    const seen = new Set<string>();
    const once = (name: string, detail: string) => {
      if (!seen.has(name)) {
        seen.add(name);
        this.step(name, detail);
      }
    };
    let promoted = false;
    let promotedAt = Infinity;
    while (Date.now() < deadline) {
      const view = await this.viewFrom(replica.address, before).catch(() => null);
      const old = view?.nodes.find((n) => n.id === master.id);
      const rep = view?.nodes.find((n) => n.id === replica.id);
      if (old?.health === 'pfail') once('pfail', `${replica.address} suspects ${master.address} (no pong for ${nodeTimeoutMs} ms)`);
      if (old?.health === 'fail') once('fail', `a majority of masters agreed ${master.address} is down`);
      if (rep?.role === 'master' && rep.slots.length > 0) {
        once('promoted', `${replica.address} is master of ${rep.slots.map((r) => `${r.start}-${r.end}`).join(',')} (epoch ${rep.configEpoch})`);
        promoted = true;
        promotedAt = Math.min(promotedAt, Date.now());
      }
      if (load.firstSuccessAfterFailure !== null) once('slots served', `writes to ${master.address}'s slots succeed again`);
      // A failover fast enough that the client's own retries hid it: no write failed at all.
      if (load.firstFailureAt === null && load.lastSuccessAt > promotedAt) {
        once('slots served', `writes to ${master.address}'s slots go to ${replica.address}; none failed (the slowest took ${load.slowestWriteMs} ms)`);
      }
      const owner = redis.slots[master.slots[0]!.start]?.[0];
      if (promoted && owner === replica.address) once('client refreshed', `the cluster client routes slot ${master.slots[0]!.start} to ${owner}`);
      if (promoted && seen.has('client refreshed') && (mode === 'graceful' || seen.has('slots served'))) break;
      await sleep(100);
    }
    if (!promoted) this.step('not promoted', `${replica.address} was not promoted within ${Math.round((deadline - this.began) / 1000)} s`);

    if (mode === 'stop' && this.deps.launcher) {
      if (this.deps.supervisor?.active) {
        // The supervisor restarts the node itself (its steps are in this timeline).
        await this.deps.supervisor.idle();
      } else {
        this.step('restarting', `starting ${master.address} again from its AOF and nodes.conf`);
        await this.deps.launcher.up().catch((err: unknown) => this.step('restart failed', (err as Error).message));
      }
      const back = await this.waitFor(async () => {
        const view = await this.viewFrom(replica.address, before);
        const old = view.nodes.find((n) => n.id === master.id);
        return old?.role === 'replica' && old.health === 'ok' ? old : null;
      }, 30_000);
      if (back) this.step('rejoined', `${master.address} is back as a replica of ${back.masterId === replica.id ? replica.address : back.masterId}`);
    } else if (mode === 'graceful') {
      const back = await this.waitFor(async () => {
        const view = await this.viewFrom(replica.address, before);
        const old = view.nodes.find((n) => n.id === master.id);
        return old?.role === 'replica' ? old : null;
      }, 15_000);
      if (back) this.step('rejoined', `${master.address} follows ${replica.address}`);
    }

    await sleep(300);
    const result = await load.stop();
    const lost = await this.countLost(result.acked);
    this.step('verified', `${result.acked.length} acknowledged likes, ${lost} missing after the failover`);
    await Promise.all(likes.flatMap((l) => [redis.del(l.key), redis.del(l.users)])).catch(() => undefined);
    const after = await cluster.topology().catch(() => null);
    return {
      nodeTimeoutMs,
      detection,
      stoppedPort: master.port,
      promotedAddress: after?.nodes.find((n) => n.id === replica.id && n.role === 'master')?.address ?? null,
      // No failed write means no unavailable window (slowestWriteMs says how long one waited).
      unavailableMs: load.firstFailureAt === null ? (promoted ? 0 : null) : load.firstSuccessAfterFailure !== null ? load.firstSuccessAfterFailure - load.firstFailureAt : null,
      slowestWriteMs: result.slowestWriteMs,
      attempted: result.attempted,
      acked: result.acked.length,
      failed: result.failed,
      lostAcked: lost,
      timeline: [...this.timeline],
    };
  }

  /** CLUSTER NODES as seen by `address` (falls back to any node). */
  private async viewFrom(address: string, fallback: Topology): Promise<Topology> {
    try {
      const node = await this.deps.pool.ready(address, 300);
      return { ...fallback, nodes: parseClusterNodes(await textCommand(node, 'CLUSTER', 'NODES')) };
    } catch {
      return this.deps.cluster.topology();
    }
  }

  private async waitFor<T>(check: () => Promise<T | null>, timeoutMs: number): Promise<T | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await check().catch(() => null);
      if (value) return value;
      await sleep(200);
    }
    return null;
  }

  private startLoad(likes: Like[], opts: DrillOptions) {
    const { redis } = this.deps;
    const maxWrites = opts.maxWrites ?? 50_000;
    const opTimeout = opts.opTimeoutMs ?? 1000;
    const waitMs = opts.waitMs ?? 500;
    const state = {
      attempted: 0,
      failed: 0,
      acked: [] as Like[],
      firstFailureAt: null as number | null,
      /** [sent, done] of every successful write, to find the first good one after the window opened. */
      successes: [] as [number, number][],
      lastSuccessAt: 0,
      slowestWriteMs: 0,
    };
    let stopped = false;
    let lastRefresh = 0;
    const worker = async (w: number) => {
      for (let i = 0; !stopped && state.attempted < maxWrites; i++) {
        const like = likes[(w + i) % likes.length] as Like;
        const user = `w${w}-${i}`;
        state.attempted++;
        const began = Date.now();
        try {
          const [changed] = await withTimeout(runScript<[number, number]>(redis, 'like', [like.key, like.users], [user]), opTimeout);
          state.lastSuccessAt = Date.now();
          state.slowestWriteMs = Math.max(state.slowestWriteMs, state.lastSuccessAt - began);
          // The write itself succeeded; its acknowledgement by a replica is counted apart (a
          // freshly promoted master has no replica until the old one rejoins).
          state.successes.push([began, state.lastSuccessAt]);
          const replicas = await withTimeout(waitForReplica(redis, like.key, waitMs), waitMs + opTimeout);
          if (changed === 1 && replicas >= 1) state.acked.push({ ...like, user });
        } catch {
          state.failed++;
          state.slowestWriteMs = Math.max(state.slowestWriteMs, Date.now() - began);
          // The window opens when the first write that did not make it was sent (it may fail only
          // when its timeout runs out, a second later).
          state.firstFailureAt = Math.min(state.firstFailureAt ?? began, began);
          // A dead master is only noticed when its connection fails: ask for the new slot table.
          if (Date.now() - lastRefresh > 250) {
            lastRefresh = Date.now();
            redis.refreshSlotsCache();
          }
          await sleep(20);
        }
      }
    };
    const running = Promise.all(Array.from({ length: opts.workers ?? 4 }, (_, w) => worker(w)));
    return {
      get firstFailureAt() {
        return state.firstFailureAt;
      },
      /** When the first write sent after the first failed one succeeded. */
      get firstSuccessAfterFailure() {
        const opened = state.firstFailureAt;
        if (opened === null) return null;
        let first: number | null = null;
        for (const [sent, done] of state.successes) if (sent > opened && (first === null || done < first)) first = done;
        return first;
      },
      get lastSuccessAt() {
        return state.lastSuccessAt;
      },
      get slowestWriteMs() {
        return state.slowestWriteMs;
      },
      stop: async () => {
        stopped = true;
        await running;
        return state;
      },
    };
  }

  private async countLost(acked: Like[]): Promise<number> {
    let lost = 0;
    for (let i = 0; i < acked.length; i += 200) {
      const batch = acked.slice(i, i + 200);
      const present = await Promise.all(batch.map((l) => this.deps.redis.sismember(l.users, l.user)));
      lost += present.filter((p) => p !== 1).length;
    }
    return lost;
  }
}
