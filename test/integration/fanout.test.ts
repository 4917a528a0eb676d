/**
 * F1, hybrid fan-out, with a fan-out threshold of 3 followers: a large account's post reaches its
 * followers' cached feeds at once without any work per follower; crossing the threshold either
 * way, or a cache wipe, never hides a post; and a page built from a store snapshot older than a
 * post is not cached over it.
 */
import calculateSlot from 'cluster-key-slot';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../src/shared/contract';
import type { Post } from '../../src/shared/types';
import { Engine } from '../../src/main/core/engine';
import { keys } from '../../src/main/core/keys';
import { silentLogger } from '../../src/main/core/log';
import { suiteConfig } from '../helpers/cluster';
import { flushCluster } from '../helpers/flush';
import { prepareSlotMove } from '../helpers/move-slot';
import { tempDir } from '../helpers/temp-dirs';

const THRESHOLD = 3;

describe('hybrid fan-out (threshold 3 followers)', () => {
  let engine: Engine;

  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const res = await engine.router.dispatch(method, input);
    if (!res.body.ok) throw new Error(`${method} ${JSON.stringify(input)}: ${res.body.error.code} ${res.body.error.message}`);
    return res.body.data as T;
  };
  const post = async (author: string, text: string) => (await call<{ id: string }>('posts.create', { author, text })).id;
  const feedIds = async (username: string, kind: 'all' | 'following') => (await call<Post[]>('feeds.get', { username, kind })).map((p) => p.id);
  const users = async (...names: string[]) => {
    for (const u of names) await call('users.create', { username: u, displayName: u, password: 'password1' });
  };
  const follow = async (followee: string, ...followers: string[]) => {
    for (const f of followers) await call('follows.follow', { follower: f, followee });
  };
  /** Reads both feeds of each user, so they are cached (a later read that sees a post saw it through the cache or its merge). */
  const warm = async (...names: string[]) => {
    for (const u of names) for (const kind of ['all', 'following'] as const) await feedIds(u, kind);
    for (const u of names) expect(await engine.redis.exists(keys.feed(u, 'all'), keys.feed(u, 'following')), `feeds of ${u} cached`).toBe(2);
  };
  /** Every DEL the masters ran so far (INFO commandstats; a DEL inside MULTI counts too). */
  const delCalls = async () => {
    let total = 0;
    for (const node of engine.redis.nodes('master')) {
      const match = /cmdstat_del:calls=(\d+)/.exec(await node.info('commandstats'));
      total += Number(match?.[1] ?? 0);
    }
    return total;
  };
  const isLarge = async (name: string) => (await engine.redis.sismember(keys.largeAccounts, name)) === 1;

  beforeAll(async () => {
    const config = suiteConfig();
    config.stores.embeddedDir = tempDir('redk-fanout-store');
    config.feeds.fanoutThreshold = THRESHOLD;
    engine = await Engine.start(config, { log: silentLogger, shell: 'web', trendingIntervalMs: 3_600_000 });
    await flushCluster(engine.redis);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('a large account\'s post is in its followers\' cached feeds at once, and the post does no work per follower', async () => {
    const fans = Array.from({ length: 24 }, (_, i) => `fan${i}`);
    await users('star', 'small', ...fans);
    await follow('star', ...fans.slice(0, 4));
    await follow('small', 'fan0', 'fan1');
    // The first post of a large account puts it in the set (and drops its followers' pages once).
    await post('star', 'hello');
    expect(await isLarge('star')).toBe(true);
    await warm(...fans.slice(0, 4));

    const events: EngineEvent[] = [];
    const off = engine.events.on((e) => events.push(e));
    const followers = vi.spyOn(engine.stores.graph, 'followers');
    try {
      let before = await delCalls();
      const first = await post('star', 'to 4 followers');
      const withFour = (await delCalls()) - before;
      for (const f of fans.slice(0, 4)) {
        expect(await engine.redis.exists(keys.feed(f, 'following')), `${f}'s cached feed was not deleted`).toBe(1);
        expect((await feedIds(f, 'following'))[0], `${f} sees the post at once`).toBe(first);
        expect((await feedIds(f, 'all'))[0]).toBe(first);
      }
      expect(followers, 'a large account\'s post never reads its followers').not.toHaveBeenCalled();
      // (A follow reads the follower's followers for the suggestions: not the post's work.)
      await follow('star', ...fans.slice(4));
      await warm(...fans);
      followers.mockClear();
      before = await delCalls();
      const second = await post('star', 'to 24 followers');
      const withTwentyFour = (await delCalls()) - before;
      for (const f of fans) expect((await feedIds(f, 'following')).slice(0, 2), `${f} sees both posts`).toEqual([second, first]);
      expect(followers).not.toHaveBeenCalled();
      // Its own feeds (one DEL in its MULTI): the same for 4 followers as for 24.
      expect(withTwentyFour).toBe(withFour);
      expect(withFour).toBeLessThanOrEqual(2);
      // The counter does see per-follower work: a small account's post deletes each follower's feeds.
      before = await delCalls();
      await post('small', 'to 2 followers');
      expect((await delCalls()) - before).toBeGreaterThanOrEqual(withFour + 2);
      expect(followers).toHaveBeenCalledTimes(1);
      // Nor are its follow counts read again: a post drops only the profile's post count.
      const counts = vi.spyOn(engine.stores.graph, 'counts');
      const before3 = (await call<{ posts: number; followers: number }>('users.get', { username: 'star' })).posts;
      await post('star', 'counted');
      expect(await call('users.get', { username: 'star' })).toMatchObject({ posts: before3 + 1, followers: 24 });
      expect(counts).not.toHaveBeenCalled();
      counts.mockRestore();
      expect(events.filter((e) => e.event === 'posts.new').map((e) => (e.data as { author: string }).author)).toEqual(['star', 'star', 'small', 'star']);
    } finally {
      off();
      followers.mockRestore();
    }
  });

  it('an account crossing the threshold up and then down: every follower sees each of its posts at once', async () => {
    const fans = ['up0', 'up1', 'up2'];
    await users('riser', ...fans);
    await follow('riser', 'up0', 'up1');
    await warm(...fans);
    const small = await post('riser', 'while small');
    expect(await isLarge('riser')).toBe(false);
    for (const f of ['up0', 'up1']) expect((await feedIds(f, 'following'))[0]).toBe(small);
    await warm(...fans);

    // The third follower makes it large: its next post enters the set and drops the pages once.
    await follow('riser', 'up2');
    await warm(...fans);
    const crossing = await post('riser', 'just became large');
    expect(await isLarge('riser')).toBe(true);
    for (const f of fans) expect((await feedIds(f, 'following')).slice(0, 2), `${f} after the crossing`).toEqual([crossing, small]);
    await warm(...fans);
    const large = await post('riser', 'large now');
    for (const f of fans) {
      expect(await engine.redis.exists(keys.feed(f, 'following')), `${f}'s page survived the post`).toBe(1);
      expect((await feedIds(f, 'following')).slice(0, 3), `${f} while large`).toEqual([large, crossing, small]);
    }

    // Back below: out of the set, its recent list gone, fanned out on write again.
    await call('follows.unfollow', { follower: 'up2', followee: 'riser' });
    await warm(...fans);
    const again = await post('riser', 'small again');
    expect(await isLarge('riser')).toBe(false);
    expect(await engine.redis.exists(keys.recentPosts('riser'))).toBe(0);
    for (const f of ['up0', 'up1']) expect((await feedIds(f, 'following')).slice(0, 4), `${f} after dropping below`).toEqual([again, large, crossing, small]);
    expect(await feedIds('up2', 'following')).not.toContain(again);
    await warm(...fans);
    const last = await post('riser', 'still small');
    for (const f of ['up0', 'up1']) expect((await feedIds(f, 'following'))[0]).toBe(last);
  });

  it('a small account\'s post drops its followers\' pages with one script per master; a follower whose slot moved behind the client\'s back is dropped DEL by DEL', async () => {
    // Two followers on one master, so their pages are one script: the moved one fails it there.
    const master = (name: string) => engine.redis.slots[calculateSlot(keys.feed(name, 'following'))]?.[0];
    const candidates = Array.from({ length: 30 }, (_, i) => `mv${i}`);
    const fans = candidates.filter((c) => master(c) === master(candidates[0]!)).slice(0, 2);
    expect(fans).toHaveLength(2);
    await users('mover', ...fans);
    await follow('mover', ...fans);
    await warm(...fans);
    const first = await post('mover', 'before the move');
    for (const f of fans) expect((await feedIds(f, 'following'))[0]).toBe(first);
    await warm(...fans);
    const { slot, owner, move } = await prepareSlotMove(engine, keys.feed(fans[0]!, 'following'));
    await move();
    try {
      expect(engine.redis.slots[slot]?.[0], 'the client still names the old owner').toBe(`${owner.options.host}:${owner.options.port}`);
      const second = await post('mover', 'after the move');
      for (const f of fans) {
        expect(await engine.redis.exists(keys.feed(f, 'following')), `${f}'s page dropped by the post`).toBe(0);
        expect((await feedIds(f, 'following')).slice(0, 2), `${f} sees the post at once`).toEqual([second, first]);
      }
    } finally {
      await move(true);
    }
  });

  it('after a cache wipe (FLUSHALL on every master) a large account\'s followers see its next posts at once', async () => {
    const fans = ['wiped0', 'wiped1', 'wiped2', 'wiped3'];
    await users('celebrity', ...fans);
    await follow('celebrity', ...fans);
    const before = await post('celebrity', 'before the wipe');
    expect(await isLarge('celebrity')).toBe(true);
    await warm(...fans);
    await flushCluster(engine.redis);
    // Rebuilt from the store, which has everything; the set is empty, so nobody merges it yet.
    await warm(...fans);
    for (const f of fans) expect((await feedIds(f, 'all'))[0]).toBe(before);
    const after = await post('celebrity', 'after the wipe');
    expect(await isLarge('celebrity')).toBe(true);
    for (const f of fans) expect((await feedIds(f, 'following')).slice(0, 2), `${f} after the wipe`).toEqual([after, before]);
    await warm(...fans);
    const next = await post('celebrity', 'and the next one');
    for (const f of fans) {
      expect(await engine.redis.exists(keys.feed(f, 'all')), `${f}'s page survived the post`).toBe(1);
      expect((await feedIds(f, 'all')).slice(0, 3), `${f} later`).toEqual([next, after, before]);
    }
  });

  /** More than 10x the threshold: entering the large set starts a new feeds generation. */
  const manyFans = (prefix: string) => Array.from({ length: 10 * THRESHOLD + 4 }, (_, i) => `${prefix}${i}`);

  it('an account far past the threshold that the set does not know (an imported network) reaches every follower through a new generation, with no DEL per follower', async () => {
    const fans = manyFans('gen');
    await users('imported', 'bystander', ...fans);
    await follow('imported', ...fans);
    await follow('small', 'bystander');
    // Its followers came in without a post of its own: the set does not know it is large.
    expect(await isLarge('imported')).toBe(false);
    await warm(...fans, 'bystander');
    const generationBefore = await Promise.all([0, 1, 2].map((s) => engine.redis.get(keys.feedGeneration(s))));
    const followers = vi.spyOn(engine.stores.graph, 'followers');
    try {
      const before = await delCalls();
      const id = await post('imported', 'to every follower at once');
      expect(followers, 'no follower list read').not.toHaveBeenCalled();
      expect((await delCalls()) - before, 'only its own feeds deleted').toBeLessThanOrEqual(2);
      expect(await isLarge('imported')).toBe(true);
      const generationAfter = await Promise.all([0, 1, 2].map((s) => engine.redis.get(keys.feedGeneration(s))));
      expect(new Set(generationAfter).size, 'one token in every copy').toBe(1);
      expect(generationAfter[0]).not.toBe(generationBefore[0]);
      for (const f of fans) {
        expect(await engine.redis.exists(keys.feed(f, 'following')), `${f}'s page is still there`).toBe(1);
        expect((await feedIds(f, 'following'))[0], `${f} sees the post at once`).toBe(id);
        expect((await feedIds(f, 'all'))[0]).toBe(id);
      }
      expect(await feedIds('bystander', 'following')).not.toContain(id);
      // Rebuilt in the new generation, the pages merge its recent list: the next post needs nothing.
      await warm(...fans);
      const next = await post('imported', 'and the next');
      for (const f of fans.slice(0, 5)) expect((await feedIds(f, 'following')).slice(0, 2)).toEqual([next, id]);
    } finally {
      followers.mockRestore();
    }
  });

  /**
   * The worst interleaving, made certain: the page's store read returns its snapshot only after
   * the post (and its invalidation) has fully landed, so the page written after it is older than
   * the post.
   */
  async function raceBuildWithPost(author: string, reader: string): Promise<string> {
    const documents = engine.stores.documents;
    const { postsByAuthors } = documents;
    let reached!: () => void;
    let release!: () => void;
    const snapshotTaken = new Promise<void>((r) => (reached = r));
    const posted = new Promise<void>((r) => (release = r));
    documents.postsByAuthors = async (...args) => {
      const snapshot = await postsByAuthors.apply(documents, args);
      reached();
      await posted;
      return snapshot;
    };
    let id: string;
    try {
      await engine.redis.del(keys.feed(reader, 'following'));
      const build = feedIds(reader, 'following');
      await snapshotTaken;
      documents.postsByAuthors = postsByAuthors;
      id = await post(author, 'lands while a page is built');
      release();
      expect(await build, 'the racing read itself began before the post').not.toContain(id);
    } finally {
      documents.postsByAuthors = postsByAuthors;
      release();
    }
    return id;
  }

  it('a page built from a store snapshot older than a small account\'s post is not cached over it', async () => {
    await users('racer', 'watcher');
    await follow('racer', 'watcher');
    const id = await raceBuildWithPost('racer', 'watcher');
    expect((await feedIds('watcher', 'following'))[0]).toBe(id);
  });

  it('a page built from a store snapshot older than a large account\'s post shows it through the merge', async () => {
    const fans = ['lw0', 'lw1', 'lw2'];
    await users('bigracer', ...fans);
    await follow('bigracer', ...fans);
    await post('bigracer', 'enters the set');
    expect(await isLarge('bigracer')).toBe(true);
    const id = await raceBuildWithPost('bigracer', 'lw0');
    expect(await engine.redis.exists(keys.feed('lw0', 'following')), 'the racing page was cached (no invalidation)').toBe(1);
    expect((await feedIds('lw0', 'following'))[0]).toBe(id);
  });

  it('a page built while a new generation starts is rebuilt on its next read', async () => {
    const fans = manyFans('gx');
    await users('genracer', ...fans);
    await follow('genracer', ...fans);
    expect(await isLarge('genracer')).toBe(false);
    const id = await raceBuildWithPost('genracer', 'gx1');
    expect(await engine.redis.exists(keys.feed('gx1', 'following')), 'the racing page was cached (nothing deleted it)').toBe(1);
    expect((await feedIds('gx1', 'following'))[0]).toBe(id);
  });

  it('a page built while an account crosses the threshold is not cached without it', async () => {
    const fans = ['cx0', 'cx1', 'cx2'];
    await users('crosser', ...fans);
    await follow('crosser', ...fans);
    // Three followers and never posted: the profile says large, the set does not know it yet.
    expect(await isLarge('crosser')).toBe(false);
    const id = await raceBuildWithPost('crosser', 'cx1');
    expect(await isLarge('crosser')).toBe(true);
    expect((await feedIds('cx1', 'following'))[0]).toBe(id);
  });
});
