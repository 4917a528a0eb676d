/**
 * The engine: everything the Electron main process hosts, runnable in plain Node.
 * start() brings up (or reuses, or connects to) the cluster, then the services, the contract
 * router and the live monitor; stop() undoes exactly what start() did.
 */
import type { Cluster } from 'ioredis';
import { Accounts } from './accounts/sessions';
import type { EngineInfo } from '../../shared/types';
import type { NodePool } from './cluster/client';
import { connectCluster } from './cluster/connection';
import { FailoverCooldown } from './cluster/cooldown';
import { FailoverDrill } from './cluster/drill';
import type { ClusterLauncher } from './cluster/launcher';
import { ClusterMonitor } from './cluster/monitor';
import type { NodeSupervisor } from './cluster/supervisor';
import type { Config } from './config';
import { EventBus } from './events';
import { createHandlers } from './handlers';
import type { Logger } from './log';
import { monotonicClock, type Clock } from './ids';
import { RpcRouter } from './rpc/router';
import { type ClusterService } from './services/cluster-service';
import { ClusterOps } from './services/cluster-ops';
import { socialDrillWorkload } from './services/drill-workload';
import { DemoLoader } from './services/demo-loader';
import { SocialService } from './services/social-service';
import type { DataLock } from './data-lock';
import { lockStores, openStores, type Stores } from './stores';
import { SyncEngine } from './sync/sync-engine';
import { preferSmallHeap } from './v8-heap';
import { privateUmask, securePrivateTree } from './data-dir';

export const ENGINE_VERSION = '0.1.0';

export interface EngineOptions {
  log: Logger;
  shell: EngineInfo['shell'];
  onProgress?: (line: string) => void;
  /** Poll period of the live topology monitor. */
  monitorIntervalMs?: number;
  /** Time source for posts, messages and trending windows (tests move it). */
  clock?: Clock;
  /** How often the trending windows are rebuilt from the like log. */
  trendingIntervalMs?: number;
}

interface EngineParts {
  config: Config;
  log: Logger;
  events: EventBus;
  client: Cluster;
  /** The second client, for commands that must not wait behind a WAIT (ClusterConnection.unwaited). */
  unwaited: Cluster;
  pool: NodePool;
  monitor: ClusterMonitor;
  launcher: ClusterLauncher | null;
  supervisor: NodeSupervisor | null;
  /** Only a cluster this engine started is stopped with it. */
  ownsCluster: boolean;
  clusterService: ClusterService;
  clusterOps: ClusterOps;
  social: SocialService;
  sync: SyncEngine;
  drill: FailoverDrill;
  stores: Stores;
  /** The one-owner lock on the embedded store (null when MongoDB and Neo4j serve both sides). */
  lock: DataLock | null;
  timers: NodeJS.Timeout[];
  unlisten: (() => void)[];
  info: EngineInfo;
  clock: Clock;
}

/** The folders kept private to their user: the data folder, and the embedded store's when it lives elsewhere. */
function privateDirs(config: Config): string[] {
  return [config.dataDir, ...(config.stores.embeddedDir ? [config.stores.embeddedDir] : [])];
}

export class Engine {
  readonly events: EventBus;
  readonly router: RpcRouter;
  readonly clusterService: ClusterService;
  readonly clusterOps: ClusterOps;
  readonly social: SocialService;
  readonly sync: SyncEngine;
  readonly stores: Stores;
  readonly config: Config;
  readonly drill: FailoverDrill;
  readonly accounts: Accounts;
  readonly demo: DemoLoader;

