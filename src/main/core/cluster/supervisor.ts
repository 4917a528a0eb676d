/**
 * Fast failover for the embedded cluster (C4, O3).
 *
 * Redis Cluster's own failure detection is built for networks, where a silent node may be slow
 * rather than dead. A node is suspected (PFAIL) only after cluster-node-timeout without an answer
 * to a ping that is itself sent up to half a node timeout after the last pong; then a majority of
 * masters must agree (FAIL), and the replica waits 0.5-1 s more before it asks for votes. In all
 * that is 1 to 1.5 node timeouts plus 1-2 s (measured 7.6-8.8 s at the 5 s default).
 *
 * For the nodes this app launched there is no doubt to resolve: the launcher knows each node's
 * pid, and a master whose process is gone is dead. The supervisor then asks that master's replica
 * for `CLUSTER FAILOVER FORCE`: the replica skips the handshake with its dead master but is still
 * elected by a majority of the masters (the same vote, the same epoch rules), so acknowledged
 * writes (WAIT 1, R3) are kept exactly as in an automatic failover, without the waiting.
 *
 * Several nodes exiting together is a shutdown (ours or `npm run cluster -- down`), not a crash:
 * the supervisor then does nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import { sleep } from '../sleep';
import type { NodePool } from './client';
import type { ClusterLauncher } from './launcher';
import { textCommand } from './node-client';
import { parseClusterNodes } from './nodes-parser';
import { processAlive } from './process-alive';

export interface SupervisorAction {
  at: number;
  step: 'process exited' | 'forced failover' | 'no failover';
  port: number;
  detail: string;
}

export interface SupervisorDeps {
  launcher: ClusterLauncher;
  pool: NodePool;
  log: Logger;
  /** How often the pids are checked (reads /proc, no Redis traffic). */
  intervalMs?: number;
  /** How long to wait for a second exit before deciding this is a crash, not a shutdown. */
  settleMs?: number;
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export class NodeSupervisor {
  private timer: NodeJS.Timeout | null = null;
  /** port -> pid last seen running */
  private readonly running = new Map<number, number>();
  private readonly listeners = new Set<(action: SupervisorAction) => void>();
  private pauses = 0;
  private busy = false;

  constructor(private readonly deps: SupervisorDeps) {}

  get active(): boolean {
    return this.timer !== null && this.pauses === 0;
  }

  start(): void {
    if (this.timer) return;
    this.scan();
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs ?? 200);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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

  private emit(step: SupervisorAction['step'], port: number, detail: string): void {
    const action = { at: Date.now(), step, port, detail };
    this.deps.log.info(`supervisor: ${step} :${port}: ${detail}`);
    for (const listener of this.listeners) listener(action);
  }

  private pidOf(port: number): number | null {
    return readPid(join(this.deps.launcher.nodeDir(port), 'redis.pid'));
  }

  /** Records which planned nodes run now; returns the ports whose process has gone since. */
  private scan(): { port: number; pid: number }[] {
    const exited: { port: number; pid: number }[] = [];
    for (const port of this.deps.launcher.plan.ports) {
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
    if (this.busy || this.pauses > 0) return;
    this.busy = true;
    try {
      const exited = this.scan();
      if (exited.length === 0) return;
      for (const e of exited) this.emit('process exited', e.port, `redis-server ${this.address(e.port)} (pid ${e.pid}) is gone`);
      await sleep(this.deps.settleMs ?? 150);
      const more = this.scan();
      if (exited.length + more.length > 1) {
        this.emit('no failover', exited[0]!.port, `${exited.length + more.length} nodes stopped together: a shutdown, not a crash`);
        return;
      }
      await this.promoteReplicaOf(exited[0]!.port);
    } catch (err) {
      this.deps.log.warn(`supervisor: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private address(port: number): string {
    return `${this.deps.launcher.plan.host}:${port}`;
  }

  private async promoteReplicaOf(port: number): Promise<void> {
    const dead = this.address(port);
    let view = null;
    for (const p of this.deps.launcher.plan.ports) {
      if (p === port || !this.running.has(p)) continue;
      try {
        view = parseClusterNodes(await textCommand(await this.deps.pool.ready(this.address(p), 500), 'CLUSTER', 'NODES'));
        break;
      } catch {
        /* try the next node */
      }
    }
    if (!view) return this.emit('no failover', port, 'no other node answered CLUSTER NODES');
    const master = view.find((n) => n.address === dead);
    if (!master || master.role !== 'master' || master.slots.length === 0) {
      return this.emit('no failover', port, `${dead} was ${master ? `a ${master.role} without slots to hand over` : 'not in the cluster'}; nothing to promote`);
    }
    const replica = view.find((n) => n.role === 'replica' && n.masterId === master.id && n.health === 'ok' && this.running.has(n.port));
    if (!replica) return this.emit('no failover', port, `${dead} has no running replica; its slots wait until it is back`);
    await (await this.deps.pool.ready(replica.address, 1000)).call('CLUSTER', 'FAILOVER', 'FORCE');
    this.emit('forced failover', port, `CLUSTER FAILOVER FORCE on ${replica.address}, the replica of ${dead}`);
  }
}
