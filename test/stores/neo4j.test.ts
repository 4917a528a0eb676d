import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/core/config';
import { silentLogger } from '../../src/main/core/log';
import { openStores } from '../../src/main/core/stores';
import { createNeo4jGraphStore } from '../../src/main/core/stores/neo4j/graph-store';
import { freePort } from '../helpers/ports';
import { startNeo4jServer, type RunningServer } from '../helpers/servers';
import { describeGraphStoreContract } from './store-contract';
import { expectStoreUnavailable } from './unavailable';

let server: RunningServer & { user: string; password: string };
/** Used only to empty the database between tests; the adapter under test has its own driver. */
let admin: Driver;
const root = mkdtempSync(join(tmpdir(), 'redk-neo4j-'));

beforeAll(async () => {
  server = await startNeo4jServer();
  admin = neo4j.driver(server.url, neo4j.auth.basic(server.user, server.password));
});

afterAll(async () => {
  await admin?.close();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

// Community edition has one database, so a fresh store means an emptied one (the server is this file's own).
describeGraphStoreContract('neo4j (Bolt)', async () => {
  await admin.executeQuery('MATCH (n) DETACH DELETE n');
  const store = await createNeo4jGraphStore(server.url, server.user, server.password, silentLogger);
  await store.init();
  return { store, cleanup: () => store.close() };
});

describe('neo4j adapter wiring', () => {
  it('init creates the uniqueness constraint on :User(username), once', async () => {
    const store = await createNeo4jGraphStore(server.url, server.user, server.password, silentLogger);
    try {
      await store.init();
      await store.init();
      const { records } = await admin.executeQuery(
        "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties WHERE 'User' IN labelsOrTypes RETURN type, properties",
      );
      expect(records.map((r) => [r.get('type'), r.get('properties')])).toEqual([['UNIQUENESS', ['username']]]);
    } finally {
      await store.close();
    }
  });

  it('openStores puts the graph in Neo4j and documents in the embedded store when only neo4jUrl is set', async () => {
    const dataDir = join(root, 'app');
    const config = loadConfig({ dataDir, stores: { neo4jUrl: server.url, neo4jUser: server.user, neo4jPassword: server.password } }, {});
    const stores = await openStores(config, silentLogger);
    try {
      expect(stores.graph.description).toBe(`neo4j ${server.url}`);
      expect(stores.documents.description).toBe(`embedded ${join(dataDir, 'store')}`);
      await stores.graph.ping();
    } finally {
      await stores.close();
    }
  });

  it('wrong credentials give store_unavailable naming Neo4j and the URL', async () => {
    await expectStoreUnavailable(createNeo4jGraphStore(server.url, server.user, 'secret-but-wrong', silentLogger), 'Neo4j', server.url);
  });

  it('a server that is not there gives store_unavailable naming Neo4j and the URL', async () => {
    const url = `bolt://127.0.0.1:${await freePort()}`;
    await expectStoreUnavailable(createNeo4jGraphStore(url, 'neo4j', 'secret', silentLogger, { timeoutMs: 1000 }), 'Neo4j', url);
  });

  it('a server that goes away mid-run gives store_unavailable, not a driver error', async () => {
    const store = await createNeo4jGraphStore(server.url, server.user, server.password, silentLogger, { timeoutMs: 1000 });
    try {
      await admin.close();
      await server.stop();
      await expectStoreUnavailable(store.counts('alice'), 'Neo4j', server.url);
    } finally {
      await store.close();
    }
  });
});
