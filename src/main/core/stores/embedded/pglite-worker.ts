/**
 * Worker thread entry of the embedded store: it owns the PGlite instance, so PGlite's
 * synchronous WebAssembly execution blocks this thread and not the engine's event loop.
 * PgliteWorkerDb starts it (and explains how this file is found in src/ and out/main/).
 * Requests run one at a time in arrival order; this file imports nothing from the engine so
 * that the build emits it as a standalone bundle.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** How the database is started; unset fields keep PGlite's defaults. */
export interface PgliteOptions {
  /** Postgres shared_buffers in MB (PGlite's default is 128). */
  sharedBuffersMb?: number;
}

export interface WorkerData extends PgliteOptions {
  dataDir: string;
}

export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params?: unknown[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'close' };

/** An Error flattened for postMessage: structured clone would drop code and the other fields. */
export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, string>;
}

export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'open-failed'; error: SerializedError }
  | { kind: 'reply'; id: number; ok: true; result?: { rows: unknown[]; affectedRows?: number } }
  | { kind: 'reply'; id: number; ok: false; error: SerializedError };

/** The ErrorResponse fields of PGlite's DatabaseError worth keeping. */
const ERROR_FIELDS = ['code', 'severity', 'detail', 'hint', 'position', 'where', 'schema', 'table', 'column', 'dataType', 'constraint', 'routine'];

function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, string> = {};
  for (const key of ERROR_FIELDS) {
    const value = (err as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = String(value);
  }
  return { name: err.name, message: err.message, fields };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('pglite-worker must be started as a worker thread (by PgliteWorkerDb)');
  const { dataDir, sharedBuffersMb } = workerData as WorkerData;
  const startParams = sharedBuffersMb === undefined ? undefined : [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`];

  let db: PGlite;
  try {
    db = await PGlite.create(dataDir, startParams ? { startParams } : undefined);
  } catch (err) {
    port.postMessage({ kind: 'open-failed', error: serializeError(err) } satisfies WorkerMessage);
    return;
  }

  const handle = async (req: WorkerRequest): Promise<WorkerMessage> => {
    try {
      switch (req.op) {
        case 'query': {
          const { rows, affectedRows } = await db.query(req.sql, req.params);
          return { kind: 'reply', id: req.id, ok: true, result: { rows, affectedRows } };
        }
        case 'exec':
          await db.exec(req.sql);
          return { kind: 'reply', id: req.id, ok: true };
        case 'close':
          await db.close();
          return { kind: 'reply', id: req.id, ok: true };
      }
    } catch (err) {
      return { kind: 'reply', id: req.id, ok: false, error: serializeError(err) };
    }
  };

  let queue = Promise.resolve();
  port.on('message', (req: WorkerRequest) => {
    queue = queue.then(async () => {
      const reply = await handle(req);
      try {
        port.postMessage(reply);
      } catch (err) {
        // A value structured clone cannot copy: the caller gets the error, not a hang.
        port.postMessage({ kind: 'reply', id: req.id, ok: false, error: serializeError(err) } satisfies WorkerMessage);
      }
    });
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerMessage);
}

void main();
