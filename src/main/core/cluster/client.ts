/**
 * The two kinds of connections the engine holds:
 * - one ioredis Cluster client for data (follows MOVED/ASK, refreshes its slot table, L3 reads);
 * - a NodePool of one plain connection per node address, for admin commands that must reach a
 *   given node (CLUSTER NODES, INFO, CLUSTER FAILOVER). These fail fast when a node is down
 *   instead of queueing, so the inspector can say which node is down.
 */
import { Cluster, Redis, type NatMap } from 'ioredis';
import type { Logger } from '../log';

export interface ClusterClientOptions {
  seeds: { host: string; port: number }[];
  scaleReads: 'master' | 'slave' | 'all';
  natMap?: Record<string, { host: string; port: number }>;
  password?: string;
  /** Per-command reply timeout (ioredis commandTimeout); none when unset. */
  commandTimeoutMs?: number;
  log: Logger;
}

const COALESCING = Symbol('redk.coalescing');

/**
 * Commands written to one node during the same tick leave in one socket write (writev) instead
 * of one system call each, as node-redis does. This is not a Redis pipeline: every command is
 * still its own request with its own reply, routed by its own slot and retried on its own MOVED
 * or ASK; only the bytes share a packet. It cut the CPU the engine spends in socket writes
 * (21% of the like benchmark's main thread went to one write per command).
 */
export function coalesceWrites(socket: Redis['stream']): void {
  const tagged = socket as unknown as Record<symbol, boolean>;
  if (tagged[COALESCING]) return;
  tagged[COALESCING] = true;
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: typeof socket, ...args: Parameters<typeof write>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as typeof write;
}

const MAX_REDIRECTIONS = 16;

export function createClusterClient(opts: ClusterClientOptions): Cluster {
  // A slot nobody serves answers CLUSTERDOWN, which ioredis retries up to MAX_REDIRECTIONS times,
  // this far apart: within the command timeout, so the caller hears "CLUSTERDOWN … slot" rather
  // than a bare timeout (16 × 300 ms outlasted the 1.5 s timeout).
  const clusterDownDelay = opts.commandTimeoutMs ? Math.max(10, Math.min(300, Math.floor(opts.commandTimeoutMs / (MAX_REDIRECTIONS * 2)))) : 300;
  const cluster = new Cluster(opts.seeds, {
    scaleReads: opts.scaleReads,
    natMap: opts.natMap as NatMap | undefined,
    redisOptions: { password: opts.password, connectTimeout: 2000, maxRetriesPerRequest: 2, commandTimeout: opts.commandTimeoutMs },
    clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: clusterDownDelay,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 2000,
    slotsRefreshInterval: 2000,
    maxRedirections: MAX_REDIRECTIONS,
    enableReadyCheck: true,
    // No auto-pipelining: after a failover or a slot move, an automatic batch holding keys of
    // several slots comes back with several different MOVED replies, which ioredis does not
    // retry (it retries a pipeline only when every error is the same), so users would see raw
    // MOVED errors. One command per call is followed correctly through MOVED and ASK.
    enableAutoPipelining: false,
  });
  let lastError = '';
  cluster.on('error', (err: Error) => {
    // ioredis emits an error per failed node/refresh; log each distinct message once in a row.
    if (err.message !== lastError) opts.log.warn(`cluster client: ${err.message}`);
    lastError = err.message;
  });
  cluster.on('+node', (node: Redis) => {
    opts.log.debug(`cluster client: +node ${node.options.host}:${node.options.port}`);
    // Each (re)connect makes a new socket.
    node.on('connect', () => coalesceWrites(node.stream));
    if (node.stream) coalesceWrites(node.stream);
  });
  cluster.on('-node', (node: Redis) => opts.log.debug(`cluster client: -node ${node.options.host}:${node.options.port}`));
  return cluster;
}

/** Waits for the cluster client to be ready, with a readable error if it never is. */
export async function waitReady(cluster: Cluster, timeoutMs: number): Promise<void> {
  if (cluster.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the cluster client was not ready after ${Math.round(timeoutMs / 1000)} s (status ${cluster.status})`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      cluster.off('ready', onReady);
    };
    cluster.on('ready', onReady);
    if (cluster.status === 'wait') cluster.connect().catch(() => undefined);
  });
}

export class NodePool {
  private readonly nodes = new Map<string, Redis>();

  constructor(
    private readonly natMap: Record<string, { host: string; port: number }> | undefined,
    private readonly password?: string,
  ) {}

  /** Connection to a node by the address the cluster announces (host:port). */
  get(address: string): Redis {
    let node = this.nodes.get(address);
    if (!node) {
      const mapped = this.natMap?.[address];
      const colon = address.lastIndexOf(':');
      node = new Redis({
        host: mapped?.host ?? address.slice(0, colon),
        port: mapped?.port ?? Number(address.slice(colon + 1)),
        password: this.password,
        connectTimeout: 1500,
        commandTimeout: 2000,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        // Keep trying in the background: a node that comes back is seen again without a restart.
        retryStrategy: () => 1000,
      });
      node.on('error', () => {
        /* a down node is reported by the command that needs it */
      });
      this.nodes.set(address, node);
    }
    return node;
  }

  /** Waits until the connection to `address` is usable or `timeoutMs` passes. */
  async ready(address: string, timeoutMs = 1500): Promise<Redis> {
    const node = this.get(address);
    if (node.status === 'ready') return node;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        node.off('ready', done);
        resolve();
      }
      node.on('ready', done);
    });
    return node;
  }

  close(): void {
    for (const node of this.nodes.values()) node.disconnect();
    this.nodes.clear();
  }
}
