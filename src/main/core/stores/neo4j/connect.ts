import neo4j, { type Driver } from 'neo4j-driver';
import { storeUnavailable } from '../unavailable';

export interface Neo4jConnectOptions {
  /** Leave unset for the server's default database (community edition has only one). */
  database?: string;
  /** Connect, acquire and retry budget before saying the server is unavailable. */
  timeoutMs?: number;
}

export function isNeo4jOutage(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ServiceUnavailable' || code === 'SessionExpired';
}

/** Opens a driver and proves the server answers with these credentials, or throws store_unavailable. */
export async function connectNeo4j(url: string, user: string | undefined, password: string | undefined, opts: Neo4jConnectOptions = {}): Promise<Driver> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  let driver: Driver | undefined;
  try {
    // A server with auth disabled accepts any basic credentials, so no password is sent as "".
    // Integers come back as JS numbers: counts here are far below 2^53.
    driver = neo4j.driver(url, neo4j.auth.basic(user ?? 'neo4j', password ?? ''), {
      disableLosslessIntegers: true,
      connectionTimeout: timeoutMs,
      connectionAcquisitionTimeout: timeoutMs,
      maxTransactionRetryTime: timeoutMs,
      userAgent: 'redk-desktop',
    });
    await driver.verifyConnectivity(opts.database ? { database: opts.database } : {});
    return driver;
  } catch (err) {
    await driver?.close().catch(() => undefined);
    throw storeUnavailable('Neo4j', url, err);
  }
}