  private constructor(private readonly parts: EngineParts) {
    this.events = parts.events;
    this.config = parts.config;
    this.clusterService = parts.clusterService;
    this.clusterOps = parts.clusterOps;
    this.social = parts.social;
    this.sync = parts.sync;
    this.stores = parts.stores;
    this.drill = parts.drill;
    this.accounts = new Accounts(parts.client, parts.stores.documents, (name) => parts.social.getUser(name), parts.config.accounts);
    this.demo = new DemoLoader({
      stores: parts.stores,
      events: parts.events,
      clock: parts.clock,
      log: parts.log.child('demo'),
      scryptCost: parts.config.accounts.scryptCost,
      afterLoad: () => parts.social.afterBulkLoad(),
    });
    this.router = new RpcRouter(
      createHandlers({ cluster: parts.clusterService, ops: parts.clusterOps, social: parts.social, accounts: this.accounts, demo: this.demo, sync: parts.sync, drill: parts.drill, redis: parts.client, info: () => parts.info }),
      parts.log.child('rpc'),
      this.accounts,
    );
  }

  static async start(config: Config, opts: EngineOptions): Promise<Engine> {
    const log = opts.log;
    if (config.smallHeap) preferSmallHeap();
    // The data folder is its user's only (files 0600, folders 0700), from now on and from before.
    privateUmask();
    const opened = privateDirs(config).flatMap((dir) => securePrivateTree(dir));
    if (opened.length > 0) log.info(`data folder ${config.dataDir}: took group and other access off ${opened.length} files and folders`);
    // First, before any node is started: a second engine on the same store is refused here.
    const lock = await lockStores(config, opts.shell, log);
    let connection: Awaited<ReturnType<typeof connectCluster>> | null = null;
    let stores: Stores | null = null;
    try {
      connection = await connectCluster(config, log, opts.onProgress);
      stores = await openStores(config, log.child('stores'));
      return await Engine.assemble(config, opts, lock, connection, stores);
    } catch (err) {
      // Undo what this start did, so a failed start leaves no redis-server of its own running.
      await stores?.close().catch(() => undefined);
      await connection?.close().catch(() => undefined);
      if (connection?.started && connection.launcher && !config.redis.keepRunning) {
        await connection.launcher.down().catch((downErr: unknown) => log.warn(`stopping the nodes this start began: ${(downErr as Error).message}`));
      }
      await lock?.release();
      throw err;
    }
  }

  private static async assemble(
    config: Config,
    opts: EngineOptions,
    lock: DataLock | null,
    connection: Awaited<ReturnType<typeof connectCluster>>,
    stores: Stores,
  ): Promise<Engine> {
    const log = opts.log;
    const { client, unwaited, pool, service, launcher, supervisor } = connection;
    const events = new EventBus();
    const clock = opts.clock ?? monotonicClock();
    const sync = new SyncEngine(unwaited, stores.documents, events, log.child('sync'), { intervalMs: config.sync.intervalMs, likesTtlSeconds: config.sync.likesTtlSeconds });
    const social = new SocialService({ redis: client, documents: stores.documents, graph: stores.graph, events, sync, clock, likesTtlSeconds: config.sync.likesTtlSeconds, unwaited, fanoutThreshold: config.feeds.fanoutThreshold });
    const monitor = new ClusterMonitor(service, events, log.child('monitor'), opts.monitorIntervalMs);
    const workload = socialDrillWorkload(social, stores.documents, clock);
    // One thing moves the cluster at a time: a drill, a manual failover, or a job (resharding,
    // rebalance, scale out/in, fix); each refuses while another runs, saying which.
    // A drill and a manual failover share one cooldown (redis.failoverCooldownMs).
    const cooldown = new FailoverCooldown(config.redis.failoverCooldownMs);
    service.cooldown = cooldown;
    const drill: FailoverDrill = new FailoverDrill({ redis: client, pool, cluster: service, cooldown, launcher, supervisor, workload, nodeTimeoutMs: config.redis.nodeTimeoutMs, events, log: log.child('drill'), busyElsewhere: () => movingCluster() });
    const clusterOps: ClusterOps = new ClusterOps({
      seeds: async () => {
        const topology = await service.topology();
        const up = topology.nodes.filter((n) => n.role === 'master' && n.health === 'ok').map((n) => n.address);
        return [...new Set([...up, ...connection.seeds])];
      },
      password: config.redis.password,
      natMap: config.redis.natMap,
      clients: [client, unwaited],
      topology: () => service.topology(),
      launcher,
      onJob: (job) => events.emit('cluster.job', job),
      busyElsewhere: () => movingCluster(),
    });
    // Each of the three checks its own work first ("already running"), then asks this.
    const movingCluster = (): string | null => clusterOps.busyWith() ?? (drill.busy ? 'a failover drill is running' : service.busy ? 'a manual failover is running' : null);
    service.busyElsewhere = movingCluster;
    const info: EngineInfo = {
      version: ENGINE_VERSION,
      shell: opts.shell,
      cluster: { mode: config.redis.mode, seeds: connection.seeds, nodeTimeoutMs: config.redis.nodeTimeoutMs },
      stores: { documents: stores.documents.description, graph: stores.graph.description },
      dataDir: config.dataDir,
    };
    const trendingTimer = setInterval(() => void social.trending.recompute().catch(() => undefined), opts.trendingIntervalMs ?? 60_000);
    trendingTimer.unref();
    const engine = new Engine({
      config, log, events, client, unwaited, pool, monitor, launcher, supervisor, ownsCluster: connection.started, clusterService: service, clusterOps,
      social, sync, drill, stores, lock, timers: [trendingTimer], unlisten: [], info, clock,
    });
    const unlistenHealing = supervisor?.onAction((action) => events.emit('cluster.healing', action));
    engine.parts.unlisten.push(() => unlistenHealing?.());
    monitor.start();
    sync.start();
    try {
      await monitor.tick();
    } catch (err) {
      monitor.stop();
      clearInterval(trendingTimer);
      await sync.stop();
      throw err;
    }
    log.info(`engine ready (${config.redis.mode} cluster, reads from ${config.redis.scaleReads})`);
    return engine;
  }

