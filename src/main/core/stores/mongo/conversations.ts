import type { AnyBulkWriteOperation } from 'mongodb';
import type { MessageDoc } from '../ports';
import type { ConversationRecord } from './records';

/**
 * The conversation entries a batch of messages touches: both participants see the other, at
 * the latest time in the batch. $max keeps it right whatever order batches arrive in, and
 * replaying messages that already exist is harmless, so callers apply it to every message.
 */
export function conversationUpdates(messages: MessageDoc[]): AnyBulkWriteOperation<ConversationRecord>[] {
  const latest = new Map<string, { owner: string; with: string; at: number }>();
  const touch = (owner: string, other: string, at: number) => {
    const id = `${owner}::${other}`;
    const seen = latest.get(id);
    if (!seen || seen.at < at) latest.set(id, { owner, with: other, at });
  };
  for (const m of messages) {
    touch(m.from, m.to, m.sentAt);
    touch(m.to, m.from, m.sentAt);
  }
  return [...latest].map(([id, c]) => ({
    updateOne: {
      filter: { _id: id },
      update: { $setOnInsert: { owner: c.owner, with: c.with }, $max: { last_message_at: c.at } },
      upsert: true,
    },
  }));
}
