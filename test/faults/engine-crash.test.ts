/**
 * Nothing acknowledged is lost to an engine crash. A serving engine (a real `npm run serve`
 * process) is SIGKILLed while clients like and unlike through its web shell, with likes still
 * waiting for the background write-back. The next engine on the same folder takes the stale
 * lock over and reuses the cluster; after its full sync pass the store's like records equal
 * the like sets in Redis, and after a full cache wipe every acknowledged like or unlike is
 * still what the app shows (rebuilt from the store).
 */
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterLauncher, launcherOptionsFrom } from '../../src/main/core/cluster/launcher';
import { loadConfig } from '../../src/main/core/config';
import { keys } from '../../src/main/core/keys';
import { silentLogger } from '../../src/main/core/log';
import { openStores } from '../../src/main/core/stores';
import type { LikeOutcome, Post } from '../../src/shared/types';
import { freePortBase } from '../helpers/ports';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { shellApi, TEST_PASSWORD } from '../helpers/shell-api';
import { tempDir } from '../helpers/temp-dirs';

/** A call through the serve's web shell; a dropped connection (the kill) is the code 'connection'. */
async function rpc<T>(serve: ServeProcess, method: string, input: unknown = {}, session?: string): Promise<{ ok: true; data: T } | { ok: false; code: string }> {
  try {
    const answer = await shellApi(serve.port, serve.token).call<T>(method, input, session);
    return answer.ok ? { ok: true, data: answer.data } : { ok: false, code: answer.code };
  } catch {
    return { ok: false, code: 'connection' };
  }
}

async function must<T>(serve: ServeProcess, method: string, input: unknown = {}, session?: string): Promise<T> {
  const r = await rpc<T>(serve, method, input, session);
  if (!r.ok) throw new Error(`${method}: ${r.code}`);
  return r.data;
}

describe('the engine SIGKILLed mid-flush', () => {
  const dataDir = tempDir('redk-engine-crash');
  const launchers: ClusterLauncher[] = [];
  const serves: ServeProcess[] = [];
  afterAll(async () => {
    for (const s of serves) await s.stop();
    for (const l of launchers) await l.down();
  });

  it('loses no acknowledged like: the next engine\'s sync makes the store exact, and a cache wipe rebuilds every like', async () => {
    const portBase = await freePortBase();
    const config = loadConfig({ dataDir, redis: { portBase } }, { REDK_DATA_DIR: dataDir });
    launchers.push(new ClusterLauncher(launcherOptionsFrom(config, silentLogger)));
    // No periodic pass during the test: only the background flush (every 100 ms) runs before the kill.
    const first = await startServe({ REDK_SYNC_INTERVAL_MS: '3600000' }, 120_000, { dataDir, portBase });
    serves.push(first);
    const users = ['crash_a', 'crash_b', 'crash_c', 'crash_d'];
    const sessions = new Map<string, string>();
    for (const u of users) sessions.set(u, await shellApi(first.port, first.token).signUp(u));
    const posts: string[] = [];
    for (let i = 0; i < 12; i++) posts.push((await must<{ id: string }>(first, 'posts.create', { author: users[i % 4], text: `crash post ${i}` }, sessions.get(users[i % 4]!))).id);

    // pair -> last durable answer (null: unknown since)
    const expected = new Map<string, boolean | null>();
    let stop = false;
    let durable = 0;
    const clients = users.map(async (user, c) => {
      for (let i = 0; !stop && i < 5000; i++) {
        const postId = posts[(c * 5 + i) % posts.length]!;
        const pair = `${postId}|${user}`;
        const like = expected.get(pair) !== true;
        const r = await rpc<LikeOutcome>(first, like ? 'likes.like' : 'likes.unlike', { postId, username: user }, sessions.get(user));
        if (r.ok && r.data.durable) {
          expected.set(pair, like);
          durable++;
        } else {
          expected.set(pair, null);
        }
        if (!r.ok && r.code === 'connection') return;
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;
    stop = true;
    await Promise.all(clients);
    expect(durable).toBeGreaterThan(50);

    const second = await startServe({}, 120_000, { dataDir, portBase });
    serves.push(second);
    await must(second, 'sync.now');
    // Sessions live in Redis, so they outlive the engine that made them.
    for (const [pair, liked] of expected) {
      if (liked === null) continue;
      const [postId, user] = pair.split('|') as [string, string];
      expect((await must<Post>(second, 'posts.get', { id: postId, viewer: user }, sessions.get(user))).likedByMe, pair).toBe(liked);
    }
    expect(await second.stop()).toBe(0);

    // The store, opened now that no engine holds it, has exactly Redis's like sets.
    const redis = new Cluster([{ host: '127.0.0.1', port: portBase }], { lazyConnect: false, redisOptions: { password: config.redis.password } });
    const stores = await openStores(config, silentLogger);
    try {
      for (const postId of posts) {
        const inRedis = (await redis.smembers(keys.likesUsers(postId))).sort();
        const inStore = (await stores.documents.likers(postId)).sort();
        expect(inStore, postId).toEqual(inRedis);
      }
      // A full cache wipe: every master.
      await Promise.all(redis.nodes('master').map((n) => n.flushall()));
    } finally {
      await stores.close();
      redis.disconnect();
    }

    const third = await startServe({}, 120_000, { dataDir, portBase });
    serves.push(third);
    // The wipe signed everybody out: in again, with the password the store kept.
    for (const u of users) sessions.set(u, (await must<{ session: string }>(third, 'session.signIn', { username: u, password: TEST_PASSWORD })).session);
    const checked = [...expected.values()].filter((v) => v !== null).length;
    process.stderr.write(`engine crash: ${durable} durable likes/unlikes before the SIGKILL; ${checked} (post, user) pairs checked after the next engine's sync and again after a full cache wipe\n`);
    for (const [pair, liked] of expected) {
      if (liked === null) continue;
      const [postId, user] = pair.split('|') as [string, string];
      expect((await must<Post>(third, 'posts.get', { id: postId, viewer: user }, sessions.get(user))).likedByMe, `${pair} after the wipe`).toBe(liked);
    }
  }, 240_000);
});
