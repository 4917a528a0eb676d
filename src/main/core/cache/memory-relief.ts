/**
 * R2 under pressure: Redis answers OOM when used_memory is past maxmemory and volatile-lru finds
 * nothing to evict, which happens when most like keys carry changes not yet written back (they
 * have no TTL until then, on purpose). The way out is the write-back: written back and settled,
 * those keys get their TTL and become evictable. So a write refused for memory asks the sync
 * engine to flush and settle now (relieve), then runs again, a bounded number of times.
 */
import { AppError } from '../errors';

/** Redis refused the command (or a MULTI holding it) because of maxmemory. */
export function isOutOfMemory(err: unknown): boolean {
  const e = err as { message?: string; previousErrors?: { message?: string }[] } | null;
  if (!e || typeof e.message !== 'string') return false;
  if (/^OOM\b/.test(e.message) || /\bOOM command not allowed\b/.test(e.message)) return true;
  return /^EXECABORT\b/.test(e.message) && (e.previousErrors ?? []).some((p) => /\bOOM\b/.test(p.message ?? ''));
}

/** Attempts in all for one step refused for memory (each after a relief). */
export const MEMORY_ATTEMPTS = 4;

/**
 * Runs `step`; when Redis refuses it for memory, relieves and runs it again. Only for steps that
 * have no effect when refused: a script refused for OOM fails at its first write (Redis 7), a
 * MULTI with a refused command is discarded whole.
 */
export async function withMemoryRelief<T>(what: string, step: () => Promise<T>, relieve: (() => Promise<void>) | undefined): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!isOutOfMemory(err) || !relieve) throw err;
      if (attempt >= MEMORY_ATTEMPTS) throw new AppError('cluster_unavailable', `Redis has no memory left for ${what} (maxmemory reached, nothing evictable even after writing likes back); try again in a moment.`, { cause: err });
      await relieve();
    }
  }
}

/**
 * A cache fill (a profile, a count, a list read from the store) that Redis refuses for memory is
 * skipped: the read still answers from the store, uncached, rather than failing.
 */
export async function fillUnlessFull(fill: Promise<unknown>): Promise<void> {
  try {
    await fill;
  } catch (err) {
    if (!isOutOfMemory(err)) throw err;
  }
}