  /** Records the URL the web shell serves, for the refusal line of a second start on this folder. */
  announceUrl(url: string): void {
    this.parts.lock?.setUrl(url);
  }

  /** The cluster client for data work (ioredis Cluster). */
  get redis(): Cluster {
    return this.parts.client;
  }

  private stopping: Promise<void> | null = null;

  /** Undoes start(); a second call (a second signal) waits for the first. */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    const { monitor, client, unwaited, pool, launcher, supervisor, ownsCluster, config, log, sync, stores, lock, timers } = this.parts;
    const began = Date.now();
    const phase = (what: string) => log.info(`stopping: ${what} (${Date.now() - began} ms)`);
    const running = await this.router.close(5000);
    phase(running === 0 ? 'calls in flight finished, new ones refused' : `${running} call(s) still running after 5 s, stopping anyway`);
    await this.parts.clusterOps.close();
    phase('cluster jobs ended');
    await this.demo.stop();
    await supervisor?.stop();
    phase('supervisor stopped');
    this.parts.unlisten.forEach((off) => off());
    monitor.stop();
    timers.forEach((t) => clearInterval(t));
    await sync.stop();
    phase('like write-back flushed');
    await stores.close().catch((err: unknown) => log.warn(`closing the stores: ${(err as Error).message}`));
    phase('stores closed');
    // The embedded store's files are written 0666 by PGlite whatever the umask (the folders are
    // 0700, so nobody else reaches them meanwhile); closed, they are made 0600 too.
    for (const dir of privateDirs(config)) {
      try {
        securePrivateTree(dir);
      } catch (err) {
        log.warn(`making ${dir} private: ${(err as Error).message}`);
      }
    }
    await Promise.all([client.quit().catch(() => client.disconnect()), unwaited.quit().catch(() => unwaited.disconnect())]);
    pool.close();
    if (launcher && ownsCluster && !config.redis.keepRunning) {
      await launcher.down();
      phase('cluster stopped');
    } else if (launcher) {
      log.info('leaving the embedded cluster running (it was already running, or keepRunning is set)');
    }
    await lock?.release();
  }
}
