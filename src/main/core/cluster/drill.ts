/**
 * The measured failover drill (O3, R3). While writers like and unlike posts on the slots of one
 * master through the engine's own like path (Lua, WAIT 1, trending, write-back), the drill
 * breaks that master and records a timeline (pfail, fail, replica promoted, slots served again,
 * client refreshed, old master back as a replica). Afterwards it checks every (post, writer)
 * pair against the writer's last answered operation, so a like or an unlike that was
 * acknowledged and then lost is counted, whichever way it went.
 *
 * Faults, each a real signal or command:
 * - crash: SIGKILL of the master's process (the default);
 * - hang: SIGSTOP until the replica has taken over (at least twice the node timeout and a second),
 *   then SIGCONT (a frozen or cut-off node);
 * - shutdown: SHUTDOWN NOSAVE. Since Redis 7.0 that waits (shutdown-timeout) for lagging replicas
 *   to catch up before it exits, so it cannot lose a write: a polite stop, named for what it is;
 * - graceful: CLUSTER FAILOVER on the replica, a planned switch.
 */
import type { Cluster } from 'ioredis';
import type { DrillFault, DrillResult, DrillStep, Topology } from '../../../shared/types';
import { AppError } from '../errors';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { ClusterService } from '../services/cluster-service';
import type { DrillWorkload } from '../services/drill-workload';
import type { FailoverCooldown } from './cooldown';
import { sleep, withTimeout } from '../sleep';
import type { NodePool } from './client';
import type { ClusterLauncher } from './launcher';
import { textCommand } from './node-client';
import { parseClusterNodes, parseInfo } from './nodes-parser';
import type { NodeSupervisor } from './supervisor';

export interface DrillHookContext {
  master: string;
  replica: string;
  /** Ends the writers early (their last answers are then what the check compares against). */
  stopLoad(): Promise<void>;
}

export interface DrillHooks {
  /** Runs right before the fault, with the chosen master and replica (tests break things here). */
  beforeFault?(ctx: DrillHookContext): Promise<void>;
  /** Runs right after the fault was applied. */
  afterFault?(ctx: DrillHookContext): Promise<void>;
}

export interface DrillOptions {
  /** Port of the master to break; default the owner of slot 0 (master 1). */
  port?: number;
  /** What happens to the master; default crash. */
  fault?: DrillFault;
  /** The contract's older switch: graceful = fault 'graceful', stop = the default fault. */
  mode?: 'stop' | 'graceful';
  /** Pause the supervisor so Redis detects the failure itself (PFAIL, FAIL, election). */
  native?: boolean;
  /** Upper bounds of the background load. */
  maxWrites?: number;
  workers?: number;
  posts?: number;
  opTimeoutMs?: number;
  /** For tests only (not in the contract). */
  hooks?: DrillHooks;
}

export interface DrillDeps {
  redis: Cluster;
  pool: NodePool;
  cluster: ClusterService;
  /** Shared with the manual failover: the least time between two of them (redis.failoverCooldownMs). */
  cooldown?: FailoverCooldown;
  /** Needed to start a crashed master again; external clusters run only the graceful drill. */
  launcher: ClusterLauncher | null;
  /** Promotes the replica as soon as a master's process exits, and restarts it (embedded cluster). */
  supervisor: NodeSupervisor | null;
  workload: DrillWorkload;
  nodeTimeoutMs: number;
  events: EventBus;
  log: Logger;
  /** What else is moving the cluster now (a resharding job, a fix, a manual failover), or null. */
  busyElsewhere?: () => string | null;
}

/** What a writer last heard of one (post, writer) pair. */
interface PairState {
  postId: string;
  user: string;
  liked: boolean;
  /** 'durable': acknowledged by a replica; 'answered': acknowledged by the master only; 'unknown': failed or timed out. */
  answer: 'durable' | 'answered' | 'unknown';
}

