import { mkdirSync } from 'node:fs';
import { AppError } from '../../errors';
import type { Logger } from '../../log';
import type { DocumentStore, GraphStore } from '../ports';
import { EmbeddedDocumentStore } from './document-store';
import { EmbeddedGraphStore } from './graph-store';
import type { PgliteOptions } from './pglite-worker';
import { PgliteWorkerDb } from './pglite-worker-db';
import type { SqlDb } from './sql-db';
import { PlannerStatistics } from './statistics';

/**
 * The zero-install default (S2): one PGlite database (Postgres in WebAssembly) in a data folder,
 * serving both ports. PGlite runs in a worker thread (PgliteWorkerDb) so that its synchronous
 * WebAssembly execution does not block the engine's event loop. A new folder runs initdb (a few
 * seconds); later opens take a fraction of one. The worker keeps the process alive until close().
 */
export class EmbeddedStores {
  readonly documents: DocumentStore;
  readonly graph: GraphStore;

  private constructor(
    /** Exposed for tests and tools (emptying tables, EXPLAIN); the app goes through the ports. */
    readonly db: SqlDb,
    readonly dataDir: string,
    private readonly log: Logger,
  ) {
    const stats = new PlannerStatistics(db);
    this.documents = new EmbeddedDocumentStore(db, stats, dataDir, log);
    this.graph = new EmbeddedGraphStore(db, stats, dataDir);
  }

  static async open(dataDir: string, log: Logger, options: PgliteOptions = {}): Promise<EmbeddedStores> {
    const started = Date.now();
    let db: SqlDb;
    try {
      mkdirSync(dataDir, { recursive: true });
      db = await PgliteWorkerDb.open(dataDir, options);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new AppError('store_unavailable', `The embedded store in ${dataDir} could not be opened: ${reason}`, { cause: err });
    }
    log.debug(`embedded store opened in ${dataDir} (${Date.now() - started} ms)`);
    return new EmbeddedStores(db, dataDir, log);
  }

  async close(): Promise<void> {
    if (this.db.closed) return;
    await this.db.close();
    this.log.debug(`embedded store in ${this.dataDir} closed`);
  }
}
