/**
 * L2 on the real cluster and the embedded store: counters written back match Redis exactly,
 * also after the engine is killed in the middle of a pass and run again (nothing double-counted).
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/shared/types';
import type { Engine } from '../../src/main/core/engine';
import { keys } from '../../src/main/core/keys';
import { Engine as EngineClass } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';
import { startTestEngine } from '../helpers/engine';

const POSTS = 1000;

describe('the sync engine writes like counters back to the store', () => {
  let engine: Engine;
  let call: Awaited<ReturnType<typeof startTestEngine>>['call'];
  let postIds: string[] = [];
  const likers = ['ann', 'bo', 'cy', 'di'];

  beforeAll(async () => {
    ({ engine, call } = await startTestEngine());
    await call('users.create', { username: 'writer', displayName: 'Writer', password: 'password1' });
    for (const u of likers) await call('users.create', { username: u, displayName: u, password: 'password1' });
    postIds = [];
    for (let i = 0; i < POSTS; i++) postIds.push((await call<{ id: string }>('posts.create', { author: 'writer', text: `post ${i}` })).id);
  }, 300_000);
  let engineStopped = false;
  afterAll(async () => {
    if (!engineStopped) await engine?.stop();
  });

  const storeMatchesRedis = async (e: Engine) => {
    const docs = await e.stores.documents.getPosts(postIds);
    const counters = await Promise.all(postIds.map((id) => e.redis.get(keys.likesCount(id))));
    const byId = new Map(docs.map((d) => [d.id, d.likesCount]));
    return postIds.filter((id, i) => byId.get(id) !== Number(counters[i] ?? 0));
  };

  it(`liking ${POSTS} posts then sync.now leaves every likes_count equal to its Redis counter`, async () => {
    for (const [i, id] of postIds.entries()) {
      for (const u of likers.slice(0, 1 + (i % likers.length))) await call('likes.like', { postId: id, username: u });
    }
    const { synced } = await call<{ synced: number }>('sync.now');
    expect(synced).toBeGreaterThanOrEqual(POSTS);
    expect(await storeMatchesRedis(engine)).toEqual([]);
    const status = await call<SyncStatus>('sync.status');
    expect(status).toMatchObject({ running: false, lastError: null, lastSynced: synced });
    expect(status.lastRunAt).not.toBeNull();
  }, 300_000);

  it('killed in the middle of a pass and run again, the store still equals Redis', async () => {
    // Change every counter in Redis only (as if the background writes had not happened yet).
    // Raised as like.lua does: the counter and its dirty number (R2: not written back yet).
    for (const id of postIds) await Promise.all([engine.redis.incrby(keys.likesCount(id), 3), engine.redis.incr(keys.likesDirty(id))]);
    const config = engine.config;
    await engine.stop();
    engineStopped = true;

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/sync-child.ts'], {
      env: {
        ...process.env,
        REDK_DATA_DIR: config.dataDir,
        REDK_REDIS_PORT_BASE: String(config.redis.portBase),
        REDK_STORE_DIR: config.stores.embeddedDir,
        REDK_REDIS_NODE_TIMEOUT: String(config.redis.nodeTimeoutMs),
        REDK_REDIS_MAXMEMORY: config.redis.maxmemory,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const killed = await new Promise<boolean>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('SYNC_PROGRESS') && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve(!out.includes('SYNC_DONE'));
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', () => resolve(false));
    });
    await new Promise((r) => (child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(null)));
    process.stderr.write(`sync: child ${killed ? 'killed mid-pass' : 'finished before the kill'}\n`);

    const again = await EngineClass.start(config, { log: silentLogger, shell: 'web' });
    try {
      await again.sync.syncAll();
      expect(await storeMatchesRedis(again)).toEqual([]);
      const docs = await again.stores.documents.getPosts(postIds.slice(0, 4));
      expect(docs.map((d) => d.likesCount).sort()).toEqual([4, 5, 6, 7]);
    } finally {
      await again.stop();
    }
  }, 300_000);
});