const FAULT_TEXT: Record<DrillFault, string> = {
  crash: 'SIGKILL of the master\u2019s process',
  hang: 'SIGSTOP of the master past the node timeout, then SIGCONT',
  shutdown: 'SHUTDOWN NOSAVE (waits for replicas to catch up: it cannot lose a write)',
  graceful: 'CLUSTER FAILOVER on its replica (a planned switch)',
};

export class FailoverDrill {
  private readonly timeline: DrillStep[] = [];
  private began = 0;
  private running = false;
  /** The running drill has delivered its fault (the cooldown counts from its end). */
  private faulted = false;

  /** A drill is running (other cluster work waits for it). */
  get busy(): boolean {
    return this.running;
  }

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
    const elsewhere = this.deps.busyElsewhere?.();
    if (elsewhere) throw new AppError('conflict', `Cannot run a failover drill: ${elsewhere}; wait for it to end.`);
    this.deps.cooldown?.check('a failover drill');
    const fault: DrillFault = opts.fault ?? (opts.mode === 'graceful' ? 'graceful' : 'crash');
    if (fault !== 'graceful' && !this.deps.launcher) {
      throw new AppError('invalid_input', `The ${fault} drill signals a node's process, which Red K can only do for its embedded cluster; the graceful drill runs anywhere (see docker/README.md for a manual drill).`);
    }
    this.running = true;
    this.faulted = false;
    const supervisor = this.deps.supervisor;
    const resume = opts.native && supervisor ? supervisor.pause() : null;
    // The supervisor's own steps join the timeline; its "rejoined" is the drill's last word anyway.
    const unlisten = supervisor?.onAction((a) => {
      if (a.step !== 'rejoined') this.step(a.step, a.detail);
    });
    try {
      const detection: DrillResult['detection'] = fault === 'graceful' ? 'planned' : fault !== 'hang' && supervisor?.active ? 'supervisor' : 'redis';
      return await this.runOnce(opts, fault, detection);
    } finally {
      unlisten?.();
      resume?.();
      this.running = false;
      // Only a drill that got as far as its fault spaces the next one out.
      if (this.faulted) this.deps.cooldown?.ended('the last failover drill');
    }
  }

  private async runOnce(opts: DrillOptions, fault: DrillFault, detection: DrillResult['detection']): Promise<DrillResult> {
    const { cluster, nodeTimeoutMs } = this.deps;
    const before = await cluster.topology();
    if (before.state !== 'ok' || before.nodes.some((n) => n.health !== 'ok')) {
      throw new AppError('conflict', `The cluster must be healthy before a drill (state ${before.state}); wait for every node to be ok.`);
    }
    const master = before.nodes.find((n) => n.role === 'master' && n.slots.length > 0 && (opts.port ? n.port === opts.port : n.slots.some((r) => r.start === 0)));
    if (!master) throw new AppError('not_found', `No master ${opts.port ? `on port ${opts.port}` : 'owns slot 0'}.`);
    const replica = before.nodes.find((n) => n.role === 'replica' && n.masterId === master.id);
    if (!replica) throw new AppError('conflict', `${master.address} has no replica to promote.`);
    const pid = fault === 'crash' || fault === 'hang' ? await this.pidOf(master.address) : null;

    this.timeline.length = 0;
    this.began = Date.now();
    const workers = opts.workers ?? 4;
    const { posts, users } = await this.deps.workload.prepare(master.slots, opts.posts ?? 16, workers);
    const pairs = new Map<string, PairState>();
    // Every pair starts unliked (a drill cut off before may have left some likes).
    await Promise.all(users.flatMap((user) => posts.map(async (postId) => {
      await this.deps.workload.like(postId, user, false);
      pairs.set(`${postId}|${user}`, { postId, user, liked: false, answer: 'durable' });
    })));
    const detectionText = detection === 'supervisor' ? 'the supervisor promotes the replica as soon as the process exits, then restarts the old master' : detection === 'redis' ? `Redis gossip (PFAIL after ${nodeTimeoutMs} ms, then FAIL and an election)` : 'none, a planned switch';
    this.step('load', `fault: ${FAULT_TEXT[fault]}; failure detection: ${detectionText}; ${workers} writers liking and unliking ${posts.length} posts on ${master.address}'s slots through the app's like path (Lua, WAIT 1, trending, write-back)`);

    const load = this.startLoad(users, posts, pairs, opts);
    await sleep(500);
    const ctx: DrillHookContext = { master: master.address, replica: replica.address, stopLoad: async () => void (await load.stop()) };
    await opts.hooks?.beforeFault?.(ctx);
    const faultAt = Date.now();
    this.faulted = true;
    /** The least time a hang lasts: twice the node timeout and a second, so pfail and fail are certain. */
    const holdMs = nodeTimeoutMs * 2 + 1000;
    let frozen = false;
    const thaw = () => {
      if (!frozen) return;
      frozen = false;
      try {
        process.kill(pid!, 'SIGCONT');
      } catch {
        /* gone meanwhile */
      }
    };
    const slotsText = master.slots.map((r) => `${r.start}-${r.end}`).join(',');
    if (fault === 'crash') {
      this.step('crashing master', `SIGKILL to redis-server ${master.address} (pid ${pid}, slots ${slotsText})`);
      process.kill(pid!, 'SIGKILL');
    } else if (fault === 'hang') {
      this.step('freezing master', `SIGSTOP to redis-server ${master.address} (pid ${pid}, slots ${slotsText}) until its replica has taken over, and at least ${(holdMs / 1000).toFixed(1)} s, past the ${nodeTimeoutMs} ms node timeout`);
      process.kill(pid!, 'SIGSTOP');
      frozen = true;
    } else if (fault === 'shutdown') {
      this.step('stopping master', `SHUTDOWN NOSAVE on ${master.address} (slots ${slotsText})`);
      await (await this.deps.pool.ready(master.address)).call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    } else {
      this.step('graceful failover', `CLUSTER FAILOVER on replica ${replica.address}`);
      await (await this.deps.pool.ready(replica.address)).call('CLUSTER', 'FAILOVER');
    }
    try {
      await opts.hooks?.afterFault?.(ctx);
      const promoted = await this.followPromotion(master, replica, load, fault, before);
      if (fault === 'hang') {
        // Thawed once the takeover is seen (or given up on), never earlier than holdMs: on a
        // loaded machine the replica's election can take longer than any fixed hold, and a master
        // woken before it would simply keep its slots.
        while (Date.now() - faultAt < holdMs) await sleep(100);
        thaw();
        this.step('thawed master', `SIGCONT to ${master.address}: it wakes up to find its slots taken over`);
      }
      if ((fault === 'crash' || fault === 'shutdown') && this.deps.launcher) {
        if (this.deps.supervisor?.active) {
          // The supervisor restarts the node itself (its steps are in this timeline).
          await this.deps.supervisor.idle();
        } else {
          this.step('restarting', `starting ${master.address} again from its AOF and nodes.conf`);
          await this.deps.launcher.up().catch((err: unknown) => this.step('restart failed', (err as Error).message));
        }
      }
      // A graceful switch that never happened has nothing to restore.
      const restoredAt = fault === 'graceful' && !promoted ? null : await this.waitFor(async () => {
        const repl = parseInfo(await textCommand(await this.deps.pool.ready(master.address, 300), 'INFO', 'replication'));
        return repl.role === 'slave' && repl.master_link_status === 'up' ? Date.now() : null;
      }, 60_000);
      if (restoredAt !== null) {
        const view = await this.viewFrom(replica.address, before).catch(() => before);
        const old = view.nodes.find((n) => n.id === master.id);
        this.step('rejoined', `${master.address} is back as a replica of ${old?.masterId === replica.id ? replica.address : (old?.masterId ?? '?')}, in sync (${((restoredAt - faultAt) / 1000).toFixed(1)} s after the fault)`);
      } else {
        this.step('not restored', `${master.address} was not back as a replica within 60 s`);
      }

      await sleep(300);
      const result = await load.stop();
      const check = await this.verify(pairs);
      this.step('verified', `${result.durable} acknowledged by a replica, ${check.lostDurable} of them lost; ${result.answered} answered without a replica (durable: false), ${check.lostAnswered} of them lost; ${result.failed} failed`);
      // Take the drill's likes back: its posts rest at 0 likes and out of trending.
      await Promise.all([...pairs.values()].map((p) => this.deps.workload.like(p.postId, p.user, false).catch(() => undefined)));
      const after = await cluster.topology().catch(() => null);
      return {
        nodeTimeoutMs,
        fault,
        detection,
        stoppedPort: master.port,
        promotedAddress: promoted ? (after?.nodes.find((n) => n.id === replica.id && n.role === 'master')?.address ?? null) : null,
        // No failed write means no unavailable window (slowestWriteMs says how long one waited).
        unavailableMs: load.firstFailureAt === null ? (promoted ? 0 : null) : load.firstSuccessAfterFailure !== null ? load.firstSuccessAfterFailure - load.firstFailureAt : null,
        slowestWriteMs: result.slowestWriteMs,
        attempted: result.attempted,
        acked: result.durable,
        ackedWithoutReplica: result.answered,
        failed: result.failed,
        lostAcked: check.lostDurable,
        lostWithoutReplica: check.lostAnswered,
        restoredMs: restoredAt === null ? null : restoredAt - faultAt,
        timeline: [...this.timeline],
      };
    } finally {
      thaw();
      await load.stop();
    }
  }

  private async pidOf(address: string): Promise<number> {
    const info = parseInfo(await textCommand(await this.deps.pool.ready(address), 'INFO', 'server'));
    const pid = Number(info.process_id);
    if (!Number.isInteger(pid) || pid <= 0) throw new AppError('internal', `${address} did not say its process id.`);
    return pid;
  }

  /** Watches the replica take over (or not): pfail, fail, promoted, slots served, client refreshed. */
  private async followPromotion(
    master: Topology['nodes'][number],
    replica: Topology['nodes'][number],
    load: ReturnType<FailoverDrill['startLoad']>,
    fault: DrillFault,
    before: Topology,
  ): Promise<boolean> {
    const { redis, nodeTimeoutMs } = this.deps;
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
    let askedAt = Date.now();
    while (Date.now() < deadline) {
      const view = await this.viewFrom(replica.address, before).catch(() => null);
      const old = view?.nodes.find((n) => n.id === master.id);
      if (old?.health === 'pfail') once('pfail', `${replica.address} suspects ${master.address} (no pong for ${nodeTimeoutMs} ms)`);
      if (old?.health === 'fail') once('fail', `a majority of masters agreed ${master.address} is down`);
      // Promoted is what the replica says of itself: another node's view may still be stale.
      const own = await this.ownView(replica.address);
      let rep = own?.nodes.find((n) => n.id === replica.id);
      // A planned switch is done when the old master, which is alive, follows the replica too: a
      // replica can claim the slots for a moment and lose them again (seen right after another
      // failover of the same shard), and the old master's word settles it.
      if (fault === 'graceful' && rep?.role === 'master') {
        const oldOwn = await this.ownView(master.address);
        if (oldOwn?.nodes.find((n) => n.id === master.id)?.masterId !== replica.id) rep = undefined;
      }
      if (fault === 'graceful' && !promoted && Date.now() - askedAt > 5000) {
        // A manual failover gives up quietly after 5 s when it is not voted in (the masters wait
        // 2 node timeouts between votes for one shard) or the master did not pause in time.
        askedAt = Date.now();
        this.step('graceful failover', `CLUSTER FAILOVER on ${replica.address} again (the last one was not voted in within 5 s)`);
        await (await this.deps.pool.ready(replica.address)).call('CLUSTER', 'FAILOVER').catch(() => undefined);
      }
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
      if (promoted && seen.has('client refreshed') && (fault === 'graceful' || seen.has('slots served') || load.stopped)) break;
      await sleep(100);
    }
    if (!promoted) this.step('not promoted', `${replica.address} was not promoted within ${Math.round((deadline - this.began) / 1000)} s`);
    return promoted;
  }

  /** CLUSTER NODES as `address` itself sees it, or null when it does not answer. */
  private async ownView(address: string): Promise<{ nodes: Topology['nodes'] } | null> {
    try {
      const node = await this.deps.pool.ready(address, 300);
      return { nodes: parseClusterNodes(await withTimeout(textCommand(node, 'CLUSTER', 'NODES'), 1000)) };
    } catch {
      return null;
    }
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
      if (value !== null) return value;
      await sleep(200);
    }
    return null;
  }

  private startLoad(users: string[], posts: string[], pairs: Map<string, PairState>, opts: DrillOptions) {
    const { redis, workload } = this.deps;
    const maxWrites = opts.maxWrites ?? 50_000;
    const opTimeout = opts.opTimeoutMs ?? 3000;
    const state = {
      attempted: 0,
      failed: 0,
      durable: 0,
      answered: 0,
      firstFailureAt: null as number | null,
      /** [sent, done] of every successful write, to find the first good one after the window opened. */
      successes: [] as [number, number][],
      lastSuccessAt: 0,
      slowestWriteMs: 0,
    };
    let stopped = false;
    let lastRefresh = 0;
    const worker = async (w: number) => {
      const user = users[w]!;
      for (let i = 0; !stopped && state.attempted < maxWrites; i++) {
        const postId = posts[(w + i) % posts.length]!;
        const pair = pairs.get(`${postId}|${user}`)!;
        // Toggle what this writer last heard; after an unknown outcome, like (either is a change or not).
        const liked = pair.answer === 'unknown' ? true : !pair.liked;
        state.attempted++;
        const began = Date.now();
        try {
          const { durable } = await withTimeout(workload.like(postId, user, liked), opTimeout);
          state.lastSuccessAt = Date.now();
          state.slowestWriteMs = Math.max(state.slowestWriteMs, state.lastSuccessAt - began);
          state.successes.push([began, state.lastSuccessAt]);
          if (durable) state.durable++;
          else state.answered++;
          pair.liked = liked;
          pair.answer = durable ? 'durable' : 'answered';
        } catch {
          state.failed++;
          pair.answer = 'unknown';
          state.slowestWriteMs = Math.max(state.slowestWriteMs, Date.now() - began);
          // The window opens when the first write that did not make it was sent.
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
    let running: Promise<unknown> | null = Promise.all(users.map((_, w) => worker(w)));
    return {
      get stopped() {
        return stopped;
      },
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
        if (running) await running;
        running = null;
        return state;
      },
    };
  }

  /** Each pair against what its writer last heard: a durable or answered like/unlike that is not there is lost. */
  private async verify(pairs: Map<string, PairState>): Promise<{ lostDurable: number; lostAnswered: number }> {
    let lostDurable = 0;
    let lostAnswered = 0;
    const all = [...pairs.values()].filter((p) => p.answer !== 'unknown');
    for (let i = 0; i < all.length; i += 100) {
      const batch = all.slice(i, i + 100);
      const now = await Promise.all(batch.map((p) => this.deps.workload.isLiked(p.postId, p.user)));
      batch.forEach((p, k) => {
        if (now[k] === p.liked) return;
        if (p.answer === 'durable') lostDurable++;
        else lostAnswered++;
      });
    }
    return { lostDurable, lostAnswered };
  }
}
