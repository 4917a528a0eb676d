/**
 * L2: flush() returns only once what was acknowledged before it is in the store, also when the
 * timer's flush is in the middle of writing a batch it has already taken out of the queues (a
 * fault-suite run once read a post's likes_count one like short right after flush()).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import type { DocumentStore } from '../../src/main/core/stores/ports';
import { startTestEngine } from '../helpers/engine';

describe('sync.flush', () => {
  let engine: Engine;
  let call: Awaited<ReturnType<typeof startTestEngine>>['call'];

  beforeAll(async () => {
    ({ engine, call } = await startTestEngine());
    await call('users.create', { username: 'writer', displayName: 'Writer', password: 'password1' });
    await call('users.create', { username: 'fan', displayName: 'Fan', password: 'password1' });
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it('waits for a batch the timer took out of the queues and is still writing', async () => {
    const { id } = await call<{ id: string }>('posts.create', { author: 'writer', text: 'hello' });
    const docs = engine.stores.documents as DocumentStore;
    const setLikeCounts = docs.setLikeCounts.bind(docs);
    let entered!: () => void;
    const inBatch = new Promise<void>((resolve) => (entered = resolve));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const order: string[] = [];
    docs.setLikeCounts = async (counts) => {
      entered();
      await gate;
      const n = await setLikeCounts(counts);
      order.push('counts written');
      return n;
    };
    try {
      await call('likes.like', { postId: id, username: 'fan' });
      // The timer's flush (100 ms after the like) takes the post and stops in its count write.
      await inBatch;
      const flushed = engine.sync.flush().then(() => order.push('flush returned'));
      // A flush that did not wait would have returned by now: it awaits nothing but microtasks.
      await new Promise((resolve) => setImmediate(resolve));
      open();
      await flushed;
      expect(order).toEqual(['counts written', 'flush returned']);
      expect((await docs.getPost(id))?.likesCount).toBe(1);
    } finally {
      open();
      docs.setLikeCounts = setLikeCounts;
    }
  }, 60_000);
});
