/**
 * The part of a SQL database the embedded adapters use: PgliteWorkerDb implements it by sending
 * SQL to PGlite in a worker thread. Rows come back as PGlite parses them (int8 / count(*) as a
 * number, or a bigint beyond 2^53; text as string; arrays as arrays; timestamps as Date).
 */
export interface SqlResult<T> {
  rows: T[];
  /** Rows inserted, updated or deleted by the statement (PGlite's affectedRows). */
  affectedRows?: number;
}

export interface SqlQueryable {
  /** One statement, extended protocol, $1... parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>>;
  /** Any number of statements, no parameters, results discarded. */
  exec(sql: string): Promise<void>;
}

/** What a transaction callback gets: its statements run inside BEGIN ... COMMIT. */
export type SqlTx = SqlQueryable;

export interface SqlDb extends SqlQueryable {
  /**
   * Runs fn between BEGIN and COMMIT, with every other statement on this database held back
   * until it ends; ROLLBACK and rethrow if fn throws. Not reentrant: use the tx given to fn.
   */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/**
 * An error raised by Postgres, with the fields of its ErrorResponse (code is the SQLSTATE,
 * e.g. 23505 for a unique violation).
 */
export interface SqlError extends Error {
  code?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  routine?: string;
}
