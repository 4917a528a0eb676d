/**
 * U5: direct messages. One conversation key per pair of users with the names sorted (K3), its
 * messages cached 300 s (oldest first), an unread HASH per participant, and each user's
 * conversations as a ZSET by last message time, cached 600 s.
 *
 * Unread counts carry no TTL (with volatile-lru they are never evicted): they are rebuilt from
 * the store (its messages and read receipts) only when a conversation's HASH is missing, after a
 * wipe. What a rebuild cannot see: a message or a read of the same moment whose store write
 * comes after the rebuild's count (ms around it).
 */
import type { Cluster } from 'ioredis';
import type { DocumentStore, MessageDoc } from '../stores/ports';
import { conversationPair, keys, TTL } from '../keys';
import { runScript } from '../lua/scripts';
import { readGrowingList, rebuildGrowingList } from './cached-list';

export const MESSAGES_LENGTH = 200;
export const CONVERSATIONS_LENGTH = 200;

export class MessageCache {
  constructor(
    private readonly redis: Cluster,
    private readonly documents: DocumentStore,
  ) {}

  async list(a: string, b: string): Promise<MessageDoc[]> {
    const key = keys.messages(a, b);
    const cached = await readGrowingList<MessageDoc>(this.redis, key);
    if (cached) return cached;
    // Oldest first in the cache (the store answers newest first): the snapshot's newest is its last.
    return rebuildGrowingList(
      this.redis, key, TTL.messages,
      async () => (await this.documents.listMessages(a, b, { limit: MESSAGES_LENGTH })).reverse(),
      async () => (await this.documents.listMessages(a, b, { limit: 1 }))[0]?.id ?? null,
      (items) => items.at(-1)?.id ?? null,
    );
  }

  /**
   * After the store has the message: append + unread in one step on the conversation's slot,
   * once (R8): the message's id is its operation id, so a resent script finds it in the
   * conversation's ops.
   */
  async onSent(message: MessageDoc): Promise<number> {
    const unreadKey = keys.unread(message.from, message.to);
    const unread = await runScript<number>(
      this.redis,
      'dmSend',
      [keys.messages(message.from, message.to), unreadKey, keys.opLog(unreadKey)],
      [JSON.stringify(message), message.to, MESSAGES_LENGTH, TTL.messages, message.id, TTL.ops],
    );
    // Each participant's conversation list lives on its own slot: two single-key updates.
    await Promise.all(
      [
        [message.from, message.to],
        [message.to, message.from],
      ].map(([owner, other]) => runScript(this.redis, 'zaddIfExists', [keys.conversations(owner as string)], [message.sentAt, other as string])),
    );
    return Number(unread);
  }

  async unread(username: string, other: string): Promise<number> {
    const key = keys.unread(username, other);
    const cached = await this.redis.hget(key, username);
    if (cached !== null) return Number(cached);
    // Missing: the field and the HASH are looked at again in one step. Asked one after the other,
    // the other participant's rebuild could land in between (field missing, then HASH there) and
    // this read would answer 0 for a count the rebuild had just written.
    const [field, exists] = ((await this.redis.multi().hget(key, username).exists(key).exec()) ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    }) as [string | null, number];
    if (field !== null && field !== undefined) return Number(field);
    // A field missing from a HASH that exists is 0 (nobody sent this participant anything yet).
    if (exists === 1) return 0;
    const [a, b] = conversationPair(username, other);
    const [countA, countB] = await Promise.all([this.documents.countUnread(a, b), this.documents.countUnread(b, a)]);
    await runScript(this.redis, 'hydrateUnread', [key], [a, countA, b, countB]);
    return Number((await this.redis.hget(key, username)) ?? 0);
  }

  /** After the store has the receipt: 0 in the HASH if there is one (a missing one is rebuilt on read). */
  async markRead(username: string, other: string): Promise<void> {
    await runScript(this.redis, 'hsetIfExists', [keys.unread(username, other)], [username, 0]);
  }

  /** Who `username` talks with, most recent first, with the time of the last message. */
  async conversations(username: string): Promise<{ with: string; lastMessageAt: number }[]> {
    const key = keys.conversations(username);
    const cached = await this.redis.zrevrange(key, 0, CONVERSATIONS_LENGTH - 1, 'WITHSCORES');
    if (cached.length > 0) {
      const out: { with: string; lastMessageAt: number }[] = [];
      for (let i = 0; i < cached.length; i += 2) out.push({ with: cached[i] as string, lastMessageAt: Number(cached[i + 1]) });
      return out;
    }
    const fresh = await this.documents.conversations(username, CONVERSATIONS_LENGTH);
    if (fresh.length > 0) {
      await this.redis
        .multi()
        .del(key)
        .zadd(key, ...fresh.flatMap((c) => [c.lastMessageAt, c.with]))
        .expire(key, TTL.conversations)
        .exec();
    }
    return fresh;
  }
}
