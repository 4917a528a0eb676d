import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import { DEMO_PASSWORD, SEED_SPAN_MS } from '../../src/main/core/seed/demo-data';
import type { DemoLoad, Post, Stats, TrendingEntry } from '../../src/shared/types';
import { startTestEngine } from '../helpers/engine';

describe('first run: a demo network loaded by the running engine (issue 14, item 4)', () => {
  let engine: Engine;
  let call: <T>(method: string, input?: unknown) => Promise<T>;
  beforeAll(async () => {
    ({ engine, call } = await startTestEngine());
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('loads 1,000 users with progress events into an empty network, which then looks alive: recent posts, likes, comments, all trending windows, feeds that page', async () => {
    // Read before, so the counters and rankings exist for the empty network and must be rebuilt after.
    expect(await call<Stats>('stats.get')).toEqual({ postsCount: 0, usersCount: 0 });
    expect(await call<TrendingEntry[]>('trending.get', { window: '1h' })).toEqual([]);

    const progress: DemoLoad[] = [];
    const finished = new Promise<DemoLoad>((resolve) =>
      engine.events.on((e) => {
        if (e.event !== 'demo.progress') return;
        const load = e.data as DemoLoad;
        progress.push(load);
        if (load.state !== 'running') resolve(load);
      }),
    );
    const began = Date.now();
    // Two at once (a double click): one starts, the other is refused.
    const both = await Promise.all([engine.router.dispatch('demo.load', { users: 1000 }), engine.router.dispatch('demo.load', { users: 1000 })]);
    const started = both.find((r) => r.body.ok);
    expect(started?.body).toMatchObject({ ok: true, data: { state: 'running', users: 1000, percent: 0 } });
    expect(both.map((r) => (r.body.ok ? 'ok' : r.body.error.code)).sort()).toEqual(['conflict', 'ok']);
    const second = await engine.router.dispatch('demo.load', { users: 1000 });
    expect(second.body.ok === false && second.body.error.code).toBe('conflict');
    const done = await finished;
    expect(done, done.error ?? '').toMatchObject({ state: 'done', percent: 100, error: null, password: DEMO_PASSWORD });
    expect(done.accounts.length).toBeGreaterThanOrEqual(3);
    // Progress went up through every phase.
    expect(new Set(progress.map((p) => p.phase))).toEqual(new Set(['users', 'follows', 'posts', 'likes', 'comments', 'messages']));
    const percents = progress.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect((await call<{ load: DemoLoad }>('demo.status')).load).toMatchObject({ state: 'done', accounts: done.accounts });

    expect(await call<Stats>('stats.get')).toMatchObject({ usersCount: 1000 });
    for (const window of ['all', '1h', '24h'] as const) {
      expect((await call<TrendingEntry[]>('trending.get', { window })).length, window).toBeGreaterThan(0);
    }

    // The first listed account signs in with the demo password; its feed pages, and is recent and alive.
    const account = done.accounts[0]!;
    const { session } = await engine.accounts.signIn(account, DEMO_PASSWORD, 'test');
    expect(await engine.accounts.verify(session)).toBe(account);
    const first = await call<Post[]>('feeds.get', { username: account, kind: 'following', viewer: account });
    expect(first).toHaveLength(50);
    const next = await call<Post[]>('feeds.get', { username: account, kind: 'following', viewer: account, before: first.at(-1)!.createdAt });
    expect(next.length).toBeGreaterThan(0);
    const shown = [...first, ...next];
    const days = new Set(shown.map((p) => new Date(p.createdAt).toISOString().slice(0, 10)));
    expect(days.size, 'posts spread over several days').toBeGreaterThan(1);
    for (const p of shown) expect(p.createdAt).toBeGreaterThanOrEqual(began - SEED_SPAN_MS - 60_000);
    expect(first[0]!.createdAt, 'the newest post is from the last day').toBeGreaterThan(Date.now() - 24 * 3600_000);
    expect(shown.some((p) => p.likesCount > 0)).toBe(true);
    expect(shown.some((p) => p.commentsCount > 0)).toBe(true);

    // Only into an empty network.
    const again = await engine.router.dispatch('demo.load', { users: 1000 });
    expect(again.body.ok === false && again.body.error.message).toMatch(/has 1000 user\(s\) already/);
  });
});
