/**
 * ClusterOps: what the `cluster.check`, `cluster.fix`, `cluster.reshard` and `cluster.job*`
 * methods call, for the engine (progress as `cluster.job` events) and for the CLI (which runs
 * the same code without an engine). One job at a time: a second resharding, or a fix while one
 * runs, is refused with `conflict`.
 */
import { Redis } from 'ioredis';
import type { Cluster } from 'ioredis';
import type { ClusterCheckResult, ClusterFixResult, ClusterJob, ConsoleResult, ConsoleTarget, MemoryReport, RebalanceResult, SlotInfo, SlotStats, SlowlogEntry, Topology } from '../../../shared/types';
import { parseClusterNodes } from '../cluster/nodes-parser';
import { textCommand } from '../cluster/node-client';
import { memoryReport, runConsole, slotInfo, slotStats, slowlog } from '../cluster/operator-tools';
import { AppError } from '../errors';
import { markSlotClosed, markSlotOpen } from '../cluster/replica-ack';
import { checkCluster, fixCluster, DEFAULT_MIGRATE, type Connect } from '../cluster/resharding';
import { planRebalance, planReshard, ReshardJob, type RebalanceRequest, type ReshardPlan, type ReshardRequest } from '../cluster/reshard-job';

export interface ClusterOpsDeps {
  /** Addresses (host:port) to ask for CLUSTER NODES, best first. */
  seeds: () => Promise<string[]>;
  password?: string;
  natMap?: Record<string, { host: string; port: number }>;
  /** The engine's cluster clients: their WAITs go to both ends of a slot while it moves. */
  clients?: Cluster[];
  /** The cluster as the inspector sees it (the engine's ClusterService); read from the seeds when absent. */
  topology?: () => Promise<Topology>;
  /** Job progress, for the event stream. */
  onJob?: (job: ClusterJob) => void;
}

/** Connections of their own for admin work: MIGRATE of a batch may take seconds, longer than the pool's timeouts. */
export class AdminConnections {
  private readonly nodes = new Map<string, Redis>();

  constructor(
    private readonly password?: string,
    private readonly natMap?: Record<string, { host: string; port: number }>,
  ) {}

