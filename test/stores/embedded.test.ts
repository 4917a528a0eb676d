import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/core/config';
import { AppError } from '../../src/main/core/errors';
import { silentLogger } from '../../src/main/core/log';
import { EmbeddedStores } from '../../src/main/core/stores/embedded/embedded-stores';
import { embeddedTables } from '../../src/main/core/stores/embedded/schema';
import { openStores } from '../../src/main/core/stores';
import { describeDocumentStoreContract, describeGraphStoreContract } from './store-contract';

const root = mkdtempSync(join(tmpdir(), 'redk-embedded-'));
let shared: EmbeddedStores;

// One database for the whole file (initdb takes seconds); each test starts from emptied tables.
beforeAll(async () => {
  shared = await EmbeddedStores.open(join(root, 'contract'), silentLogger);
  await shared.documents.init();
  await shared.graph.init();
});

afterAll(async () => {
  await shared?.close();
  rmSync(root, { recursive: true, force: true });
});

async function emptied<S>(store: S) {
  await shared.db.exec(`TRUNCATE ${embeddedTables.join(', ')}`);
  return { store, cleanup: async () => {} };
}

describeDocumentStoreContract('embedded (PGlite)', () => emptied(shared.documents));
describeGraphStoreContract('embedded (PGlite)', () => emptied(shared.graph));

describe('embedded store transactions', () => {
  it('a transaction holds back statements from outside it until it ends, and its own go through tx', async () => {
    const { db } = shared;
    await db.exec(`TRUNCATE ${embeddedTables.join(', ')}`);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let firstDone!: () => void;
    const first = new Promise<void>((resolve) => (firstDone = resolve));
    const order: string[] = [];
    const tx = db.transaction(async (t) => {
      await t.query(`INSERT INTO likes (post_id, username) VALUES ('p', 'one')`);
      firstDone();
      await gate;
      await t.query(`INSERT INTO likes (post_id, username) VALUES ('p', 'two')`);
      order.push('tx');
    });
    await first;
    // Posted while the transaction is open: the worker runs requests in arrival order, so a
    // statement let through now would be answered before the second insert, counting 1.
    const outside = db.query<{ n: number }>(`SELECT count(*)::int AS n FROM likes`).then((r) => {
      order.push('outside');
      return r.rows[0]!.n;
    });
    open();
    await tx;
    expect(await outside).toBe(2);
    expect(order).toEqual(['tx', 'outside']);
    await db.exec('TRUNCATE likes');
  });

  it('a transaction leaves async hooks off for the process (no AsyncLocalStorage, which would tax every promise)', async () => {
    const run = async (mode: string[]) => {
      const dir = mkdtempSync(join(root, 'hooks-'));
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/helpers/async-hooks-child.ts', dir, ...mode], { timeout: 120_000 });
      return JSON.parse(stdout.trim().split('\n').pop()!) as { atStart: boolean; afterStore: boolean; likers: string[] };
    };
    const [plain, control] = await Promise.all([run([]), run(['--control'])]);
    expect(plain).toEqual({ atStart: false, afterStore: false, likers: ['u1'] });
    // The check can fail: with an AsyncLocalStorage run first, it sees the hooks on.
    expect(control).toEqual({ atStart: false, afterStore: true, likers: ['u1'] });
  }, 180_000);
});

describe('embedded store data folder', () => {
  it('a store made before names were unique regardless of case starts, keeps its pairs and takes no new one', async () => {
    const { db, documents } = shared;
    await db.exec(`TRUNCATE ${embeddedTables.join(', ')}`);
    await db.exec('DROP INDEX users_one_name_per_case');
    try {
      await db.query(`INSERT INTO users (username, display_name, created_at) VALUES ('Dup', 'd', 1), ('dup', 'd', 2)`);
      await documents.init(); // the unique index cannot be made: a warning, not a failed start
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'users_one_name_per_case'`);
      expect(rows[0]!.n).toBe(0);
      expect(await documents.createUser({ username: 'DUP', displayName: 'x', createdAt: 3 })).toBe(false);
      expect(await documents.createUsers([{ username: 'dUp', displayName: 'x', createdAt: 3 }, { username: 'fresh', displayName: 'x', createdAt: 3 }])).toBe(1);
      expect(await documents.countUsers()).toBe(3);
    } finally {
      await db.exec(`TRUNCATE ${embeddedTables.join(', ')}`);
      await documents.init();
    }
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'users_one_name_per_case'`);
    expect(rows[0]!.n).toBe(1);
  });

  it('a store made before follow counts were kept gets them counted once from its edges at init', async () => {
    const { db, graph } = shared;
    await db.exec(`TRUNCATE ${embeddedTables.join(', ')}`);
    try {
      // As an older version left it: edges, no counts, no marker.
      await db.query(`INSERT INTO follows (follower, followee) VALUES ('a', 'b'), ('c', 'b'), ('b', 'a'), ('d', 'b')`);
      await db.exec(`DELETE FROM graph_meta WHERE key = 'follow_counts'`);
      expect(await graph.counts('b')).toEqual({ followers: 0, following: 0 });
      await graph.init();
      expect(await graph.counts('b')).toEqual({ followers: 3, following: 1 });
      expect(await graph.counts('a')).toEqual({ followers: 1, following: 1 });
      // Counted once: a second init leaves the kept counts alone.
      await graph.follow('e', 'b');
      await graph.init();
      expect(await graph.counts('b')).toEqual({ followers: 4, following: 1 });
    } finally {
      await db.exec(`TRUNCATE ${embeddedTables.join(', ')}`);
    }
  });

  it('keeps documents and follows after closing and reopening the folder', async () => {
    const dir = join(root, 'reopen');
    const first = await EmbeddedStores.open(dir, silentLogger);
    await first.documents.init();
    await first.graph.init();
    await first.documents.createUser({ username: 'alice', displayName: 'Alice', createdAt: 1 });
    await first.graph.follow('alice', 'bob');
    await first.close();
    await first.close();

    const again = await EmbeddedStores.open(dir, silentLogger, { sharedBuffersMb: 24 });
    try {
      const { rows } = await again.db.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(rows[0]?.shared_buffers).toBe('24MB');
      await again.documents.init();
      expect(await again.documents.getUser('alice')).toEqual({ username: 'alice', displayName: 'Alice', createdAt: 1 });
      expect(await again.graph.isFollowing('alice', 'bob')).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('a folder that cannot be created gives store_unavailable naming the folder', async () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const dir = join(blocker, 'store');
    const failure = await EmbeddedStores.open(dir, silentLogger).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('store_unavailable');
    expect((failure as AppError).message).toContain(dir);
  });

  it('openStores with no URLs serves both ports from one embedded database in <dataDir>/store', async () => {
    const dataDir = join(root, 'app');
    const stores = await openStores(loadConfig({ dataDir }, {}), silentLogger);
    try {
      expect(stores.documents.description).toBe(`embedded ${join(dataDir, 'store')}`);
      expect(stores.graph.description).toBe(stores.documents.description);
      await stores.documents.createUser({ username: 'alice', displayName: 'Alice', createdAt: 1 });
      await stores.graph.follow('alice', 'bob');
      expect(await stores.graph.counts('bob')).toEqual({ followers: 1, following: 0 });
    } finally {
      await stores.close();
    }
  });
});
