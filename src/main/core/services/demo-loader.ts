/**
 * First run (issue 14, item 4): the running engine loads a demo network into its own stores, with
 * the same code as `npm run seed` (seed/demo-data.ts), reporting progress as `demo.progress`
 * events. Only into an empty network (no user yet), or again after a load of the same size
 * failed in this engine (the seeder skips what exists); one load at a time; an engine that stops
 * ends a load between two batches.
 */
import type { DemoLoad } from '../../../shared/types';
import { AppError } from '../errors';
import type { EventBus } from '../events';
import type { Clock } from '../ids';
import type { Logger } from '../log';
import { DEMO_PASSWORD, demoAccounts, seedDemoData, seedSize, type SeedStores } from '../seed/demo-data';

const PHASES = ['users', 'follows', 'posts', 'likes', 'comments', 'messages'];

export interface DemoLoaderDeps {
  stores: SeedStores;
  events: EventBus;
  clock: Clock;
  log: Logger;
  scryptCost: number;
  /** Drops what the caches derived from the empty store (counters, rankings), so they are read again. */
  afterLoad: () => Promise<void>;
}

export class DemoLoader {
  private job: DemoLoad | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly deps: DemoLoaderDeps) {}

  /** The running load, else the last one; null when there has been none in this engine. */
  status(): DemoLoad | null {
    return this.job ? { ...this.job } : null;
  }

  /** A start between its checks and its first batch: a second start meanwhile is refused too. */
  private starting = false;

  async start(users: number): Promise<DemoLoad> {
    if (this.running || this.starting) throw new AppError('conflict', `A demo network of ${this.job?.users ?? users} users is being loaded already (${this.job?.percent ?? 0}% done).`);
    this.starting = true;
    let existing: number;
    try {
      existing = await this.deps.stores.documents.countUsers();
    } finally {
      this.starting = false;
    }
    // The seeder skips what exists: a load that failed in this engine may run again and fill in the rest.
    const resuming = this.job?.state === 'failed' && this.job.users === users;
    if (existing > 0 && !resuming) {
      throw new AppError('conflict', `The network has ${existing} user(s) already: a demo network loads only into an empty one (or run "npm run seed" on a stopped app's data folder).`);
    }
    const job: DemoLoad = { state: 'running', users, phase: 'users', done: 0, total: users, percent: 0, startedAt: this.deps.clock(), endedAt: null, error: null, accounts: [], password: DEMO_PASSWORD };
    this.job = job;
    this.running = this.run(job).finally(() => (this.running = null));
    return { ...job };
  }

  private async run(job: DemoLoad): Promise<void> {
    const emit = () => this.deps.events.emit('demo.progress', { ...job });
    emit();
    try {
      await seedDemoData(
        this.deps.stores,
        seedSize(job.users),
        ({ phase, done, total }) => {
          const index = Math.max(0, PHASES.indexOf(phase));
          Object.assign(job, { phase, done, total, percent: Math.min(99, Math.floor(((index + (total > 0 ? done / total : 1)) / PHASES.length) * 100)) });
          emit();
        },
        42,
        { scryptCost: this.deps.scryptCost, now: this.deps.clock(), signal: this.abort.signal },
      );
      await this.deps.afterLoad();
      Object.assign(job, { state: 'done', percent: 100, endedAt: this.deps.clock(), accounts: demoAccounts(job.users) });
      this.deps.log.info(`demo network of ${job.users} users loaded in ${((job.endedAt! - job.startedAt) / 1000).toFixed(1)} s`);
    } catch (err) {
      const message = this.abort.signal.aborted ? 'the engine stopped before the load finished' : err instanceof Error ? err.message : String(err);
      Object.assign(job, { state: 'failed', endedAt: this.deps.clock(), error: message });
      this.deps.log.warn(`loading a demo network of ${job.users} users failed: ${message}`);
    }
    emit();
  }

  /** Ends a load in progress (between two batches) and waits for it. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }
}
