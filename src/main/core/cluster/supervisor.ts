/**
 * The embedded cluster's supervisor: fast failover, restarts, and hang detection (C4, O2, O3).
 *
 * Failover. Redis Cluster's own failure detection is built for networks, where a silent node may
 * be slow rather than dead. A node is suspected (PFAIL) only after cluster-node-timeout without
 * an answer to a ping that is itself sent up to half a node timeout after the last pong; then a
 * majority of masters must agree (FAIL), and the replica waits 0.5-1 s more before it asks for
 * votes. In all that is 1 to 1.5 node timeouts plus 1-2 s (measured 7.6-8.8 s at the 5 s default).
 * For the nodes this app launched there is no doubt to resolve: the launcher knows each node's
 * pid, and a master whose process is gone is dead. The supervisor then asks that master's replica
 * for `CLUSTER FAILOVER FORCE`: the replica skips the handshake with its dead master but is still
 * elected by a majority of the masters (the same vote, the same epoch rules), so acknowledged
 * writes (WAIT 1, R3) are kept exactly as in an automatic failover, without the waiting.
 *
 * FORCE skips the check Redis itself makes before a replica may stand (its data must not be too
 * old: cluster-replica-validity-factor). So the supervisor samples every master's replication
 * offset each second, and forces only a replica whose link was up until the crash and whose
 * offset reached the master's last sample; otherwise it says why and leaves the election to Redis.
 *
 * Restarts. A node whose process is gone is started again (with backoff) from its AOF and
 * nodes.conf: a dead master comes back as a replica of the one promoted in its place, a dead
 * replica rejoins its master, so a shard is without a replica only as long as a restart takes.
 * A node that cannot be restarted is reported (the topology note and the shard alert say why).
 *
 * Hangs. A node whose process lives but does not answer (SIGSTOP, a partition) is noted as "not
 * answering"; Redis's own failure detection takes it from there (its process is not dead, so
 * forcing a failover would leave two masters of one shard once it wakes up).
 *
 * Several nodes exiting together is a shutdown (ours or `npm run cluster -- down`), not a crash:
 * the supervisor then does nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeProcessNote } from '../../../shared/types';
import type { Logger } from '../log';
import { sleep, withTimeout } from '../sleep';
import type { NodePool } from './client';
import type { ClusterLauncher } from './launcher';
import { textCommand } from './node-client';
import { parseClusterNodes, parseInfo } from './nodes-parser';
import { processAlive } from './process-alive';

export type SupervisorStep =
  | 'process exited'
  | 'forced failover'
  | 'no failover'
  | 'restarting'
  | 'restarted'
  | 'restart failed'
  | 'rejoined'
  | 'not answering'
  | 'answering again';

export interface SupervisorAction {
  at: number;
  step: SupervisorStep;
  port: number;
  detail: string;
}

export interface SupervisorDeps {
  launcher: Pick<ClusterLauncher, 'plan' | 'ports' | 'nodeDir' | 'restartNode'>;
  pool: NodePool;
  log: Logger;
  /** How often the pids are checked (reads /proc, no Redis traffic). */
  intervalMs?: number;
  /** How long to wait for a second exit before deciding this is a crash, not a shutdown. */
  settleMs?: number;
  /** How often each node is asked for INFO replication (liveness and replica offsets). */
  sampleMs?: number;
  /** Waits between restart attempts; after the last one, it keeps trying at that last wait. */
  restartBackoffMs?: number[];
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** What the last INFO replication of a node said. */
interface ReplicationSample {
  at: number;
  role: 'master' | 'replica';
  /** master_repl_offset of a master; slave_repl_offset of a replica. */
  offset: number;
}

export class NodeSupervisor {
  private timer: NodeJS.Timeout | null = null;
  /** port -> pid last seen running */
  private readonly running = new Map<number, number>();
  private readonly listeners = new Set<(action: SupervisorAction) => void>();
  private readonly restarts = new Map<number, Promise<void>>();
  private readonly notes = new Map<number, NodeProcessNote>();
  private readonly samples = new Map<number, ReplicationSample>();
  /** port -> when it first failed to answer while its process lived */
  private readonly silentSince = new Map<number, number>();
  private lastSampleAt = 0;
  private sampling = false;
  private pauses = 0;
  private busy = false;
  private stopped = false;

