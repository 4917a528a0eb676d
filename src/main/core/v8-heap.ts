/**
 * The engine's process allocates a great deal of short-lived memory under load (a promise chain,
 * a Redis command and its reply per step of every like), and V8's default heap growth, tuned for
 * throughput, lets that garbage pile up: measured on the 100k-user demo, the heap of a process
 * serving 5-7k likes/s grew to 0.5-1 GB although what was alive never passed 25 MB (heap
 * snapshots), so the app's memory depended on luck. `--optimize-for-size` makes V8 grow the heap
 * in small steps and collect sooner: the same load ends with a heap under 100 MB, for a few
 * percent of throughput (bench/README.md).
 *
 * The flag is set at run time because the engine runs in processes whose command line it does
 * not own (Electron's main process, `tsx`, test workers). V8 reads it on every heap-sizing
 * decision, so setting it before the load starts takes effect; Node documents that run-time
 * flags may have no effect, which is why the bench prints the heap it ended with.
 */
import { setFlagsFromString } from 'node:v8';

let applied = false;

/** Asks V8 to favour a small heap in this process; idempotent. */
export function preferSmallHeap(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--optimize-for-size');
}
