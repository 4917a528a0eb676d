import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/main/core/events';
import { silentLogger } from '../../src/main/core/log';
import type { SeedStores } from '../../src/main/core/seed/demo-data';
import { DemoLoader } from '../../src/main/core/services/demo-loader';
import type { DemoLoad } from '../../src/shared/types';

/** Stores that keep rows in memory, skip what exists as the real ones do, and can fail the posts once. */
function memoryStores(failPostsOnce: boolean) {
  const users = new Set<string>();
  const rows = { posts: new Set<string>(), follows: 0, likes: 0, comments: 0, messages: 0 };
  let fail = failPostsOnce;
  const stores = {
    documents: {
      countUsers: async () => users.size,
      createUsers: async (batch: { username: string }[]) => batch.filter((u) => !users.has(u.username) && users.add(u.username)).length,
      createPosts: async (batch: { id: string }[]) => {
        if (fail) {
          fail = false;
          throw new Error('the store went away');
        }
        return batch.filter((p) => !rows.posts.has(p.id) && rows.posts.add(p.id)).length;
      },
      recordLikes: async (changes: unknown[]) => void (rows.likes += changes.length),
      addComments: async (batch: unknown[]) => (rows.comments += batch.length, batch.length),
      addMessages: async (batch: unknown[]) => (rows.messages += batch.length, batch.length),
    },
    graph: { addUsers: async () => undefined, followMany: async (edges: unknown[]) => (rows.follows += edges.length, edges.length) },
  } as unknown as SeedStores;
  return { stores, users, rows };
}

async function finished(events: EventBus): Promise<DemoLoad> {
  return new Promise((resolve) => {
    const off = events.on((e) => {
      if (e.event === 'demo.progress' && (e.data as DemoLoad).state !== 'running') {
        off();
        resolve(e.data as DemoLoad);
      }
    });
  });
}

describe('DemoLoader', () => {
  it('a load that failed can run again at the same size and fills in the rest; another size, or a network with users, is refused', async () => {
    const { stores, users, rows } = memoryStores(true);
    const events = new EventBus();
    let forgotten = 0;
    const loader = new DemoLoader({ stores, events, clock: Date.now, log: silentLogger, scryptCost: 10, afterLoad: async () => void forgotten++ });
    let ended = finished(events);
    await loader.start(1000);
    expect(await ended).toMatchObject({ state: 'failed', error: 'the store went away' });
    expect(users.size).toBe(1000);
    expect(forgotten).toBe(0);
    await expect(loader.start(10_000)).rejects.toThrow(/has 1000 user\(s\) already/);
    ended = finished(events);
    await loader.start(1000);
    expect(await ended).toMatchObject({ state: 'done', percent: 100 });
    expect(users.size).toBe(1000);
    expect(rows.posts.size).toBe(2000);
    expect(forgotten).toBe(1);
    await expect(loader.start(1000)).rejects.toThrow(/already/);
  });
});
