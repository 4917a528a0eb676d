/**
 * Operator tools over every node (issue 13, items 4-5): keys per slot for the heat map, one slot
 * up close, SLOWLOG merged across nodes, memory per key family from sampled MEMORY USAGE, and a
 * console that runs one command on a chosen node, on all masters or on all nodes (read-only
 * commands at once; anything that writes, or is marked dangerous, only with confirm).
 */
import type { Redis } from 'ioredis';
import type { ConsoleResult, ConsoleTarget, MemoryReport, NodeRole, SlotInfo, SlotStats, SlowlogEntry, Topology } from '../../../shared/types';
import { AppError } from '../errors';
import { checkCluster, slotsIn, SLOTS, type Connect } from './resharding';

/** The key families of K1-K5, by what their names start with or hold. */
export function familyOf(key: string): string {
  if (/^\{user:[^}]*\}:feed:/.test(key) || /^\{user:[^}]*\}:recent$/.test(key) || key === 'feeds:large' || /:feeds:generation$/.test(key)) return 'feeds';
  if (/^\{post:[^}]*\}:likes:/.test(key)) return 'likes';
  if (/^\{post:[^}]*\}:comments/.test(key)) return 'comments';
  if (/^\{trending[^}]*\}/.test(key)) return 'trending';
  if (/^\{conv:[^}]*\}/.test(key)) return 'dms';
  if (/^\{user:[^}]*\}:suggestions/.test(key)) return 'suggestions';
  if (/^\{user:[^}]*\}:(profile|conversations)/.test(key)) return 'profiles';
  if (/^\{stats[^}]*\}/.test(key)) return 'stats';
  if (/:ops$/.test(key)) return 'ops log';
  return 'other';
}

/** The hash tag of a key, or its name up to the first ':' when it has none. */
export function tagOf(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key.split(':')[0] ?? key;
}

const mastersOf = (t: Topology) => t.nodes.filter((n) => n.role === 'master' && n.slots.length > 0 && n.health === 'ok');

export async function slotStats(connect: Connect, topology: Topology, seeds: string[]): Promise<SlotStats> {
  const began = Date.now();
  const keys = new Array<number>(SLOTS).fill(-1);
  let complete = true;
  const owners: SlotStats['owners'] = [];
  await Promise.all(
    mastersOf(topology).map(async (m) => {
      const slots = slotsIn(m.slots);
      for (const r of m.slots) owners.push({ start: r.start, end: r.end, node: m.address });
      try {
        const node = await connect(m.address);
        const replies = (await node.pipeline(slots.map((s) => ['cluster', 'countkeysinslot', String(s)])).exec()) ?? [];
        replies.forEach(([err, n], i) => {
          if (!err) keys[slots[i]!] = Number(n);
          else complete = false;
        });
      } catch {
        complete = false;
      }
    }),
  );
  if (keys.some((k) => k < 0)) complete = false;
  const open = (await checkCluster(connect, seeds).catch(() => null))?.openSlots ?? [];
  owners.sort((a, b) => a.start - b.start);
  return { at: Date.now(), tookMs: Date.now() - began, complete, keys, owners, open, totalKeys: keys.reduce((n, k) => n + Math.max(0, k), 0) };
}

export async function slotInfo(connect: Connect, topology: Topology, slot: number): Promise<SlotInfo> {
  const owner = topology.nodes.find((n) => n.role === 'master' && n.slots.some((r) => r.start <= slot && slot <= r.end)) ?? null;
  if (!owner) return { slot, owner: null, replicas: [], keys: 0, tags: [], sample: [] };
  const node = await connect(owner.address);
  const [count, sample] = await Promise.all([node.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)), node.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '50') as Promise<string[]>]);
  const tags = new Map<string, number>();
  for (const key of sample) tags.set(tagOf(key), (tags.get(tagOf(key)) ?? 0) + 1);
  return {
    slot,
    owner: owner.address,
    replicas: topology.nodes.filter((n) => n.masterId === owner.id).map((n) => n.address),
    keys: Number(count),
    tags: [...tags].map(([tag, keys]) => ({ tag, keys })).sort((a, b) => b.keys - a.keys || a.tag.localeCompare(b.tag)),
    sample: sample.slice(0, 20),
  };
}

const reachable = (t: Topology) => t.nodes.filter((n) => n.health === 'ok' || n.health === 'pfail');

