import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/core/config';
import { silentLogger } from '../../src/main/core/log';
import { openStores } from '../../src/main/core/stores';
import { createMongoDocumentStore } from '../../src/main/core/stores/mongo/document-store';
import { freePort } from '../helpers/ports';
import { startMongoServer, type RunningServer } from '../helpers/servers';
import { describeDocumentStoreContract } from './store-contract';
import { expectStoreUnavailable } from './unavailable';

let server: RunningServer;
const root = mkdtempSync(join(tmpdir(), 'redk-mongo-'));

/** A database nobody else uses, so every test starts empty (the server and its files go at the end). */
function freshDatabase(): string {
  return `redk_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

function urlWithDatabase(url: string, db: string): string {
  const match = /^(mongodb:\/\/[^/?]+)\/?[^?]*(\?.*)?$/.exec(url);
  if (!match) throw new Error(`unexpected MongoDB URL from the test server: ${url}`);
  return `${match[1]}/${db}${match[2] ?? ''}`;
}

beforeAll(async () => {
  server = await startMongoServer();
});

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describeDocumentStoreContract('mongo (MongoDB wire protocol)', async () => {
  const dbName = freshDatabase();
  const store = await createMongoDocumentStore(server.url, silentLogger, { dbName });
  await store.init();
  return {
    store,
    cleanup: async () => {
      await store.close();
    },
  };
});

describe('mongo adapter wiring', () => {
  it('takes the database from the URL path and says which one in its description', async () => {
    const db = freshDatabase();
    const store = await createMongoDocumentStore(urlWithDatabase(server.url, db), silentLogger);
    try {
      expect(store.description).toContain(`database ${db}`);
      expect(store.description.startsWith('mongo mongodb://')).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('openStores puts documents in MongoDB and the graph in the embedded store when only mongoUrl is set', async () => {
    const dataDir = join(root, 'app');
    const mongoUrl = urlWithDatabase(server.url, freshDatabase());
    const stores = await openStores(loadConfig({ dataDir, stores: { mongoUrl } }, {}), silentLogger);
    try {
      expect(stores.documents.description).toMatch(/^mongo mongodb:\/\//);
      expect(stores.graph.description).toBe(`embedded ${join(dataDir, 'store')}`);
      expect(await stores.documents.createUser({ username: 'alice', displayName: 'Alice', createdAt: 1 })).toBe(true);
    } finally {
      await stores.close();
    }
  });

  it('init gives users written before searchUsers existed their lowercase name, so search finds them', async () => {
    const dbName = freshDatabase();
    const raw = new MongoClient(server.url);
    try {
      await raw.connect();
      await raw.db(dbName).collection<{ _id: string }>('users').insertMany(
        ['Alice', 'alex', 'bob'].map((u) => ({ _id: u, display_name: u, created_at: 1 })),
      );
    } finally {
      await raw.close();
    }
    const store = await createMongoDocumentStore(server.url, silentLogger, { dbName });
    try {
      await store.init();
      await store.createUser({ username: 'ALF', displayName: 'Alf', createdAt: 2 });
      expect((await store.searchUsers('al', 10)).map((u) => u.username)).toEqual(['alex', 'ALF', 'Alice']);
      expect(await store.searchUsers('bo', 10)).toEqual([{ username: 'bob', displayName: 'bob', createdAt: 1 }]);
      await store.init();
      expect(await store.countUsers()).toBe(4);
    } finally {
      await store.close();
    }
  });

  it('a server that is not there gives store_unavailable naming MongoDB and the URL, without the password', async () => {
    const url = `mongodb://someone:secret@127.0.0.1:${await freePort()}/redk`;
    await expectStoreUnavailable(createMongoDocumentStore(url, silentLogger, { timeoutMs: 500 }), 'MongoDB', url.replace('someone:secret', '***'));
  });

  it('a server that goes away mid-run gives store_unavailable, not a driver error', async () => {
    const store = await createMongoDocumentStore(server.url, silentLogger, { dbName: freshDatabase(), timeoutMs: 1000 });
    try {
      await store.init();
      await server.stop();
      await expectStoreUnavailable(store.countUsers(), 'MongoDB', server.url);
    } finally {
      await store.close();
    }
  });
});
