/**
 * "What happened in Redis" for one RPC call: ioredis publishes every command it writes to a node
 * on the diagnostics channel `ioredis:command`; an AsyncLocalStorage context opened around the
 * handler attributes those commands to the call that caused them (timers and the topology
 * monitor run outside any call and are not recorded).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import calculateSlot from 'cluster-key-slot';
import type { CallTrace, RedisTraceEntry } from '../../../shared/errors';
import { scriptNameBySha, scriptNameBySource } from '../lua/scripts';

export const MAX_TRACE_ENTRIES = 100;

interface Collector {
  entries: RedisTraceEntry[];
  truncated: number;
}

interface CommandContext {
  command: string;
  args: string[];
  serverAddress: string;
  serverPort: number | undefined;
  error?: unknown;
  redkStart?: number;
  redkCollectors?: TraceScope;
}

/** The calls whose traces a command sent here belongs to: one, or several for shared work. */
export type TraceScope = readonly Collector[];

const store = new AsyncLocalStorage<TraceScope>();
const KEYLESS = new Set(['wait', 'cluster', 'info', 'scan', 'ping', 'multi', 'exec', 'discard', 'flushall', 'flushdb', 'config', 'role', 'readonly', 'readwrite', 'asking', 'select', 'client', 'command', 'dbsize', 'shutdown', 'script', 'time', 'echo', 'auth', 'hello', 'quit']);

/** The command's first key and a readable name (a Lua script by its file, not its SHA). */
export function describeCommand(command: string, args: string[]): { name: string; key: string | null } {
  const name = command.toLowerCase();
  if (name === 'evalsha' || name === 'eval' || name === 'fcall') {
    const script = name === 'evalsha' ? scriptNameBySha(args[0] ?? '') : name === 'eval' ? scriptNameBySource(args[0] ?? '') : null;
    const key = Number(args[1]) > 0 ? (args[2] ?? null) : null;
    return { name: script ? `${name.toUpperCase()} ${script}` : name.toUpperCase(), key };
  }
  if (KEYLESS.has(name)) return { name: name.toUpperCase(), key: null };
  const key = args[0];
  return { name: name.toUpperCase(), key: key === undefined || key === '?' ? null : key };
}

let subscribed = false;

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  tracingChannel<unknown, CommandContext>('ioredis:command').subscribe({
    start(ctx) {
      const collectors = store.getStore();
      if (!collectors || collectors.length === 0) return;
      ctx.redkStart = performance.now();
      ctx.redkCollectors = collectors;
    },
    end() {},
    asyncStart() {},
    asyncEnd(ctx) {
      const collectors = ctx.redkCollectors;
      if (!collectors || ctx.redkStart === undefined) return;
      const open = collectors.filter((c) => {
        if (c.entries.length < MAX_TRACE_ENTRIES) return true;
        c.truncated++;
        return false;
      });
      if (open.length === 0) return;
      const { name, key } = describeCommand(ctx.command, ctx.args ?? []);
      const entry: RedisTraceEntry = {
        command: name,
        key,
        slot: key === null ? null : calculateSlot(key),
        node: `${ctx.serverAddress}:${ctx.serverPort ?? ''}`,
        ms: Math.round((performance.now() - ctx.redkStart) * 100) / 100,
      };
      if (ctx.error) entry.error = ctx.error instanceof Error ? ctx.error.message : String(ctx.error);
      for (const c of open) c.entries.push(entry);
    },
    error() {},
  });
}

/** Runs `fn` and returns its outcome with the Redis commands it caused. Never changes the outcome. */
export async function traceRedis<T>(method: string, fn: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; trace: CallTrace }> {
  subscribeOnce();
  const collector: Collector = { entries: [], truncated: 0 };
  const began = performance.now();
  const outcome = await store.run([collector], () =>
    fn().then(
      (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
    ),
  );
  const trace: CallTrace = { method, ms: Math.round((performance.now() - began) * 100) / 100, redis: collector.entries, truncated: collector.truncated };
  return { outcome, trace };
}

/** The traces open where this is called: work done later on the caller's behalf keeps it. */
export function currentTraceScope(): TraceScope {
  return store.getStore() ?? [];
}

/**
 * Runs `fn` so that the Redis commands it sends show in the trace of every call in `scopes`: a
 * command sent once for several callers (group commit) belongs to each of them, not only to the
 * first one, whose context the batch would otherwise inherit.
 */
export function runInTraceScopes<T>(scopes: readonly TraceScope[], fn: () => T): T {
  const collectors = [...new Set(scopes.flat())];
  return collectors.length === 0 ? store.exit(fn) : store.run(collectors, fn);
}