/** SLOWLOG GET from every node, newest first, each entry labelled by its node. */
export async function slowlog(connect: Connect, topology: Topology, perNode = 64): Promise<{ entries: SlowlogEntry[]; unreachable: string[] }> {
  const unreachable: string[] = [];
  const lists = await Promise.all(
    reachable(topology).map(async (n) => {
      try {
        const raw = (await (await connect(n.address)).call('SLOWLOG', 'GET', String(perNode))) as unknown[][];
        return raw.map((e): SlowlogEntry => ({
          node: n.address,
          role: n.role,
          id: Number(e[0]),
          at: Number(e[1]) * 1000,
          durationUs: Number(e[2]),
          command: (e[3] as unknown[]).map((a) => String(a)).slice(0, 16).map((a) => (a.length > 200 ? `${a.slice(0, 200)}…` : a)),
          client: String(e[4] ?? ''),
        }));
      } catch {
        unreachable.push(n.address);
        return [];
      }
    }),
  );
  return { entries: lists.flat().sort((a, b) => b.at - a.at || b.durationUs - a.durationUs), unreachable };
}

/** Samples up to `perMaster` keys of each master (SCAN), MEMORY USAGE each, and scales each family up by the master's key count. */
export async function memoryReport(connect: Connect, topology: Topology, perMaster = 2000): Promise<MemoryReport> {
  const families = new Map<string, { sampledKeys: number; sampledBytes: number; estimatedKeys: number; estimatedBytes: number }>();
  const biggest: MemoryReport['biggest'] = [];
  const masters: MemoryReport['masters'] = [];
  for (const m of mastersOf(topology)) {
    const node = await connect(m.address);
    const [dbsize, info] = await Promise.all([node.dbsize(), node.info('memory')]);
    const sample: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'COUNT', 500);
      cursor = next;
      sample.push(...found);
    } while (cursor !== '0' && sample.length < perMaster);
    const keys = sample.slice(0, perMaster);
    const sizes = (await node.pipeline(keys.map((k) => ['memory', 'usage', k, 'SAMPLES', '5'])).exec()) ?? [];
    const scale = keys.length > 0 ? dbsize / keys.length : 0;
    keys.forEach((key, i) => {
      const [err, bytes] = sizes[i] ?? [new Error('no reply'), null];
      if (err || bytes === null) return;
      const family = familyOf(key);
      const f = families.get(family) ?? { sampledKeys: 0, sampledBytes: 0, estimatedKeys: 0, estimatedBytes: 0 };
      f.sampledKeys++;
      f.sampledBytes += Number(bytes);
      f.estimatedKeys += scale;
      f.estimatedBytes += Number(bytes) * scale;
      families.set(family, f);
      biggest.push({ key, node: m.address, bytes: Number(bytes), family });
    });
    masters.push({ node: m.address, usedMemory: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0), keys: dbsize, sampled: keys.length });
  }
  biggest.sort((a, b) => b.bytes - a.bytes);
  return {
    at: Date.now(),
    sampledKeys: masters.reduce((n, m) => n + m.sampled, 0),
    totalKeys: masters.reduce((n, m) => n + m.keys, 0),
    families: [...families].map(([family, f]) => ({ family, ...f, estimatedKeys: Math.round(f.estimatedKeys), estimatedBytes: Math.round(f.estimatedBytes) })).sort((a, b) => b.estimatedBytes - a.estimatedBytes),
    biggest: biggest.slice(0, 20),
    masters,
  };
}

/** Commands that take over or block a connection, or stop a node: not for a one-shot console. */
const REFUSED = new Set(['monitor', 'subscribe', 'psubscribe', 'ssubscribe', 'sync', 'psync', 'shutdown', 'quit', 'reset', 'blpop', 'brpop', 'blmove', 'brpoplpush', 'blmpop', 'bzpopmin', 'bzpopmax', 'bzmpop', 'xread', 'xreadgroup', 'wait', 'failover', 'debug', 'multi', 'exec', 'discard', 'watch', 'hello', 'auth', 'select']);
const MAX_REPLY_CHARS = 64 * 1024;

