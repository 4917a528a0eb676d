import { MongoClient, MongoNetworkError, MongoServerSelectionError, type Db } from 'mongodb';
import { storeUnavailable } from '../unavailable';

export interface MongoConnectOptions {
  /** Database name; otherwise the one in the URL path, otherwise "redk". */
  dbName?: string;
  /** How long to look for a server before saying it is unavailable. */
  timeoutMs?: number;
}

export const DEFAULT_DB = 'redk';

/** The path part of a mongodb:// URL names the database; many users leave it out. */
export function databaseInUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]+\/([^?]+)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

export function isMongoOutage(err: unknown): boolean {
  return err instanceof MongoNetworkError || err instanceof MongoServerSelectionError;
}

/** Connects and proves the server answers, or throws store_unavailable naming the URL. */
export async function connectMongo(url: string, opts: MongoConnectOptions = {}): Promise<{ client: MongoClient; db: Db }> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  let client: MongoClient | undefined;
  try {
    client = new MongoClient(url, {
      appName: 'redk-desktop',
      serverSelectionTimeoutMS: timeoutMs,
      connectTimeoutMS: timeoutMs,
      ignoreUndefined: true,
    });
    await client.connect();
    const db = client.db(opts.dbName ?? databaseInUrl(url) ?? DEFAULT_DB);
    await db.command({ ping: 1 });
    return { client, db };
  } catch (err) {
    await client?.close().catch(() => undefined);
    throw storeUnavailable('MongoDB', url, err);
  }
}
