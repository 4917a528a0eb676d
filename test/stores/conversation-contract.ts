import { describe, expect, it } from 'vitest';
import type { DocumentStore, MessageDoc } from '../../src/main/core/stores/ports';

const T0 = 1_700_000_000_000;
const msg = (id: string, from: string, to: string, sentAt: number): MessageDoc => ({ id, from, to, text: `text ${id}`, sentAt });

/** Direct messages (U5): part of the DocumentStore contract, kept apart to stay readable. */
export function describeConversationContract(store: () => DocumentStore): void {
  describe('messages', () => {
    it('adding a message twice keeps one; addMessages counts only new ids', async () => {
      const m = msg('m1', 'alice', 'bob', T0);
      expect(await store().addMessage(m)).toBe(true);
      expect(await store().addMessage({ ...m, text: 'changed' })).toBe(false);
      expect(await store().addMessages([m, msg('m2', 'bob', 'alice', T0 + 1), msg('m2', 'bob', 'alice', T0 + 1)])).toBe(1);
      expect(await store().addMessages([])).toBe(0);
      expect(await store().listMessages('alice', 'bob', { limit: 10 })).toEqual([msg('m2', 'bob', 'alice', T0 + 1), m]);
    });

    it('listMessages returns both directions newest first, paged with `before`, and no other pair', async () => {
      await store().addMessages([
        msg('m1', 'alice', 'bob', T0 + 1), msg('m2', 'bob', 'alice', T0 + 2), msg('m3', 'alice', 'bob', T0 + 3),
        msg('x1', 'alice', 'carol', T0 + 4), msg('x2', 'carol', 'bob', T0 + 5),
      ]);
      const newest = await store().listMessages('bob', 'alice', { limit: 2 });
      expect(newest.map((m) => m.id)).toEqual(['m3', 'm2']);
      const older = await store().listMessages('alice', 'bob', { limit: 2, before: newest[1]!.sentAt });
      expect(older.map((m) => m.id)).toEqual(['m1']);
      expect(await store().listMessages('alice', 'dave', { limit: 5 })).toEqual([]);
    });

    it('pages by (sentAt, id) with `beforeId`: messages that share a time are neither skipped nor repeated', async () => {
      // Five messages in one millisecond (two engines on one store), two before, one after.
      await store().addMessages([
        msg('a0', 'alice', 'bob', T0), msg('a1', 'bob', 'alice', T0 + 1),
        ...['s1', 's2', 's3', 's4', 's5'].map((id) => msg(id, 'alice', 'bob', T0 + 2)),
        msg('z9', 'bob', 'alice', T0 + 3),
      ]);
      const seen: string[] = [];
      let page = await store().listMessages('alice', 'bob', { limit: 3 });
      while (page.length > 0) {
        seen.push(...page.map((m) => m.id));
        const last = page.at(-1)!;
        page = await store().listMessages('bob', 'alice', { limit: 3, before: last.sentAt, beforeId: last.id });
      }
      expect(seen).toEqual(['z9', 's5', 's4', 's3', 's2', 's1', 'a1', 'a0']);
      // Without beforeId, `before` stays strict.
      expect((await store().listMessages('alice', 'bob', { limit: 10, before: T0 + 2 })).map((m) => m.id)).toEqual(['a1', 'a0']);
    });

    it('conversations lists each partner once, most recent first, with the time of the last message', async () => {
      await store().addMessages([
        msg('m1', 'alice', 'bob', T0 + 1), msg('m2', 'carol', 'alice', T0 + 2), msg('m3', 'bob', 'alice', T0 + 3),
        msg('m4', 'alice', 'dave', T0 + 4), msg('m5', 'carol', 'bob', T0 + 9),
      ]);
      expect(await store().conversations('alice', 10)).toEqual([
        { with: 'dave', lastMessageAt: T0 + 4 },
        { with: 'bob', lastMessageAt: T0 + 3 },
        { with: 'carol', lastMessageAt: T0 + 2 },
      ]);
      expect(await store().conversations('alice', 2)).toEqual([
        { with: 'dave', lastMessageAt: T0 + 4 },
        { with: 'bob', lastMessageAt: T0 + 3 },
      ]);
      expect(await store().conversations('bob', 10)).toEqual([
        { with: 'carol', lastMessageAt: T0 + 9 },
        { with: 'alice', lastMessageAt: T0 + 3 },
      ]);
      expect(await store().conversations('nobody', 10)).toEqual([]);
    });

    it('countUnread counts what the other sent after the reader\'s receipt; a later receipt wins; each side has its own', async () => {
      await store().addMessages([
        msg('m1', 'bob', 'alice', T0 + 1), msg('m2', 'bob', 'alice', T0 + 2), msg('m3', 'alice', 'bob', T0 + 3),
        msg('m4', 'bob', 'alice', T0 + 4), msg('m5', 'carol', 'alice', T0 + 5), msg('m6', 'bob', 'a.b-c_d', T0 + 6),
      ]);
      expect(await store().countUnread('alice', 'bob')).toBe(3);
      expect(await store().countUnread('bob', 'alice')).toBe(1);
      expect(await store().countUnread('alice', 'nobody')).toBe(0);
      await store().markRead('alice', 'bob', T0 + 2);
      expect(await store().countUnread('alice', 'bob')).toBe(1);
      expect(await store().countUnread('bob', 'alice')).toBe(1);
      expect(await store().countUnread('alice', 'carol')).toBe(1);
      await store().markRead('alice', 'bob', T0 + 1);
      expect(await store().countUnread('alice', 'bob')).toBe(1);
      await store().markRead('alice', 'bob', T0 + 4);
      expect(await store().countUnread('alice', 'bob')).toBe(0);
      await store().markRead('bob', 'alice', T0 + 9);
      expect(await store().countUnread('bob', 'alice')).toBe(0);
      expect(await store().countUnread('a.b-c_d', 'bob')).toBe(1);
    });
  });
}
