import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../errors';
import type { PgliteOptions, SerializedError, WorkerData, WorkerMessage, WorkerRequest } from './pglite-worker';
import type { SqlDb, SqlError, SqlResult, SqlTx } from './sql-db';

type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;
type Request = WithoutId<WorkerRequest>;

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Starts pglite-worker in a worker thread. The file is found next to this module:
 * - built (out/main/): electron-vite bundles this module into index.js and the worker as its
 *   own entry, pglite-worker.js, in the same folder: started as is;
 * - from source (tsx for serve/seed/bench, vite-node under vitest): pglite-worker.ts. Neither
 *   tsx's nor vitest's hooks apply to a worker thread, and on Node 20 `execArgv: ['--import',
 *   'tsx']` does not make a .ts worker entry load either, so a two-line bootstrap registers tsx's
 *   ESM hooks in the worker (tsx/esm/api, a devDependency) and then imports the .ts file.
 */
function startWorker(workerData: WorkerData): Worker {
  // Packaged app: a worker thread cannot be started from inside app.asar; electron-builder.yml
  // unpacks the worker and PGlite next to it (app.asar.unpacked).
  const packed = join(here, 'pglite-worker.js');
  const unpacked = packed.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
  const built = unpacked !== packed && existsSync(unpacked) ? unpacked : packed;
  if (existsSync(built)) return new Worker(built, { workerData });
  const source = join(here, 'pglite-worker.ts');
  if (!existsSync(source)) throw new Error(`pglite-worker.js or pglite-worker.ts not found next to ${here}`);
  // The ESM build of tsx/esm/api: its CommonJS build registers the hooks from a wrong path.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)})
  .then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(source).href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

function toSqlError(e: SerializedError): SqlError {
  const err: SqlError = Object.assign(new Error(e.message), e.fields);
  err.name = e.name;
  return err;
}

interface Pending {
  resolve(value: SqlResult<unknown> | undefined): void;
  reject(err: Error): void;
}

/** One transaction in progress: calls through its tx object skip the lock while it is active. */
interface TxState {
  active: boolean;
}

/**
 * PGlite (Postgres in WebAssembly) in a worker thread: statements go there by message and rows
 * come back by structured clone. PGlite has a single connection, so transaction() is a lock on
 * this side: while one runs, every other statement waits for its COMMIT or ROLLBACK.
 * The worker keeps the process alive until close().
 */
export class PgliteWorkerDb implements SqlDb {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set when the worker died: every pending and later call rejects with it. */
  private failure: AppError | null = null;
  private closing: Promise<void> | null = null;
  /** Set when the close request is posted: statements called after it are refused. */
  private closeSent = false;
  /** Resolves when the running transaction ends; null when none runs. */
  private exclusive: Promise<void> | null = null;
  private readonly opened: Promise<void>;
  private settleOpen!: (err?: Error) => void;

  /** How many times the worker was started again after it died; tests and logs read it. */
  revived = 0;
  private reviving: Promise<void> | null = null;

  private constructor(
    private worker: Worker,
    readonly dataDir: string,
    private readonly options: PgliteOptions,
  ) {
    this.opened = new Promise<void>((resolve, reject) => {
      this.settleOpen = (err) => (err ? reject(err) : resolve());
    });
    this.attach(worker);
  }

  /** Listens to one worker; a worker that was replaced is not heard any more. */
  private attach(worker: Worker, onReady?: (err?: Error) => void): void {
    const current = () => this.worker === worker;
    worker.on('message', (msg: WorkerMessage) => {
      if (!current()) return;
      if (onReady && (msg.kind === 'ready' || msg.kind === 'open-failed')) return onReady(msg.kind === 'ready' ? undefined : toSqlError(msg.error));
      this.onMessage(msg);
    });
    worker.on('error', (err) => {
      if (current()) this.fail(`its worker thread failed: ${err.message}`);
    });
    worker.on('exit', (code) => {
      if (!current()) return;
      if (!this.closing) {
        this.fail(`its worker thread exited (code ${code})`);
        return this.revive();
      }
      for (const pending of this.pending.values()) pending.reject(this.closedError());
      this.pending.clear();
    });
  }

  /**
   * A worker that died (an out-of-memory abort, a crash in PGlite) is started again on the same
   * folder, with backoff: Postgres's own crash recovery replays its WAL on open, and no other
   * process holds the folder (the engine's lock). Calls made meanwhile fail with
   * store_unavailable; those in flight at the death did not answer and may or may not have
   * been written, as after any crash.
   */
  private revive(): void {
    if (this.reviving || this.closing) return;
    this.reviving = (async () => {
      for (let attempt = 0; !this.closing; attempt++) {
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5000)));
        if (this.closing) return;
        const worker = startWorker({ dataDir: this.dataDir, ...this.options });
        const opened = await new Promise<Error | undefined>((resolve) => {
          this.worker = worker;
          this.attach(worker, resolve);
          worker.once('exit', () => resolve(new Error('the new worker exited while opening')));
        });
        if (!opened) {
          this.revived++;
          this.failure = null;
          return;
        }
        this.failure = new AppError('store_unavailable', `The embedded store in ${this.dataDir} could not be reopened yet: ${opened.message}`);
        await worker.terminate().catch(() => undefined);
      }
    })().finally(() => {
      this.reviving = null;
    });
  }

  /** Opens (or creates: initdb) the database in dataDir; rejects with PGlite's reason. */
  static async open(dataDir: string, options: PgliteOptions = {}): Promise<PgliteWorkerDb> {
    const db = new PgliteWorkerDb(startWorker({ dataDir, ...options }), dataDir, options);
    try {
      await db.opened;
    } catch (err) {
      db.closing = db.worker.terminate().then(() => undefined);
      await db.closing;
      throw err;
    }
    return db;
  }

  get closed(): boolean {
    return this.closing !== null || this.failure !== null;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>> {
    return (await this.run({ op: 'query', sql, params })) as SqlResult<T>;
  }

  async exec(sql: string): Promise<void> {
    await this.run({ op: 'exec', sql });
  }

  async transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    // Not reentrant, and not told apart by context: an AsyncLocalStorage would (it did once), but
    // the first transaction would turn on async hooks for the whole process for good, a cost on
    // every promise the engine makes (a like's main-thread CPU 65-79 -> 57-61 us without it, in a
    // probe of 5 s of likes). Inside fn, statements go through tx: this.query() or another
    // transaction() there would wait for fn itself.
    while (this.exclusive) await this.exclusive;
    // From here to posting BEGIN nothing awaits: no other statement can slip in between.
    let release!: () => void;
    this.exclusive = new Promise<void>((resolve) => (release = resolve));
    const state: TxState = { active: true };
    const finished = () => Promise.reject(new Error('this transaction has already ended'));
    const tx: SqlTx = {
      query: async <R>(sql: string, params?: unknown[]) =>
        state.active ? ((await this.send({ op: 'query', sql, params })) as SqlResult<R>) : finished(),
      exec: async (sql: string) => {
        if (!state.active) return finished();
        await this.send({ op: 'exec', sql });
      },
    };
    try {
      await this.send({ op: 'exec', sql: 'BEGIN' });
      let result: T;
      try {
        result = await fn(tx);
      } catch (err) {
        await this.send({ op: 'exec', sql: 'ROLLBACK' }).catch(() => undefined);
        throw err;
      }
      await this.send({ op: 'exec', sql: 'COMMIT' });
      return result;
    } finally {
      state.active = false;
      this.exclusive = null;
      release();
    }
  }

  /** Ends the worker thread as a crash would (the fault suite's "store worker killed"). */
  async killWorker(): Promise<void> {
    await this.worker.terminate();
  }

  /** Closes PGlite in the worker (after a running transaction), then ends the thread. */
  close(): Promise<void> {
    if (!this.closing) {
      const wasFailed = this.failure !== null;
      this.closing = (async () => {
        if (wasFailed) return;
        while (this.exclusive) await this.exclusive;
        const closed = this.send({ op: 'close' });
        this.closeSent = true;
        await closed;
      })().finally(() => this.worker.terminate());
    }
    return this.closing;
  }

  /**
   * Posts a statement now, or after the running transaction ends (its own go through tx). The
   * check and the post happen in one tick, so a statement is never posted after another
   * transaction's BEGIN without belonging to it.
   */
  private run(request: Request): Promise<SqlResult<unknown> | undefined> {
    if (this.exclusive) return this.exclusive.then(() => this.run(request));
    return this.send(request);
  }

  private send(request: Request): Promise<SqlResult<unknown> | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closeSent) return Promise.reject(this.closedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  private onMessage(msg: WorkerMessage): void {
    if (msg.kind === 'ready') return this.settleOpen();
    if (msg.kind === 'open-failed') return this.settleOpen(toSqlError(msg.error));
    const pending = this.pending.get(msg.id);
    if (!pending) return;
    this.pending.delete(msg.id);
    if (msg.ok) pending.resolve(msg.result);
    else pending.reject(toSqlError(msg.error));
  }

  private closedError(): AppError {
    return new AppError('store_unavailable', `The embedded store in ${this.dataDir} is closed.`);
  }

  private fail(reason: string): void {
    if (this.failure && !this.reviving) return;
    this.failure = new AppError('store_unavailable', `The embedded store in ${this.dataDir} stopped: ${reason}`);
    this.settleOpen(new Error(reason));
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
  }
}
