/**
 * Starts, reuses and stops the embedded 6-node cluster (C1-C4, E1).
 *
 * Each node is a real `redis-server` that daemonizes itself (its own pidfile and log), so a
 * cluster started by `npm run cluster -- up` outlives the command and is reused by the app.
 * A node is recognised as ours by the config file it reports in INFO server, never by port alone.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { sleep } from '../sleep';
import { BUS_PORT_OFFSET, MASTER_COUNT, NODE_COUNT, planCluster, type ClusterPlan } from './layout';
import type { Redis } from 'ioredis';
import { textCommand, withNode, type NodeAddress } from './node-client';
import { parseClusterNodes, parseInfo } from './nodes-parser';
import { processAlive } from './process-alive';
import { SECRET_FILE } from './secret';

const run = promisify(execFile);

export interface LauncherOptions {
  dataDir: string;
  host: string;
  portBase: number;
  nodeTimeoutMs: number;
  maxmemory: string;
  maxmemoryPolicy: string;
  serverPath: string;
  /** requirepass and masterauth of every node (the data folder's secret); none when absent. */
  password?: string;
  log: Logger;
  /** One line per step, for progress output. */
  onProgress?: (line: string) => void;
  /** Upper bound for the whole `up` (start + join + cluster_state:ok). */
  readyTimeoutMs?: number;
}

export type PortState =
  | { kind: 'free' }
  | { kind: 'ours'; pid: number | null; role: string; clusterState: string; knownNodes: number }
  | { kind: 'foreign'; detail: string };

export interface NodeStatus {
  port: number;
  state: PortState;
}

export interface UpResult {
  reused: boolean;
  started: number[];
  seeds: { host: string; port: number }[];
  tookMs: number;
}

export function launcherOptionsFrom(config: Config, log: Logger, onProgress?: (line: string) => void): LauncherOptions {
  return {
    dataDir: config.dataDir,
    host: config.redis.host,
    portBase: config.redis.portBase,
    nodeTimeoutMs: config.redis.nodeTimeoutMs,
    maxmemory: config.redis.maxmemory,
    maxmemoryPolicy: config.redis.maxmemoryPolicy,
    serverPath: config.redis.serverPath,
    password: config.redis.password,
    log,
    onProgress,
  };
}

function quoteConf(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

async function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => done(true)));
  });
}

