/**
 * Group commit in one turn of the event loop: everything added before the batch runs (at the
 * next setImmediate) is handed to `run` together, and every adder waits for that one run. Under
 * load, many callers finish their own Redis step in the same turn (their replies arrive in one
 * socket read), so one command can stand for all of them.
 */
import { currentTraceScope, runInTraceScopes, type TraceScope } from './rpc/redis-trace';

export class TickBatch<T, R = void> {
  private items: T[] = [];
  private scopes: TraceScope[] = [];
  private pending: Promise<R> | null = null;

  constructor(private readonly run: (items: T[]) => Promise<R>) {}

  add(item: T): Promise<R> {
    this.items.push(item);
    this.scopes.push(currentTraceScope());
    this.pending ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      // Taken now: later adders start the next batch.
      const items = this.items;
      const scopes = this.scopes;
      this.items = [];
      this.scopes = [];
      this.pending = null;
      // The shared commands show in the "what happened in Redis" trace of every adder.
      return runInTraceScopes(scopes, () => this.run(items));
    });
    return this.pending;
  }
}
