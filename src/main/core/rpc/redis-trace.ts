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
import { scriptNameBySha } from '../lua/scripts';

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
  redkCollector?: Collector;
}

const store = new AsyncLocalStorage<Collector>();
const KEYLESS = new Set(['wait', 'cluster', 'info', 'scan', 'ping', 'multi', 'exec', 'discard', 'flushall', 'flushdb', 'config', 'role', 'readonly', 'readwrite', 'asking', 'select', 'client', 'command', 'dbsize', 'shutdown', 'script', 'time', 'echo', 'auth', 'hello', 'quit']);

/** The command's first key and a readable name (a Lua script by its file, not its SHA). */
export function describeCommand(command: string, args: string[]): { name: string; key: string | null } {
  const name = command.toLowerCase();
  if (name === 'evalsha' || name === 'eval' || name === 'fcall') {
    const script = name === 'evalsha' ? scriptNameBySha(args[0] ?? '') : null;
    const key = Number(args[1]) > 0 ? (args[2] ?? null) : null;
    return { name: script ? `EVALSHA ${script}` : name.toUpperCase(), key };
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
      const collector = store.getStore();
      if (!collector) return;
      ctx.redkStart = performance.now();
      ctx.redkCollector = collector;
    },
    end() {},
    asyncStart() {},
    asyncEnd(ctx) {
      const collector = ctx.redkCollector;
      if (!collector || ctx.redkStart === undefined) return;
      if (collector.entries.length >= MAX_TRACE_ENTRIES) {
        collector.truncated++;
        return;
      }
      const { name, key } = describeCommand(ctx.command, ctx.args ?? []);
      const entry: RedisTraceEntry = {
        command: name,
        key,
        slot: key === null ? null : calculateSlot(key),
        node: `${ctx.serverAddress}:${ctx.serverPort ?? ''}`,
        ms: Math.round((performance.now() - ctx.redkStart) * 100) / 100,
      };
      if (ctx.error) entry.error = ctx.error instanceof Error ? ctx.error.message : String(ctx.error);
      collector.entries.push(entry);
    },
    error() {},
  });
}

/** Runs `fn` and returns its outcome with the Redis commands it caused. Never changes the outcome. */
export async function traceRedis<T>(method: string, fn: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; trace: CallTrace }> {
  subscribeOnce();
  const collector: Collector = { entries: [], truncated: 0 };
  const began = performance.now();
  const outcome = await store.run(collector, () =>
    fn().then(
      (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
    ),
  );
  const trace: CallTrace = { method, ms: Math.round((performance.now() - began) * 100) / 100, redis: collector.entries, truncated: collector.truncated };
  return { outcome, trace };
}