/** Whether anything accepts TCP on host:port (ioredis hides ECONNREFUSED behind "Connection is closed"). */
async function portIsListening(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (open: boolean) => {
      socket.destroy();
      done(open);
    };
    socket.setTimeout(1500, () => finish(true));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * Nodes added to the planned six (scale out) and planned nodes removed (scale in), kept in
 * `<cluster dir>/members.json` so `up`, `down`, `status`, the supervisor and a restart know the
 * cluster's real shape.
 */
export interface Members {
  added: { port: number; replicaOf: number | null }[];
  removed: number[];
}

export class ClusterLauncher {
  /** One command sequence on one node, with the cluster's secret. */
  private onNode<T>(addr: NodeAddress, fn: (node: Redis) => Promise<T>): Promise<T> {
    return withNode(addr, fn, this.opts.password);
  }

  readonly plan: ClusterPlan;
  readonly clusterDir: string;
  private readonly opts: LauncherOptions;

  constructor(opts: LauncherOptions) {
    this.opts = opts;
    this.plan = planCluster(opts.portBase, opts.host);
    this.clusterDir = resolve(opts.dataDir, 'cluster', String(opts.portBase));
  }

  get host(): string {
    return this.opts.host;
  }

  private get membersPath(): string {
    return join(this.clusterDir, 'members.json');
  }

  members(): Members {
    try {
      const parsed = JSON.parse(readFileSync(this.membersPath, 'utf8')) as Partial<Members>;
      return { added: Array.isArray(parsed.added) ? parsed.added : [], removed: Array.isArray(parsed.removed) ? parsed.removed : [] };
    } catch {
      return { added: [], removed: [] };
    }
  }

  private saveMembers(members: Members): void {
    mkdirSync(this.clusterDir, { recursive: true, mode: 0o700 });
    const tmp = `${this.membersPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(members, null, 2) + '\n');
    renameSync(tmp, this.membersPath);
  }

  /** Every node of this cluster now: the planned six less the removed ones, and the added ones. */
  ports(): number[] {
    const { added, removed } = this.members();
    return [...this.plan.ports.filter((p) => !removed.includes(p)), ...added.map((a) => a.port)].sort((a, b) => a - b);
  }

  /**
   * Starts a new empty node on the next free port after this cluster's highest, with the same
   * config as the others, and records it; joining it (MEET, REPLICATE) is the caller's part.
   */
  async addNode(replicaOf: number | null): Promise<number> {
    await this.checkServer();
    const taken = new Set(this.ports());
    let port = Math.max(...this.plan.ports, ...taken) + 1;
    for (; port < 65535 - BUS_PORT_OFFSET; port++) {
      if (taken.has(port)) continue;
      if ((await this.probe(port)).kind === 'free') break;
    }
    // A node dir left by an earlier member on this port would make it rejoin as that node.
    rmSync(this.nodeDir(port), { recursive: true, force: true });
    await this.startNode(port);
    const members = this.members();
    members.added.push({ port, replicaOf });
    members.removed = members.removed.filter((p) => p !== port);
    this.saveMembers(members);
    return port;
  }

  /** After the cluster has forgotten it: stops the node, drops it from the members, removes its files. */
  async removeNode(port: number): Promise<void> {
    if (!this.ports().includes(port)) throw new AppError('invalid_input', `Port ${port} is not a node of this cluster (nodes: ${this.ports().join(', ')}).`);
    const members = this.members();
    // Out of the members first: the supervisor must not take its exit for a crash and restart it.
    members.added = members.added.filter((a) => a.port !== port);
    if (this.plan.ports.includes(port) && !members.removed.includes(port)) members.removed.push(port);
    this.saveMembers(members);
    const state = await this.probe(port);
    if (state.kind === 'ours') {
      await this.onNode(this.node(port), (n) => n.call('SHUTDOWN', 'NOSAVE').catch(() => undefined)).catch(() => undefined);
      await this.waitForExit(port, state.pid);
    }
    rmSync(this.nodeDir(port), { recursive: true, force: true });
    this.progress(`removed redis-server ${this.opts.host}:${port}`);
  }

  nodeDir(port: number): string {
    return join(this.clusterDir, String(port));
  }

  confPath(port: number): string {
    return join(this.nodeDir(port), 'redis.conf');
  }

  private progress(line: string): void {
    this.opts.log.info(line);
    this.opts.onProgress?.(line);
  }

  /** Checks the binary and its version before anything else, with an install hint. */
  async checkServer(): Promise<string> {
    try {
      const { stdout } = await run(this.opts.serverPath, ['--version'], { timeout: 5000 });
      const version = /v=(\d+)\.(\d+)\.(\d+)/.exec(stdout);
      if (!version || Number(version[1]) < 7) {
        throw new AppError('cluster_unavailable', `${this.opts.serverPath} is ${stdout.trim()}; Red K needs Redis 7 or newer (CLUSTER ADDSLOTSRANGE, SHARDS).`);
      }
      return `${version[1]}.${version[2]}.${version[3]}`;
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError(
        'cluster_unavailable',
        `Cannot run "${this.opts.serverPath}" (${(err as Error).message.split('\n')[0]}). Install Redis 7 ` +
          '(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDK_REDIS_SERVER=/path/to/redis-server.',
      );
    }
  }

  /** What listens on one planned port: nothing, one of our nodes, or somebody else. */
  async probe(port: number): Promise<PortState> {
    const addr = { host: this.opts.host, port };
    if (!(await portIsListening(this.opts.host, port))) {
      return (await portIsFree(this.opts.host, port + BUS_PORT_OFFSET))
        ? { kind: 'free' }
        : { kind: 'foreign', detail: `nothing on ${port} but its cluster bus port ${port + BUS_PORT_OFFSET} is taken` };
    }
    try {
      return await this.onNode(addr, async (node) => {
        const server = parseInfo(await textCommand(node, 'INFO', 'server'));
        const configFile = server.config_file ? resolve(server.config_file) : '';
        if (configFile !== this.confPath(port)) {
          return { kind: 'foreign', detail: `a Redis server with config "${server.config_file || 'none'}"` } as const;
        }
        const info = parseInfo(await textCommand(node, 'CLUSTER', 'INFO'));
        const repl = parseInfo(await textCommand(node, 'INFO', 'replication'));
        return {
          kind: 'ours',
          pid: Number(server.process_id) || null,
          role: repl.role === 'slave' ? 'replica' : (repl.role ?? 'unknown'),
          clusterState: info.cluster_state ?? 'unknown',
          knownNodes: Number(info.cluster_known_nodes) || 0,
        } as const;
      });
    } catch (err) {
      return { kind: 'foreign', detail: `something that is not a Red K Redis node (${(err as Error).message})` };
    }
  }

  async status(): Promise<NodeStatus[]> {
    return Promise.all(this.ports().map(async (port) => ({ port, state: await this.probe(port) })));
  }

  private writeConf(port: number): void {
    const dir = this.nodeDir(port);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const lines = [
      `# written by Red K desktop; regenerated on every start`,
      `port ${port}`,
      `bind ${this.opts.host}`,
      `daemonize yes`,
      `pidfile ${quoteConf(join(dir, 'redis.pid'))}`,
      `logfile ${quoteConf(join(dir, 'redis.log'))}`,
      `dir ${quoteConf(dir)}`,
      `cluster-enabled yes`,
      `cluster-config-file nodes.conf`,
      `cluster-node-timeout ${this.opts.nodeTimeoutMs}`,
      `cluster-replica-validity-factor 10`,
      `cluster-require-full-coverage no`,
      // A node that comes back after a crash has a new replication id (loaded from its AOF), so it
      // needs a full sync; Redis 7's default waits 5 s for more replicas before a diskless one.
      // Each master here has one replica: start at once (restores in under a second, not 5 s).
      `repl-diskless-sync-delay 0`,
      `appendonly yes`,
      `appendfsync everysec`,
      `save ""`,
      `maxmemory ${this.opts.maxmemory}`,
      `maxmemory-policy ${this.opts.maxmemoryPolicy}`,
      ...(this.opts.password ? [`requirepass ${quoteConf(this.opts.password)}`, `masterauth ${quoteConf(this.opts.password)}`] : []),
    ];
    writeFileSync(this.confPath(port), lines.join('\n') + '\n', { mode: 0o600 });
  }

  private async startNode(port: number): Promise<void> {
    this.writeConf(port);
    try {
      // Through sh for its umask: the node's AOF, nodes.conf, log and pidfile are its user's only.
      if (process.platform === 'win32') await run(this.opts.serverPath, [this.confPath(port)], { timeout: 10_000 });
      else await run('/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', this.opts.serverPath, this.confPath(port)], { timeout: 10_000 });
    } catch (err) {
      throw new AppError('cluster_unavailable', `redis-server on port ${port} did not start: ${(err as Error).message}. See ${join(this.nodeDir(port), 'redis.log')}.`);
    }
    const deadline = Date.now() + 10_000;
    for (;;) {
      const state = await this.probe(port);
      if (state.kind === 'ours') {
        this.progress(`started redis-server ${this.opts.host}:${port} (pid ${state.pid ?? '?'})`);
        return;
      }
      if (Date.now() > deadline) {
        const logFile = join(this.nodeDir(port), 'redis.log');
        const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ') : 'no log';
        throw new AppError('cluster_unavailable', `redis-server on port ${port} did not answer within 10 s (${tail}).`);
      }
      await sleep(100);
    }
  }

  /**
   * Starts one planned node again (the supervisor, after its process died) from its AOF and
   * nodes.conf, so it rejoins the cluster it knew; returns its pid. A port that already has our
   * node (another engine on this cluster got there first) counts as restarted.
   */
  async restartNode(port: number): Promise<number | null> {
    if (!this.ports().includes(port)) throw new AppError('invalid_input', `Port ${port} is not a node of this cluster.`);
    const state = await this.probe(port);
    if (state.kind === 'foreign') throw new AppError('conflict', `port ${port} is taken by ${state.detail}`);
    if (state.kind === 'free') await this.startNode(port);
    const now = await this.probe(port);
    if (now.kind !== 'ours') throw new AppError('cluster_unavailable', `redis-server on port ${port} is not answering after its start`);
    return now.pid;
  }

  private node(port: number) {
    return { host: this.opts.host, port };
  }

  private async nodeId(port: number): Promise<string> {
    return this.onNode(this.node(port), (n) => textCommand(n, 'CLUSTER', 'MYID'));
  }

  /** One numeric CLUSTER INFO field from every planned node, in port order. */
  private clusterInfoField(field: string): Promise<number[]> {
    return Promise.all(
      this.ports().map((port) => this.onNode(this.node(port), async (n) => Number(parseInfo(await textCommand(n, 'CLUSTER', 'INFO'))[field]) || 0)),
    );
  }

  /**
   * Brings the running nodes to the C1 shape, doing only what is missing, so it is safe on a
   * fresh cluster, a restarted one (nodes.conf remembers everything) and a half-built one.
   */
  private async converge(): Promise<void> {
    const active = this.ports();
    const masters = this.plan.masters.filter((m) => active.includes(m.port));
    const replicas = this.plan.replicas.filter((r) => active.includes(r.port));
    const first = this.node(active[0]!);
    const nodesText = await this.onNode(first, (n) => textCommand(n, 'CLUSTER', 'NODES'));
    const assigned = parseClusterNodes(nodesText).some((n) => n.slots.length > 0);
    const perNodeAssigned = await this.clusterInfoField('cluster_slots_assigned');
    if (!assigned && perNodeAssigned.every((n) => n === 0) && masters.length === MASTER_COUNT) {
      this.progress('assigning slots ' + masters.map((m) => `${m.slots.start}-${m.slots.end} -> :${m.port}`).join(', '));
      for (const [i, port] of this.plan.ports.entries()) {
        await this.onNode(this.node(port), (n) => n.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1)).catch(() => undefined));
      }
      for (const m of masters) {
        await this.onNode(this.node(m.port), (n) => n.call('CLUSTER', 'ADDSLOTSRANGE', String(m.slots.start), String(m.slots.end)));
      }
    }

    const known = await this.clusterInfoField('cluster_known_nodes');
    if (known.some((k) => k < active.length)) {
      this.progress(`joining the ${active.length} nodes (CLUSTER MEET)`);
      await this.onNode(first, async (n) => {
        for (const port of active.slice(1)) await n.call('CLUSTER', 'MEET', this.opts.host, String(port));
      });
      await this.waitFor(`every node to know the other ${active.length - 1}`, async () => {
        const counts = await this.clusterInfoField('cluster_known_nodes');
        return counts.every((c) => c >= active.length);
      });
    }

    for (const r of replicas) {
      const planned = masters.find((m) => m.port === r.masterPort)!;
      let attachedTo = '';
      // Gossip may not yet have told this node who owns its master's slots: wait until it knows,
      // rather than skipping it (a skipped replica would leave the cluster one replica short).
      await this.waitFor(`:${r.port} to become a replica`, async () => {
        const view = parseClusterNodes(await this.onNode(this.node(r.port), (n) => textCommand(n, 'CLUSTER', 'NODES')));
        const me = view.find((n) => n.port === r.port);
        if (!me) return false;
        if (me.role === 'replica' || me.slots.length > 0) return true;
        // A slotless master on a replica port: attach it to whoever owns its planned master's slots now.
        const owner = view.find((n) => n.role === 'master' && n.slots.some((s) => s.start <= planned.slots.start && planned.slots.start <= s.end));
        if (!owner) return false;
        if (attachedTo !== owner.id) this.progress(`attaching replica :${r.port} to master :${owner.port}`);
        attachedTo = owner.id;
        await this.onNode(this.node(r.port), (n) => n.call('CLUSTER', 'REPLICATE', owner.id));
        return true;
      });
    }
  }

  private async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = this.opts.readyTimeoutMs ?? 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new AppError('timeout', `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}.`);
      await sleep(200);
    }
  }

  private async healthy(): Promise<boolean> {
    const active = this.ports();
    const { added, removed } = this.members();
    // Replicas: the planned ones still here, and the added ones that were added as replicas.
    const replicaCount = this.plan.replicas.filter((r) => !removed.includes(r.port) && !removed.includes(r.masterPort)).length + added.filter((a) => a.replicaOf !== null).length;
    const checks = await Promise.all(
      active.map((port) =>
        this.onNode(this.node(port), async (n) => {
          const info = parseInfo(await textCommand(n, 'CLUSTER', 'INFO'));
          const repl = parseInfo(await textCommand(n, 'INFO', 'replication'));
          const linkOk = repl.role !== 'slave' || repl.master_link_status === 'up';
          // Every node must already see every replica as one: gossip about roles lags the REPLICATE.
          const view = parseClusterNodes(await textCommand(n, 'CLUSTER', 'NODES'));
          const viewOk = view.filter((v) => v.role === 'replica').length === replicaCount;
          return info.cluster_state === 'ok' && Number(info.cluster_known_nodes) >= active.length && linkOk && viewOk;
        }).catch(() => false),
      ),
    );
    return checks.every(Boolean);
  }

  async up(): Promise<UpResult> {
    const began = Date.now();
    const version = await this.checkServer();
    let states = await this.status();
    // A node of ours that is busy (loading its AOF, or slow on a loaded machine) can look foreign
    // for a moment: look again before refusing. Another program on the port stays foreign.
    for (let tries = 0; tries < 5 && states.some((s) => s.state.kind === 'foreign'); tries++) {
      await sleep(500);
      states = await this.status();
    }
    const foreign = states.filter((s) => s.state.kind === 'foreign');
    if (foreign.length > 0) {
      const list = foreign.map((s) => `${s.port}: ${(s.state as { detail: string }).detail}`).join('; ');
      throw new AppError(
        'conflict',
        `Cannot start the embedded cluster on ports ${this.plan.ports[0]}-${this.plan.ports[NODE_COUNT - 1]}: in use by another program (${list}). Stop it or choose another port base (--port-base / REDK_REDIS_PORT_BASE).`,
      );
    }
    const seeds = this.ports().map((port) => this.node(port));
    if (states.every((s) => s.state.kind === 'ours') && (await this.healthy())) {
      this.progress(`reusing the healthy cluster on ${this.opts.host}:${this.plan.ports[0]}-${this.plan.ports[NODE_COUNT - 1]} (${this.clusterDir})`);
      await this.requireSecret();
      return { reused: true, started: [], seeds, tookMs: Date.now() - began };
    }
    this.progress(`starting a ${this.ports().length}-node Redis ${version} cluster on ${this.opts.host}:${this.ports().join(',')} (data in ${this.clusterDir})`);
    const toStart = states.filter((s) => s.state.kind === 'free').map((s) => s.port);
    await Promise.all(toStart.map((port) => this.startNode(port)));
    await this.converge();
    this.progress('waiting for cluster_state:ok on every node and replicas in sync');
    await this.waitFor(`cluster_state:ok on all ${this.ports().length} nodes`, () => this.healthy());
    this.progress(`cluster ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return { reused: false, started: toStart, seeds, tookMs: Date.now() - began };
  }

  /**
   * A running cluster started before the data folder had a secret (an older version, or `npm run
   * cluster -- up` with keepRunning) takes any client. Its nodes get the secret now, without a
   * restart: masterauth on every node first, so no replica loses its link, then requirepass.
   * Their redis.conf has both from the next start on. Returns how many nodes were open.
   */
  async requireSecret(): Promise<number> {
    const password = this.opts.password;
    if (!password) return 0;
    const ports = this.ports();
    const open = (
      await Promise.all(ports.map(async (port) => ((await this.onNode(this.node(port), (n) => n.call('CONFIG', 'GET', 'requirepass'))) as string[])[1] === '' ? port : null))
    ).filter((p): p is number => p !== null);
    if (open.length === 0) return 0;
    for (const setting of ['masterauth', 'requirepass']) {
      await Promise.all(open.map((port) => this.onNode(this.node(port), (n) => n.call('CONFIG', 'SET', setting, password))));
    }
    this.opts.log.warn(`the reused cluster took any client on ${open.length} node(s) (${open.join(', ')}): they now require the data folder's secret (${join(this.opts.dataDir, SECRET_FILE)})`);
    return open.length;
  }

  /** Stops our nodes (SHUTDOWN keeps the AOF), waits for each process to exit, leaves others alone. */
  async down(): Promise<{ stopped: number[]; skipped: { port: number; reason: string }[] }> {
    const states = await this.status();
    const stopped: number[] = [];
    const skipped: { port: number; reason: string }[] = [];
    await Promise.all(
      states.map(async ({ port, state }) => {
        if (state.kind === 'free') return;
        if (state.kind === 'foreign') {
          skipped.push({ port, reason: state.detail });
          return;
        }
        // NOW: Redis 7 otherwise waits up to 10 s for lagging replicas, and every replica is
        // stopping too. The AOF is still flushed.
        await this.onNode(this.node(port), (n) => n.call('SHUTDOWN', 'NOW').catch(() => undefined)).catch(() => undefined);
        await this.waitForExit(port, state.pid);
        stopped.push(port);
        this.progress(`stopped redis-server ${this.opts.host}:${port}`);
      }),
    );
    return { stopped: stopped.sort((a, b) => a - b), skipped };
  }

  private async waitForExit(port: number, pid: number | null): Promise<void> {
    const alive = () => pid !== null && processAlive(pid);
    const deadline = Date.now() + 10_000;
    while (alive() && Date.now() < deadline) await sleep(50);
    if (alive() && pid !== null) {
      this.opts.log.warn(`redis-server :${port} (pid ${pid}) ignored SHUTDOWN for 10 s; killing it`);
      process.kill(pid, 'SIGKILL');
      const killDeadline = Date.now() + 5000;
      while (alive() && Date.now() < killDeadline) await sleep(50);
    }
  }
}
