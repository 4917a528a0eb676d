/**
 * Where the systems of record live (S2): a mongodb:// URL puts documents in MongoDB, a neo4j://
 * or bolt:// URL puts the graph in Neo4j; whatever has no URL is served by the embedded PGlite
 * database in `stores.embeddedDir` (default `<dataDir>/store`), opened once even when it serves
 * both sides.
 */
import { join } from 'node:path';
import type { Config } from '../config';
import { acquireDataLock, type DataLock } from '../data-lock';
import type { Logger } from '../log';
import { EmbeddedStores } from './embedded/embedded-stores';
import type { DocumentStore, GraphStore } from './ports';

export interface Stores {
  documents: DocumentStore;
  graph: GraphStore;
  /** The embedded database when one serves a side (tests and tools reach its worker here). */
  embedded: EmbeddedStores | null;
  close(): Promise<void>;
}

/** The embedded store's folder, or null when MongoDB and Neo4j serve both sides. */
export function embeddedStoreDir(config: Config): string | null {
  const { mongoUrl, neo4jUrl, embeddedDir } = config.stores;
  return mongoUrl && neo4jUrl ? null : (embeddedDir ?? join(config.dataDir, 'store'));
}

/**
 * Takes the one-owner lock on the embedded store (see data-lock.ts) before anything opens it;
 * null when no embedded store is used. Throws AppError('conflict') naming the running owner.
 */
export async function lockStores(config: Config, what: string, log: Logger): Promise<DataLock | null> {
  const dir = embeddedStoreDir(config);
  return dir === null ? null : acquireDataLock(dir, what, log);
}

export async function openStores(config: Config, log: Logger): Promise<Stores> {
  const { mongoUrl, neo4jUrl, neo4jUser, neo4jPassword, sharedBuffersMb } = config.stores;
  const opened: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    // Reverse order, and every close attempted even if one fails, so nothing keeps the process alive.
    const results = await Promise.allSettled(opened.reverse().map((s) => s.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    let embedded: EmbeddedStores | undefined;
    const dir = embeddedStoreDir(config);
    if (dir !== null) {
      embedded = await EmbeddedStores.open(dir, log.child('embedded'), { sharedBuffersMb });
      opened.push(embedded);
    }
    // The drivers are loaded only when their store is configured: most users run the embedded
    // store, and the mongodb and neo4j-driver packages cost start time and memory.
    const documents = mongoUrl ? await (await import('./mongo/document-store')).createMongoDocumentStore(mongoUrl, log.child('mongo')) : embedded!.documents;
    if (mongoUrl) opened.push(documents);
    const graph = neo4jUrl ? await (await import('./neo4j/graph-store')).createNeo4jGraphStore(neo4jUrl, neo4jUser, neo4jPassword, log.child('neo4j')) : embedded!.graph;
    if (neo4jUrl) opened.push(graph);
    await documents.init();
    await graph.init();
    log.info(`stores: documents in ${documents.description}, graph in ${graph.description}`);
    return { documents, graph, embedded: embedded ?? null, close: closeAll };
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
}
