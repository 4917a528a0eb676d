import type { Db, IndexSpecification } from 'mongodb';
import type { Logger } from '../../log';

/**
 * One index per query shape in document-store.ts. Users, posts, comments, messages and likes
 * are looked up by `_id` (the natural id), which every server indexes uniquely already.
 */
const indexes: Record<string, { key: IndexSpecification; name: string; unique?: boolean }[]> = {
  posts: [
    { key: { author: 1, created_at: -1, _id: -1 }, name: 'by_author_newest' }, // postsByAuthors, countPostsBy
    { key: { created_at: -1, _id: -1 }, name: 'newest' }, // recentPosts
  ],
  comments: [{ key: { post_id: 1, created_at: -1, _id: -1 }, name: 'by_post_newest' }], // listComments, countComments
  messages: [
    { key: { pair: 1, sent_at: -1, _id: -1 }, name: 'by_pair_newest' }, // listMessages
    { key: { from: 1, sent_at: -1 }, name: 'by_sender_newest' }, // conversations
    { key: { to: 1, sent_at: -1 }, name: 'by_recipient_newest' }, // conversations
  ],
  // likers; unique as a second guard besides the "<postId>::<username>" _id
  likes: [{ key: { post_id: 1, username: 1 }, name: 'one_like_per_user', unique: true }],
};

export async function ensureIndexes(db: Db, log: Logger): Promise<void> {
  for (const [collection, specs] of Object.entries(indexes)) {
    for (const spec of specs) {
      await db.collection(collection).createIndex(spec.key, spec.unique ? { name: spec.name, unique: true } : { name: spec.name });
    }
  }
  log.debug(`MongoDB indexes ensured in ${db.databaseName}`);
}
