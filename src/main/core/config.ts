/**
 * The one config loader: defaults < `<dataDir>/config.json` (or REDK_CONFIG) < environment <
 * explicit overrides (CLI flags). The result is validated; a bad value names its source.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from './errors';
import { embeddedSecret } from './cluster/secret';

const hostPort = z.string().regex(/^[A-Za-z0-9_.-]+:\d{1,5}$/, 'host:port');

export const configSchema = z.strictObject({
  dataDir: z.string().min(1),
  redis: z.strictObject({
    /** embedded: the app runs its own 6 redis-server processes; external: connect to seeds. */
    mode: z.enum(['embedded', 'external']).default('embedded'),
    host: z.string().default('127.0.0.1'),
    /** Masters on base..base+2, replicas on base+3..base+5, cluster bus on port+10000. */
    portBase: z.number().int().min(1024).max(55525).default(7000),
    /** The seed uses 15000 (≈18 s failovers); 5000 keeps local drills short. */
    nodeTimeoutMs: z.number().int().min(500).max(120_000).default(5000),
    maxmemory: z.string().regex(/^\d+(kb|mb|gb)?$/i, 'like 256mb').default('256mb'),
    /** R2: volatile-lru evicts only keys with a TTL (caches), never the like counters. */
    maxmemoryPolicy: z
      .enum(['volatile-lru', 'allkeys-lru', 'volatile-lfu', 'allkeys-lfu', 'noeviction'])
      .default('volatile-lru'),
    serverPath: z.string().default('redis-server'),
    /** Leave the embedded cluster running when the app quits (it is reused next start). */
    keepRunning: z.boolean().default(false),
    /**
     * Embedded cluster only: when one of our master processes exits, promote its replica at once
     * (CLUSTER FAILOVER FORCE, still elected by the masters) instead of waiting for the gossip
     * timeout. Off = Redis detects the failure itself (1-1.5x nodeTimeoutMs plus the election).
     */
    fastFailover: z.boolean().default(true),
    /**
     * How long one command may wait for its reply before it fails with cluster_unavailable. A
     * frozen or partitioned master otherwise holds every request on its slots until Redis fails
     * it over (a node timeout and more). A command that timed out may still have run: every
     * write that is not naturally idempotent carries an operation id (exactly-once effects).
     */
    commandTimeoutMs: z.number().int().min(100).max(60_000).default(1500),
    /**
     * The least time between the end of one failover drill or manual failover and the start of
     * the next: the cluster's views settle, the old master catches up as a replica, and Redis's
     * masters vote again (they refuse a second vote for one shard within 2x the node timeout).
     * 0 turns it off (tests that drill again and again).
     */
    failoverCooldownMs: z.number().int().min(0).max(3_600_000).default(15_000),
    seeds: z.array(hostPort).default([]),
    /** External clusters behind NAT (Docker): announced address -> reachable address. */
    natMap: z.record(z.string(), z.strictObject({ host: z.string(), port: z.number().int() })).optional(),
    password: z.string().optional(),
    /** L3: where reads go. master = always fresh; slave/all = spread reads to replicas. */
    scaleReads: z.enum(['master', 'slave', 'all']).default('master'),
  }).prefault({}),
  http: z.strictObject({
    port: z.number().int().min(0).max(65535).default(7390),
    token: z.string().min(8, 'at least 8 characters').optional(),
  }).prefault({}),
  stores: z.strictObject({
    /** Folder of the embedded store (PGlite); default <dataDir>/store. */
    embeddedDir: z.string().optional(),
    /**
     * Postgres shared_buffers of the embedded store, in MB. The operating system caches the files
     * as well, so 32 reads a 100k-user store as fast as Postgres's own 128 and keeps ~100 MB out
     * of the app's memory; 16 made cold feeds twice as slow (bench/README.md).
     */
    sharedBuffersMb: z.number().int().min(1).max(4096).default(32),
    mongoUrl: z.string().regex(/^mongodb(\+srv)?:\/\//, 'a mongodb:// URL').optional(),
    neo4jUrl: z.string().regex(/^(neo4j|bolt)(\+s|\+ssc)?:\/\//, 'a neo4j:// or bolt:// URL').optional(),
    neo4jUser: z.string().optional(),
    neo4jPassword: z.string().optional(),
  }).prefault({}),
  sync: z.strictObject({
    intervalMs: z.number().int().min(1000).default(300_000),
    /**
     * R2: how long a post's like counter and like set stay in Redis once written back to the store
     * (renewed when read), so volatile-lru may evict them and the next read rebuilds them from the
     * store. Keys with changes not yet written back have no TTL and are never evicted.
     */
    likesTtlSeconds: z.number().int().min(10).max(30 * 86_400).default(86_400),
  }).prefault({}),
  feeds: z.strictObject({
    /**
     * F1: an account with at least this many followers is not fanned out on write: its posts go
     * to a capped list on its own slot, merged into its followers' cached feeds when they are read.
     */
    fanoutThreshold: z.number().int().min(1).default(1000),
  }).prefault({}),
  accounts: z.strictObject({
    /**
     * A1: log2 of scrypt's N for new password hashes (r = 8, p = 1): 16 is 64 MiB and ~250 ms a
     * hash on a 2-core machine. Stored hashes keep their own cost, so changing it locks nobody out.
     */
    scryptCost: z.number().int().min(10).max(20).default(16),
    /** A1: a session ends this long after its last use (sliding; kept in Redis, so a wiped cache ends it sooner). */
    sessionTtlSeconds: z.number().int().min(60).max(365 * 86_400).default(30 * 86_400),
  }).prefault({}),
  /**
   * Run the engine's process with V8's --optimize-for-size (see core/v8-heap.ts): under load the
   * default heap growth let short-lived garbage pile up to ~1 GB; with it the heap stays < 100 MB.
   */
  smallHeap: z.boolean().default(true),
});

