/**
 * Brings up (embedded) or locates (external) the cluster and opens the connections to it:
 * what the engine and the headless drill both stand on.
 */
import type { Cluster } from 'ioredis';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { registerScripts } from '../lua/scripts';
import { ClusterService } from '../services/cluster-service';
import { createClusterClient, NodePool, waitReady } from './client';
import { ClusterLauncher, launcherOptionsFrom } from './launcher';
import { NodeSupervisor } from './supervisor';

export interface ClusterConnection {
  client: Cluster;
  /**
   * A second cluster client, for work that must not queue behind a like's WAIT: WAIT holds its
   * connection until a replica answers, and every command sent after it on that connection
   * waits too. The trending updates and the like write-back's reads go here.
   */
  unwaited: Cluster;
  pool: NodePool;
  service: ClusterService;
  launcher: ClusterLauncher | null;
  /** Embedded cluster with fastFailover: promotes a replica as soon as its master's process exits. */
  supervisor: NodeSupervisor | null;
  seeds: string[];
  /** This process started the embedded cluster (rather than reusing a running one). */
  started: boolean;
  close(): Promise<void>;
}

function parseSeed(seed: string) {
  const at = seed.lastIndexOf(':');
  return { host: seed.slice(0, at), port: Number(seed.slice(at + 1)) };
}

export async function connectCluster(config: Config, log: Logger, onProgress?: (line: string) => void): Promise<ClusterConnection> {
  let launcher: ClusterLauncher | null = null;
  let seeds: { host: string; port: number }[];
  let started = false;
  if (config.redis.mode === 'embedded') {
    launcher = new ClusterLauncher(launcherOptionsFrom(config, log.child('cluster'), onProgress));
    const up = await launcher.up();
    seeds = up.seeds;
    started = !up.reused;
  } else {
    seeds = config.redis.seeds.map(parseSeed);
    log.info(`connecting to the external cluster at ${config.redis.seeds.join(', ')}`);
  }
  const addresses = seeds.map((s) => `${s.host}:${s.port}`);
  const open = (name: string) => createClusterClient({ seeds, scaleReads: config.redis.scaleReads, natMap: config.redis.natMap, password: config.redis.password, commandTimeoutMs: config.redis.commandTimeoutMs, log: log.child(name) });
  const client = open('redis');
  const unwaited = open('redis-unwaited');
  const pool = new NodePool(config.redis.natMap, config.redis.password);
  // Both clients learn the slots at once: the second adds no time to a start.
  const ready = await Promise.allSettled([waitReady(client, 30_000), waitReady(unwaited, 30_000)]);
  const failed = ready.find((r) => r.status === 'rejected');
  if (failed) {
    client.disconnect();
    unwaited.disconnect();
    pool.close();
    throw new AppError('cluster_unavailable', `Cannot reach the Redis Cluster at ${addresses.join(', ')}: ${(failed.reason as Error).message}`);
  }
  registerScripts(client);
  registerScripts(unwaited);
  const supervisor = launcher && config.redis.fastFailover ? new NodeSupervisor({ launcher, pool, log: log.child('supervisor') }) : null;
  supervisor?.start();
  return {
    client,
    unwaited,
    pool,
    service: new ClusterService(pool, addresses, config.redis.mode, () => supervisor?.nodeNotes() ?? new Map()),
    launcher,
    supervisor,
    seeds: addresses,
    started,
    close: async () => {
      await supervisor?.stop();
      await Promise.all([client.quit().catch(() => client.disconnect()), unwaited.quit().catch(() => unwaited.disconnect())]);
      pool.close();
    },
  };
}
