import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import type { Comment, Message } from '../../src/shared/types';
import { startTestEngine } from '../helpers/engine';

describe('history past the cached window: DM threads and comments page back from the store (issue 14, item 5)', () => {
  let engine: Engine;
  let call: <T>(method: string, input?: unknown) => Promise<T>;
  beforeAll(async () => {
    ({ engine, call } = await startTestEngine());
    for (const u of ['hist_a', 'hist_b']) await call('users.create', { username: u, displayName: u, password: 'password1' });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('a 250-message thread: the newest 200 first, then keyset pages of older ones down to the first, none twice', async () => {
    for (let i = 1; i <= 250; i++) await call('messages.send', i % 3 ? { from: 'hist_a', to: 'hist_b', text: `message ${i}` } : { from: 'hist_b', to: 'hist_a', text: `message ${i}` });
    const window = await call<Message[]>('messages.list', { a: 'hist_b', b: 'hist_a' });
    expect(window.map((m) => m.text)).toEqual(Array.from({ length: 200 }, (_, i) => `message ${i + 51}`));
    const older = await call<Message[]>('messages.list', { a: 'hist_a', b: 'hist_b', before: window[0]!.sentAt, beforeId: window[0]!.id });
    expect(older.map((m) => m.text)).toEqual(Array.from({ length: 50 }, (_, i) => `message ${i + 1}`));
    expect(await call<Message[]>('messages.list', { a: 'hist_a', b: 'hist_b', before: older[0]!.sentAt })).toEqual([]);
    // A page in the middle: exactly the 100 before a given message.
    const middle = await call<Message[]>('messages.list', { a: 'hist_a', b: 'hist_b', before: window[150]!.sentAt });
    expect(middle.map((m) => m.text)).toEqual(Array.from({ length: 100 }, (_, i) => `message ${i + 101}`));
  });

  it('130 comments: the newest 100, then the 30 older ones', async () => {
    const { id } = await call<{ id: string }>('posts.create', { author: 'hist_a', text: 'talk to me' });
    for (let i = 1; i <= 130; i++) await call('comments.add', { postId: id, author: i % 2 ? 'hist_a' : 'hist_b', text: `comment ${i}` });
    const newest = await call<Comment[]>('comments.list', { postId: id });
    expect(newest.map((c) => c.text)).toEqual(Array.from({ length: 100 }, (_, i) => `comment ${130 - i}`));
    const older = await call<Comment[]>('comments.list', { postId: id, before: newest.at(-1)!.createdAt, beforeId: newest.at(-1)!.id });
    expect(older.map((c) => c.text)).toEqual(Array.from({ length: 30 }, (_, i) => `comment ${30 - i}`));
    expect(await call<Comment[]>('comments.list', { postId: id, before: older.at(-1)!.createdAt })).toEqual([]);
  });
});