/** Admin subcommands that only read (Redis flags them admin, like the ones that change the node). */
const READING_ADMIN = new Set([
  'config|get', 'cluster|info', 'cluster|nodes', 'cluster|slots', 'cluster|shards', 'cluster|myid', 'cluster|keyslot', 'cluster|countkeysinslot',
  'cluster|getkeysinslot', 'cluster|links', 'cluster|count-failure-reports', 'slowlog|get', 'slowlog|len', 'latency|latest', 'latency|history',
  'latency|doctor', 'latency|graph', 'latency|histogram', 'client|list', 'client|info', 'memory|stats', 'memory|doctor', 'memory|malloc-stats',
  'acl|list', 'acl|users', 'acl|whoami', 'acl|cat', 'acl|log', 'command|count', 'command|info', 'command|docs', 'command|list', 'command|getkeys',
]);

/**
 * Whether a command only reads, from COMMAND INFO (a subcommand by its own entry): not flagged
 * write, not admin unless it is one of the admin reads above, and not KEYS (read-only, but it
 * blocks a node for as long as it walks every key).
 */
export async function isReadOnly(node: Redis, args: string[]): Promise<boolean> {
  const name = args[0]!.toLowerCase();
  const info = (await node.call('COMMAND', 'INFO', name)) as unknown[][];
  const entry = info[0];
  if (!Array.isArray(entry)) throw new AppError('invalid_input', `Redis knows no command "${args[0]}".`);
  let flags = (entry[2] as string[]).map(String);
  let full = name;
  const subcommands = (entry[9] as unknown[][] | undefined) ?? [];
  if (subcommands.length > 0) {
    const sub = args[1] ? subcommands.find((s) => String(s[0]).toLowerCase() === `${name}|${args[1]!.toLowerCase()}`) : undefined;
    if (!sub) throw new AppError('invalid_input', `"${args[0]}" needs a subcommand (${subcommands.map((s) => String(s[0]).split('|')[1]).slice(0, 12).join(', ')}, …).`);
    flags = (sub[2] as string[]).map(String);
    full = String(sub[0]).toLowerCase();
  }
  if (flags.includes('write') || name === 'keys') return false;
  return !flags.includes('admin') || READING_ADMIN.has(full);
}

function bounded(reply: unknown): { reply: unknown; truncated: boolean } {
  const plain = (v: unknown): unknown => (Buffer.isBuffer(v) ? v.toString('utf8') : Array.isArray(v) ? v.map(plain) : v);
  const value = plain(reply);
  const text = JSON.stringify(value) ?? 'null';
  if (text.length <= MAX_REPLY_CHARS) return { reply: value, truncated: false };
  return { reply: `${text.slice(0, MAX_REPLY_CHARS)}…`, truncated: true };
}

export async function runConsole(connect: Connect, topology: Topology, target: ConsoleTarget, args: string[], confirm: boolean): Promise<ConsoleResult> {
  const name = args[0]?.toLowerCase() ?? '';
  if (REFUSED.has(name)) throw new AppError('invalid_input', `${args[0]} takes over or blocks the connection (or stops the node); the console does not run it.`);
  const nodes = target === 'masters'
    ? topology.nodes.filter((n) => n.role === 'master' && n.health !== 'fail')
    : target === 'all'
      ? topology.nodes.filter((n) => n.health !== 'fail')
      : topology.nodes.filter((n) => n.address === target.node || String(n.port) === target.node);
  if (nodes.length === 0) throw new AppError('invalid_input', typeof target === 'object' ? `${target.node} is not a node of this cluster (nodes: ${topology.nodes.map((n) => n.address).join(', ')}).` : 'No node answers.');
  const readOnly = await isReadOnly(await connect(nodes[0]!.address), args);
  if (!readOnly && !confirm) {
    throw new AppError('confirmation_required', `${args.slice(0, 2).join(' ')} can change data or the node: confirm to run it on ${nodes.length === 1 ? nodes[0]!.address : `${nodes.length} nodes`}.`);
  }
  const results = await Promise.all(
    nodes.map(async (n) => {
      const began = Date.now();
      try {
        const node = await connect(n.address);
        // A replica answers reads only when asked to (READONLY is per connection and harmless).
        if (n.role === 'replica' && readOnly) await node.call('READONLY');
        const { reply, truncated } = bounded(await node.call(args[0]!, ...args.slice(1)));
        return { node: n.address, role: n.role as NodeRole, ok: true, reply, ms: Date.now() - began, ...(truncated ? { truncated } : {}) };
      } catch (err) {
        return { node: n.address, role: n.role as NodeRole, ok: false, error: (err as Error).message, ms: Date.now() - began };
      }
    }),
  );
  return { command: args, readOnly, results: results.sort((a, b) => a.node.localeCompare(b.node, undefined, { numeric: true })) };
}