  constructor(private readonly deps: SupervisorDeps) {}

  get active(): boolean {
    return this.timer !== null && this.pauses === 0;
  }

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.scan();
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs ?? 200);
    this.timer.unref();
  }

  /** Stops watching; waits for a restart in progress so nothing starts a node after this. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.restarts.values()]);
  }

  /** Lets Redis detect failures on its own until the returned function is called (native drill). */
  pause(): () => void {
    this.pauses++;
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      this.pauses--;
      this.scan();
    };
  }

  onAction(listener: (action: SupervisorAction) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the supervisor knows of nodes in trouble, by host:port (restarting, failed, silent). */
  nodeNotes(): Map<string, NodeProcessNote> {
    return new Map([...this.notes].map(([port, note]) => [this.address(port), note]));
  }

  /** Resolves once no restart is in progress (tests, the drill). */
  async idle(): Promise<void> {
    while (this.restarts.size > 0) await Promise.allSettled([...this.restarts.values()]);
  }

  private emit(step: SupervisorStep, port: number, detail: string): void {
    const action = { at: Date.now(), step, port, detail };
    this.deps.log.info(`supervisor: ${step} :${port}: ${detail}`);
    for (const listener of this.listeners) listener(action);
  }

  private note(port: number, state: NodeProcessNote['state'] | null, detail = ''): void {
    if (state === null) this.notes.delete(port);
    else this.notes.set(port, { state, detail, since: this.notes.get(port)?.state === state ? this.notes.get(port)!.since : Date.now() });
  }

  private pidOf(port: number): number | null {
    return readPid(join(this.deps.launcher.nodeDir(port), 'redis.pid'));
  }

  /** Records which planned nodes run now; returns the ports whose process has gone since. */
  private scan(): { port: number; pid: number }[] {
    const exited: { port: number; pid: number }[] = [];
    for (const port of this.deps.launcher.ports()) {
      if (this.restarts.has(port)) continue;
      const pid = this.pidOf(port);
      if (pid !== null && processAlive(pid)) {
        this.running.set(port, pid);
        continue;
      }
      const known = this.running.get(port);
      // A pidfile removed by SHUTDOWN while the process is still flushing: not gone yet.
      if (known === undefined || processAlive(known)) continue;
      this.running.delete(port);
      exited.push({ port, pid: known });
    }
    return exited;
  }

  async tick(): Promise<void> {
    if (this.busy || this.pauses > 0 || this.stopped) return;
    this.busy = true;
    try {
      const exited = this.scan();
      if (exited.length === 0) {
        if (Date.now() - this.lastSampleAt >= (this.deps.sampleMs ?? 1000) && !this.sampling) {
          this.lastSampleAt = Date.now();
          this.sampling = true;
          // Never holds up the pid checks: a hung node makes its INFO wait for the timeout.
          void this.sample().finally(() => {
            this.sampling = false;
          });
        }
        return;
      }
      for (const e of exited) this.emit('process exited', e.port, `redis-server ${this.address(e.port)} (pid ${e.pid}) is gone`);
      const exitedAt = Date.now();
      await sleep(this.deps.settleMs ?? 150);
      const more = this.scan();
      if (exited.length + more.length > 1) {
        this.emit('no failover', exited[0]!.port, `${exited.length + more.length} nodes stopped together: a shutdown, not a crash`);
        return;
      }
      const port = exited[0]!.port;
      const promoting = await this.promoteReplicaOf(port, exitedAt).catch((err: unknown) => {
        this.emit('no failover', port, (err as Error).message);
        return null;
      });
      // The old master comes back as a replica only once its replica has taken over: started
      // before that, it would claim its slots again.
      if (promoting) await this.waitPromoted(promoting, 5000);
      this.scheduleRestart(port);
    } catch (err) {
      this.deps.log.warn(`supervisor: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private address(port: number): string {
    return `${this.deps.launcher.plan.host}:${port}`;
  }

  private async info(port: number, section: string, timeoutMs = 1000): Promise<Record<string, string>> {
    const node = await this.deps.pool.ready(this.address(port), timeoutMs);
    return parseInfo(await withTimeout(textCommand(node, 'INFO', section), timeoutMs));
  }

  /** INFO replication of every running node: replica offsets for failovers, and liveness. */
  private async sample(): Promise<void> {
    await Promise.all(
      [...this.running.keys()].map(async (port) => {
        try {
          const repl = await this.info(port, 'replication');
          const role = repl.role === 'slave' ? 'replica' : 'master';
          this.samples.set(port, { at: Date.now(), role, offset: Number(role === 'master' ? repl.master_repl_offset : repl.slave_repl_offset) || 0 });
          if (this.silentSince.has(port)) {
            this.silentSince.delete(port);
            this.note(port, null);
            this.emit('answering again', port, `${this.address(port)} answers again`);
          }
        } catch (err) {
          const pid = this.running.get(port);
          if (pid === undefined || !processAlive(pid) || this.stopped) return;
          const since = this.silentSince.get(port) ?? Date.now();
          this.silentSince.set(port, since);
          // Two missed samples in a row: one can be a busy moment (an AOF rewrite, a loaded machine).
          if (Date.now() - since >= 1500 && this.notes.get(port)?.state !== 'not answering') {
            const detail = `process ${pid} lives but ${this.address(port)} has not answered for ${((Date.now() - since) / 1000).toFixed(1)} s (${(err as Error).message}): a hang or a partition; Redis's own failure detection decides`;
            this.note(port, 'not answering', detail);
            this.emit('not answering', port, detail);
          }
        }
      }),
    );
  }

  /** One node's CLUSTER NODES from any running node but `except`. */
  private async clusterView(except: number) {
    for (const p of this.deps.launcher.ports()) {
      if (p === except || !this.running.has(p)) continue;
      try {
        return parseClusterNodes(await withTimeout(textCommand(await this.deps.pool.ready(this.address(p), 500), 'CLUSTER', 'NODES'), 1000));
      } catch {
        /* try the next node */
      }
    }
    return null;
  }

  private async waitPromoted(replicaPort: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.stopped) {
      const repl = await this.info(replicaPort, 'replication').catch(() => null);
      if (repl?.role === 'master') return;
      await sleep(50);
    }
  }

  /** Returns the port of the replica asked to take over, or null when none was. */
  private async promoteReplicaOf(port: number, exitedAt: number): Promise<number | null> {
    const dead = this.address(port);
    const view = await this.clusterView(port);
    if (!view) {
      this.emit('no failover', port, 'no other node answered CLUSTER NODES');
      return null;
    }
    const master = view.find((n) => n.address === dead);
    if (!master || master.role !== 'master' || master.slots.length === 0) {
      this.emit('no failover', port, `${dead} was ${master ? `a ${master.role} without slots to hand over` : 'not in the cluster'}; nothing to promote`);
      return null;
    }
    const replica = view.find((n) => n.role === 'replica' && n.masterId === master.id && n.health === 'ok' && this.running.has(n.port));
    if (!replica) {
      const known = view.filter((n) => n.masterId === master.id).map((n) => `${n.address} ${n.health}${this.running.has(n.port) ? '' : ', not running'}`);
      this.emit('no failover', port, `${dead} has no running replica (${known.join('; ') || 'none known'}); its slots wait until it is back`);
      return null;
    }
    const stale = await this.whyNotInSync(replica.port, port, exitedAt);
    if (stale) {
      this.emit('no failover', port, `not forcing ${replica.address}: ${stale}; the election is left to Redis, which refuses a replica whose data is too old (cluster-replica-validity-factor)`);
      return null;
    }
    await withTimeout((await this.deps.pool.ready(replica.address, 1000)).call('CLUSTER', 'FAILOVER', 'FORCE'), 2000);
    this.emit('forced failover', port, `CLUSTER FAILOVER FORCE on ${replica.address}, the replica of ${dead} (in sync at the crash)`);
    return replica.port;
  }

  /**
   * Null when the replica had everything its master had: its link was up until the crash (it went
   * down no earlier than the exit was seen, with a second's slack) and its offset reached the
   * master's last sample (taken at most a few seconds before). Otherwise, why not.
   */
  private async whyNotInSync(replicaPort: number, masterPort: number, exitedAt: number): Promise<string | null> {
    const masterSample = this.samples.get(masterPort);
    if (!masterSample || masterSample.role !== 'master' || exitedAt - masterSample.at > 5000) {
      return `no recent sample of ${this.address(masterPort)}'s replication offset to compare with`;
    }
    let repl: Record<string, string>;
    try {
      repl = await this.info(replicaPort, 'replication');
    } catch (err) {
      return `it does not answer INFO (${(err as Error).message})`;
    }
    if (repl.role !== 'slave') return `it is a ${repl.role ?? 'unknown'}, not a replica`;
    const downFor = Number(repl.master_link_down_since_seconds);
    const sinceExit = (Date.now() - exitedAt) / 1000;
    if (repl.master_link_status !== 'up' && Number.isFinite(downFor) && downFor > sinceExit + 2) {
      return `its link to the master was down for ${downFor} s, before the crash`;
    }
    const offset = Number(repl.slave_repl_offset) || 0;
    if (offset < masterSample.offset) return `its offset ${offset} is behind the master's last known ${masterSample.offset} (${masterSample.offset - offset} bytes)`;
    return null;
  }

  /** Starts the node again with backoff; then waits until it has rejoined (as a replica). */
  private scheduleRestart(port: number): void {
    if (this.restarts.has(port) || this.stopped) return;
    const task = this.restart(port).finally(() => this.restarts.delete(port));
    this.restarts.set(port, task);
  }

  private async restart(port: number): Promise<void> {
    const backoff = this.deps.restartBackoffMs ?? [0, 500, 1000, 2000, 4000, 8000, 15_000];
    const address = this.address(port);
    for (let attempt = 1; ; attempt++) {
      const wait = backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 15_000;
      if (wait > 0) await sleep(wait);
      if (this.stopped) return;
      // A paused supervisor (native drill) leaves the node to whoever paused it.
      if (this.pauses > 0) return this.note(port, null);
      // After a failure the note keeps its reason (the shard alert shows it) while it tries again.
      if (attempt === 1) this.note(port, 'restarting', `starting ${address} again (attempt ${attempt})`);
      this.emit('restarting', port, `starting redis-server ${address} again from its AOF and nodes.conf (attempt ${attempt})`);
      try {
        const pid = await this.deps.launcher.restartNode(port);
        if (pid !== null) this.running.set(port, pid);
        this.emit('restarted', port, `redis-server ${address} runs again (pid ${pid ?? '?'})`);
        break;
      } catch (err) {
        const reason = (err as Error).message;
        this.note(port, 'restart failed', `${address} could not be restarted: ${reason}`);
        this.emit('restart failed', port, `attempt ${attempt}: ${reason}; next try in ${((backoff[Math.min(attempt, backoff.length - 1)] ?? 15_000) / 1000).toFixed(1)} s`);
      }
    }
    // Watched like any node from here on (a second crash is seen), while the rejoin is awaited.
    void this.awaitRejoin(port, this.running.get(port));
  }

  private async awaitRejoin(port: number, pid: number | undefined): Promise<void> {
    const address = this.address(port);
    this.note(port, 'restarting', `${address} runs again; waiting until it has rejoined`);
    const deadline = Date.now() + 60_000;
    while (!this.stopped && Date.now() < deadline) {
      // Gone again (its exit is handled by the next scan), or restarted by a newer task.
      if (pid === undefined || this.running.get(port) !== pid || !processAlive(pid)) return;
      try {
        const repl = await this.info(port, 'replication');
        if (repl.role === 'slave' && repl.master_link_status === 'up') {
          this.note(port, null);
          this.emit('rejoined', port, `${address} is back as a replica of ${repl.master_host}:${repl.master_port}, in sync`);
          return;
        }
        const view = await this.clusterView(-1);
        const me = view?.find((n) => n.address === address);
        if (repl.role === 'master' && me && me.slots.length > 0 && me.health === 'ok') {
          this.note(port, null);
          this.emit('rejoined', port, `${address} is back as the master of its slots (no replica had taken them over)`);
          return;
        }
      } catch {
        /* loading its AOF: ask again */
      }
      await sleep(250);
    }
    if (!this.stopped) this.note(port, 'restart failed', `${address} runs again but has not rejoined its shard within 60 s`);
  }
}