export type Config = z.output<typeof configSchema>;
type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ConfigOverrides = DeepPartial<z.input<typeof configSchema>>;

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'redk-desktop');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'redk-desktop');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'redk-desktop');
}

function intFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new AppError('invalid_input', `${name}=${raw} is not a whole number.`);
  return value;
}

function jsonFrom(env: NodeJS.ProcessEnv, name: string): unknown {
  const raw = env[name];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError('invalid_input', `${name} is not valid JSON.`);
  }
}

/** An on/off environment variable: unset or empty = not set; "1" or "true" = on; anything else = off. */
function flagFrom(value: string | undefined): boolean | undefined {
  return value === undefined || value === '' ? undefined : value === '1' || value === 'true';
}

/** Only the keys that are set, so that merging never overwrites a file value with undefined. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function configFromEnv(env: NodeJS.ProcessEnv): ConfigOverrides {
  const seeds = env.REDK_REDIS_SEEDS?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    ...defined({ dataDir: env.REDK_DATA_DIR || undefined, smallHeap: flagFrom(env.REDK_SMALL_HEAP) }),
    redis: defined({
      mode: seeds && seeds.length > 0 ? ('external' as const) : undefined,
      seeds,
      portBase: intFrom(env, 'REDK_REDIS_PORT_BASE'),
      nodeTimeoutMs: intFrom(env, 'REDK_REDIS_NODE_TIMEOUT'),
      serverPath: env.REDK_REDIS_SERVER || undefined,
      maxmemory: env.REDK_REDIS_MAXMEMORY || undefined,
      maxmemoryPolicy: (env.REDK_REDIS_POLICY || undefined) as Config['redis']['maxmemoryPolicy'] | undefined,
      scaleReads: (env.REDK_REDIS_SCALE_READS || undefined) as Config['redis']['scaleReads'] | undefined,
      natMap: jsonFrom(env, 'REDK_REDIS_NAT_MAP') as Config['redis']['natMap'],
      password: env.REDK_REDIS_PASSWORD || undefined,
      keepRunning: flagFrom(env.REDK_KEEP_CLUSTER),
      fastFailover: flagFrom(env.REDK_REDIS_FAST_FAILOVER),
      commandTimeoutMs: intFrom(env, 'REDK_REDIS_COMMAND_TIMEOUT'),
      failoverCooldownMs: intFrom(env, 'REDK_FAILOVER_COOLDOWN_MS'),
    }),
    http: defined({ port: intFrom(env, 'REDK_HTTP_PORT'), token: env.REDK_TOKEN || undefined }),
    stores: defined({
      embeddedDir: env.REDK_STORE_DIR || undefined,
      sharedBuffersMb: intFrom(env, 'REDK_STORE_SHARED_BUFFERS_MB'),
      mongoUrl: env.REDK_MONGO_URL || undefined,
      neo4jUrl: env.REDK_NEO4J_URL || undefined,
      neo4jUser: env.REDK_NEO4J_USER || undefined,
      neo4jPassword: env.REDK_NEO4J_PASSWORD || undefined,
    }),
    sync: defined({ intervalMs: intFrom(env, 'REDK_SYNC_INTERVAL_MS'), likesTtlSeconds: intFrom(env, 'REDK_LIKES_TTL_SECONDS') }),
    feeds: defined({ fanoutThreshold: intFrom(env, 'REDK_FANOUT_THRESHOLD') }),
    accounts: defined({ scryptCost: intFrom(env, 'REDK_SCRYPT_COST'), sessionTtlSeconds: intFrom(env, 'REDK_SESSION_TTL_SECONDS') }),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mergeConfig(...layers: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!isPlainObject(layer)) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined || key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      const prev = out[key];
      out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeConfig(prev, value) : value;
    }
  }
  return out;
}

function readConfigFile(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new AppError('invalid_input', `Config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const fromEnv = configFromEnv(env);
  const dataDir = overrides.dataDir ?? fromEnv.dataDir ?? defaultDataDir(env);
  const filePath = env.REDK_CONFIG || join(dataDir, 'config.json');
  const fromFile = readConfigFile(filePath);
  const merged = mergeConfig({ dataDir }, fromFile, fromEnv, overrides, { dataDir });
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('invalid_input', `Configuration is invalid (defaults < ${filePath} < REDK_* env < flags): ${problems}`);
  }
  const config = parsed.data;
  if (config.redis.mode === 'external' && config.redis.seeds.length === 0) {
    throw new AppError('invalid_input', 'redis.mode is "external" but no seeds are set (REDK_REDIS_SEEDS=host:port,...).');
  }
  // The embedded nodes take only the data folder's secret (requirepass), unless one is configured.
  if (config.redis.mode === 'embedded' && config.redis.password === undefined) config.redis.password = embeddedSecret(config.dataDir);
  return config;
}
