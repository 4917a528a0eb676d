/**
 * ClusterOps: what the `cluster.check`, `cluster.fix`, `cluster.reshard` and `cluster.job*`
 * methods call, for the engine (progress as `cluster.job` events) and for the CLI (which runs
 * the same code without an engine). One job at a time: a second resharding, or a fix while one
 * runs, is refused with `conflict`.
 */
import { Redis } from 'ioredis';
import type { Cluster } from 'ioredis';
import type { ClusterCheckResult, ClusterFixResult, ClusterJob, ClusterNodeInfo, NodeChange, ConsoleResult, ConsoleTarget, MemoryReport, RebalanceResult, SlotInfo, SlotStats, SlowlogEntry, Topology } from '../../../shared/types';
import { parseClusterNodes } from '../cluster/nodes-parser';
import { textCommand } from '../cluster/node-client';
import { memoryReport, runConsole, slotInfo, slotStats, slowlog } from '../cluster/operator-tools';
import { AppError } from '../errors';
import { markSlotClosed, markSlotOpen } from '../cluster/replica-ack';
import { checkCluster, fixCluster, DEFAULT_MIGRATE, type Connect } from '../cluster/resharding';
import type { ClusterLauncher } from '../cluster/launcher';
import { sleep } from '../sleep';
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
  /** The embedded cluster's launcher (starts and stops added nodes); null for an external cluster. */
  launcher?: ClusterLauncher | null;
  /** Job progress, for the event stream. */
  onJob?: (job: ClusterJob) => void;
  /** What is moving the cluster now (a drill, a manual failover; this service's own work is checked first), or null. */
  busyElsewhere?: () => string | null;
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

  /** Waits until every node in `addresses` lists the cluster as `ok(view)` says, or throws after `timeoutMs`. */
  private async untilEveryNode(what: string, addresses: string[], ok: (view: ClusterNodeInfo[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const views = await Promise.all(addresses.map(async (a) => parseClusterNodes(await textCommand(await this.admin.connect(a), 'CLUSTER', 'NODES')).filter((n) => !n.flags.includes('handshake')))).catch(() => null);
      if (views && views.every(ok)) return;
      if (Date.now() > deadline) throw new AppError('timeout', `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}.`);
      await sleep(200);
    }
  }

  /**
   * Scale out: a new empty master, or a replica of `replicaOf`. On the embedded cluster the
   * launcher starts it on the next free port; on an external one `address` names a node the
   * user started (cluster-enabled, empty, alone). It is met (CLUSTER MEET) and, for a replica,
   * attached (CLUSTER REPLICATE); the call returns once every node agrees.
   */
  async addNode(opts: { replicaOf?: string; address?: string }): Promise<NodeChange> {
    this.refuseWhileBusy('add a node');
    const began = Date.now();
    const before = await this.topology();
    const master = opts.replicaOf ? before.nodes.find((n) => n.role === 'master' && (n.address === opts.replicaOf || String(n.port) === opts.replicaOf)) : null;
    if (opts.replicaOf && !master) throw new AppError('invalid_input', `${opts.replicaOf} is not a master of this cluster (masters: ${before.nodes.filter((n) => n.role === 'master').map((n) => n.address).join(', ')}).`);
    const launcher = this.deps.launcher ?? null;
    let address: string;
    if (launcher) {
      if (opts.address) throw new AppError('invalid_input', 'The embedded cluster starts its own nodes: leave out the address.');
      address = `${launcher.host}:${await launcher.addNode(master ? master.port : null)}`;
    } else {
      if (!opts.address || !/:\d+$/.test(opts.address)) throw new AppError('invalid_input', 'For an external cluster, give the host:port of a node you started (cluster-enabled, empty).');
      address = opts.address;
      const node = await this.admin.connect(address).catch((err: unknown) => {
        throw new AppError('cluster_unavailable', `${address} does not answer: ${(err as Error).message}`);
      });
      const info = await textCommand(node, 'CLUSTER', 'INFO').catch(() => '');
      if (!/cluster_known_nodes:1\b/.test(info) || (await node.dbsize()) > 0) throw new AppError('invalid_input', `${address} is not an empty cluster node on its own (cluster-enabled yes, no keys, knowing no other node).`);
    }
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), address.slice(address.lastIndexOf(':') + 1)];
    const seed = before.nodes.find((n) => n.role === 'master' && n.health === 'ok')!;
    try {
      await (await this.admin.connect(seed.address)).call('CLUSTER', 'MEET', host, port);
      const everyone = [...before.nodes.filter((n) => n.health === 'ok').map((n) => n.address), address];
      await this.untilEveryNode(`every node to know ${address}`, everyone, (view) => view.some((n) => n.address === address) && view.length >= everyone.length);
      const id = String(await (await this.admin.connect(address)).call('CLUSTER', 'MYID'));
      if (master) {
        await (await this.admin.connect(address)).call('CLUSTER', 'REPLICATE', master.id);
        await this.untilEveryNode(`every node to see ${address} as a replica of ${master.address}`, everyone, (view) => view.some((n) => n.id === id && n.role === 'replica' && n.masterId === master.id));
        const deadline = Date.now() + 30_000;
        while (!/master_link_status:up/.test(await (await this.admin.connect(address)).info('replication'))) {
          if (Date.now() > deadline) throw new AppError('timeout', `${address} did not finish its first sync from ${master.address} in 30 s.`);
          await sleep(100);
        }
      }
      return { address, id, role: master ? 'replica' : 'master', masterAddress: master?.address ?? null, tookMs: Date.now() - began, movedSlots: 0 };
    } catch (err) {
      // Not joined: an embedded node started for it is stopped again, so nothing half-added stays.
      if (launcher) await this.forgetEverywhere(address, before.nodes.map((n) => n.address)).then(() => launcher.removeNode(Number(port))).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Scale in: a master's slots are moved to the other masters first (a rebalance with its
   * weight at 0, through the same slot moves as a resharding), its replicas go with it; then
   * every other node forgets it (CLUSTER FORGET) and the embedded cluster stops its process.
   */
  async removeNode(name: string): Promise<NodeChange & { removedReplicas: string[] }> {
    this.refuseWhileBusy('remove a node');
    const began = Date.now();
    const topology = await this.topology();
    const node = topology.nodes.find((n) => n.address === name || String(n.port) === name);
    if (!node) throw new AppError('invalid_input', `${name} is not a node of this cluster (nodes: ${topology.nodes.map((n) => n.address).join(', ')}).`);
    let movedSlots = 0;
    const replicas = node.role === 'master' ? topology.nodes.filter((n) => n.role === 'replica' && n.masterId === node.id) : [];
    if (node.role === 'master') {
      const others = topology.nodes.filter((n) => n.role === 'master' && n.id !== node.id && n.health === 'ok');
      if (node.slots.length > 0 && others.length === 0) throw new AppError('invalid_input', `${node.address} is the last master: its slots have nowhere to go.`);
      if (node.slots.length > 0) {
        const { plan } = await planRebalance(this.admin.connect, await this.deps.seeds(), { weights: { [node.address]: 0 }, threshold: 0 });
        const started = this.start({ ...plan, moves: plan.moves.filter((m) => m.from.id === node.id || m.to.id !== node.id) });
        const done = (await this.wait(started.id))!;
        if (done.state !== 'done') throw new AppError('conflict', `Moving the slots of ${node.address} away ended ${done.state}${done.error ? `: ${done.error}` : ''}; the node stays.`);
        movedSlots = done.slotsDone;
      }
    }
    // A failover during the moves may have swapped the node and its replica: neither may still
    // serve a slot, and no other node may replicate them.
    const leaving = new Set([node.id, ...replicas.map((r) => r.id)]);
    const now = await this.topology();
    const serving = now.nodes.filter((n) => leaving.has(n.id) && n.role === 'master' && n.slots.length > 0);
    const following = now.nodes.filter((n) => !leaving.has(n.id) && n.masterId !== null && leaving.has(n.masterId));
    if (serving.length > 0 || following.length > 0) {
      throw new AppError('conflict', `${node.address} cannot go yet: ${[...serving.map((n) => `${n.address} still serves ${n.slots.length} slot ranges`), ...following.map((n) => `${n.address} replicates it`)].join('; ')}; the node stays.`);
    }
    const remaining = topology.nodes.filter((n) => n.id !== node.id && !replicas.some((r) => r.id === n.id)).map((n) => n.address);
    for (const gone of [...replicas, node]) {
      await this.forgetEverywhere(gone.address, remaining);
      if (this.deps.launcher) await this.deps.launcher.removeNode(gone.port);
    }
    await this.untilEveryNode(`every node to forget ${node.address}`, remaining, (view) => !view.some((n) => n.id === node.id || replicas.some((r) => r.id === n.id)));
    return { address: node.address, id: node.id, role: node.role, masterAddress: null, tookMs: Date.now() - began, movedSlots, removedReplicas: replicas.map((r) => r.address) };
  }

  /** CLUSTER FORGET on every other node, fast (a node forgotten by some only would be gossiped back within 60 s). */
  private async forgetEverywhere(address: string, others: string[]): Promise<void> {
    const id = String(await (await this.admin.connect(address)).call('CLUSTER', 'MYID'));
    await Promise.all(
      others.filter((a) => a !== address).map(async (a) => {
        await (await this.admin.connect(a)).call('CLUSTER', 'FORGET', id).catch((err: unknown) => {
          if (!/Unknown node/i.test((err as Error).message)) throw err;
        });
      }),
    );
    // The node itself forgets the others, so it cannot gossip itself back before it stops.
    await (await this.admin.connect(address)).call('CLUSTER', 'RESET', 'HARD').catch(() => undefined);
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
      () => this.deps.seeds(),
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

  /** What this service is doing to the cluster now (a job, a fix), in words, or null. */
  busyWith(): string | null {
    if (this.current?.active) return `resharding job ${this.current.id} is running (${this.current.snapshot().slotsDone}/${this.current.snapshot().slotsTotal} slots)`;
    if (this.fixing) return 'a fix of the cluster is running';
    return null;
  }

  private refuseWhileBusy(what: string): void {
    const busy = this.busyWith();
    if (busy) throw new AppError('conflict', `Cannot ${what}: ${busy}${this.current?.active ? '; pause, cancel or wait for it' : ''}.`);
    const elsewhere = this.deps.busyElsewhere?.();
    if (elsewhere) throw new AppError('conflict', `Cannot ${what}: ${elsewhere}; wait for it to end.`);
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