  readonly connect: Connect = async (address) => {
    let node = this.nodes.get(address);
    if (!node) {
      const mapped = this.natMap?.[address];
      const colon = address.lastIndexOf(':');
      node = new Redis({
        host: mapped?.host ?? address.slice(0, colon),
        port: mapped?.port ?? Number(address.slice(colon + 1)),
        password: this.password,
        lazyConnect: true,
        connectTimeout: 2000,
        commandTimeout: 30_000,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      node.on('error', () => {
        /* reported by the command that needs the node */
      });
      this.nodes.set(address, node);
    }
    if (node.status === 'wait' || node.status === 'end' || node.status === 'close') {
      if (node.status !== 'wait') {
        this.nodes.delete(address);
        return this.connect(address);
      }
      await node.connect();
    }
    return node;
  };

  close(): void {
    for (const node of this.nodes.values()) node.disconnect();
    this.nodes.clear();
  }
}

export class ClusterOps {
  private readonly admin: AdminConnections;
  private current: ReshardJob | null = null;
  private readonly finished: ClusterJob[] = [];
  private fixing = false;

  constructor(private readonly deps: ClusterOpsDeps) {
    this.admin = new AdminConnections(deps.password, deps.natMap);
  }

  private async topology(): Promise<Topology> {
    if (this.deps.topology) return this.deps.topology();
    const tried: string[] = [];
    for (const address of await this.deps.seeds()) {
      try {
        const nodes = parseClusterNodes(await textCommand(await this.admin.connect(address), 'CLUSTER', 'NODES'));
        return { state: 'unknown', slotsAssigned: 0, slotsOk: 0, knownNodes: nodes.length, currentEpoch: 0, observedFrom: address, observedAt: Date.now(), mode: 'embedded', nodes };
      } catch (err) {
        tried.push(`${address} (${(err as Error).message})`);
      }
    }
    throw new AppError('cluster_unavailable', `No Redis node answers CLUSTER NODES; tried ${tried.join(', ')}.`);
  }

  async slotStats(): Promise<SlotStats> {
    return slotStats(this.admin.connect, await this.topology(), await this.deps.seeds());
  }

  async slotInfo(slot: number): Promise<SlotInfo> {
    return slotInfo(this.admin.connect, await this.topology(), slot);
  }

  async slowlog(perNode?: number): Promise<{ entries: SlowlogEntry[]; unreachable: string[] }> {
    return slowlog(this.admin.connect, await this.topology(), perNode);
  }

  async memory(perMaster?: number): Promise<MemoryReport> {
    return memoryReport(this.admin.connect, await this.topology(), perMaster);
  }

  async command(target: ConsoleTarget, args: string[], confirm: boolean): Promise<ConsoleResult> {
    return runConsole(this.admin.connect, await this.topology(), target, args, confirm);
  }

  async check(): Promise<ClusterCheckResult> {
    return checkCluster(this.admin.connect, await this.deps.seeds());
  }

  async fix(): Promise<ClusterFixResult> {
    this.refuseWhileBusy('fix the cluster');
    this.fixing = true;
    try {
      return await fixCluster(this.admin.connect, await this.deps.seeds(), { ...DEFAULT_MIGRATE, password: this.deps.password });
    } finally {
      this.fixing = false;
    }
  }

  /** Plans and starts a resharding; answers at once with the job (progress comes as events). */
  async reshard(req: ReshardRequest): Promise<ClusterJob> {
    this.refuseWhileBusy('start a resharding');
    const plan = await planReshard(this.admin.connect, await this.deps.seeds(), req);
    return this.start(plan);
  }

  /**
   * The plan first (which ranges move where, how many keys); unless simulated, the moves then
   * run as one job, through the same slot moves as reshard.
   */
  async rebalance(req: RebalanceRequest & { simulate?: boolean }): Promise<RebalanceResult> {
    this.refuseWhileBusy('rebalance');
    const { plan, view } = await planRebalance(this.admin.connect, await this.deps.seeds(), req);
    const job = req.simulate || plan.moves.length === 0 ? null : this.start(plan);
    return { ...view, job };
  }

  private start(plan: ReshardPlan): ClusterJob {
    this.refuseWhileBusy('start a resharding');
    const clients = this.deps.clients ?? [];
    const job = new ReshardJob(
      this.admin.connect,
      plan,
      {
        progress: (j) => this.deps.onJob?.(j),
        slotOpen: (slot, from, to) => clients.forEach((c) => markSlotOpen(c, slot, [from, to])),
        slotClosed: (slot) => clients.forEach((c) => markSlotClosed(c, slot)),
      },
      { ...DEFAULT_MIGRATE, password: this.deps.password },
    );
    this.current = job;
    void job.done.then((final) => {
      this.finished.unshift(final);
      this.finished.length = Math.min(this.finished.length, 20);
      if (this.current === job) this.current = null;
    });
    return job.snapshot();
  }

  /** The job with this id (the running one when no id is given), or null when there is none. */
  job(id?: string): ClusterJob | null {
    if (this.current && (id === undefined || this.current.id === id)) return this.current.snapshot();
    if (id === undefined) return this.finished[0] ?? null;
    const done = this.finished.find((j) => j.id === id);
    if (!done) throw new AppError('not_found', `No cluster job has id ${id}.`);
    return done;
  }

  /** Waits for the running job (or the one with this id) to end. */
  async wait(id?: string): Promise<ClusterJob | null> {
    const job = this.current;
    if (job && (id === undefined || job.id === id)) return job.done;
    return this.job(id);
  }

  pause(id: string): ClusterJob {
    return this.running(id).pause();
  }

  resume(id: string): ClusterJob {
    return this.running(id).resume();
  }

  cancel(id: string): ClusterJob {
    return this.running(id).cancel();
  }

  private running(id: string): ReshardJob {
    if (this.current?.id === id) return this.current;
    if (this.finished.some((j) => j.id === id)) throw new AppError('conflict', `Cluster job ${id} has ended already.`);
    throw new AppError('not_found', `No cluster job has id ${id}.`);
  }

  private refuseWhileBusy(what: string): void {
    if (this.current?.active) throw new AppError('conflict', `Cannot ${what}: resharding job ${this.current.id} is running (${this.current.snapshot().slotsDone}/${this.current.snapshot().slotsTotal} slots); pause, cancel or wait for it.`);
    if (this.fixing) throw new AppError('conflict', `Cannot ${what}: a fix of the cluster is running.`);
  }

  /** Cancels a running job, waits for it (it finishes the slot in hand) and closes the connections. */
  async close(): Promise<void> {
    const job = this.current;
    if (job?.active) {
      job.cancel();
      await job.done;
    }
    this.admin.close();
  }
}
