import { MongoServerError, type AnyBulkWriteOperation, type Db, type IndexSpecification } from 'mongodb';
import type { Logger } from '../../log';
import { foldUsername } from '../ports';
import { isDuplicateKey } from './bulk';
import type { UserRecord } from './records';

/** The index searchUsers reads; its presence also says the backfill below is done. */
const FOLDED_NAME_INDEX = 'by_folded_name';
/** Unique on the folded name; a database made by an older version may hold names it refuses. */
const CASE_UNIQUE_INDEX = 'one_name_per_case';
/** What listIndexes answers for a collection that does not exist yet. */
const NAMESPACE_NOT_FOUND = 26;

/**
 * One index per query shape in document-store.ts. Users, posts, comments, messages and likes
 * are looked up by `_id` (the natural id), which every server indexes uniquely already.
 */
const indexes: Record<string, { key: IndexSpecification; name: string; unique?: boolean }[]> = {
  // searchUsers: { username_lower: { $gte: p, $lt: p + U+10FFFF } } sorted { username_lower, _id }.
  // On MongoDB 7 that is one IXSCAN whose bounds and order both come from this index (no SORT
  // stage, LIMIT stops early). FerretDB 1.24 runs the same query and creates the index, but
  // evaluates a string range itself (it pushes down equality only), so there it is a scan.
  // A prefix range needs no escaping: nothing in it can act as a wildcard.
  users: [
    { key: { username_lower: 1, _id: 1 }, name: FOLDED_NAME_INDEX },
    // createUser: one account per name regardless of case ("Alice" and "alice" cannot both
    // exist); the insert's duplicate-key error on it is the same "taken" as one on _id.
    { key: { username_lower: 1 }, name: CASE_UNIQUE_INDEX, unique: true },
  ],
  posts: [
    { key: { author: 1, created_at: -1, _id: -1 }, name: 'by_author_newest' }, // postsByAuthors, countPostsBy
    { key: { created_at: -1, _id: -1 }, name: 'newest' }, // recentPosts
    { key: { likes_count: -1, _id: 1 }, name: 'most_liked' }, // topLikedPosts
  ],
  comments: [{ key: { post_id: 1, created_at: -1, _id: -1 }, name: 'by_post_newest' }], // listComments, countComments
  messages: [
    { key: { pair: 1, sent_at: -1, _id: -1 }, name: 'by_pair_newest' }, // listMessages, countUnread
    { key: { from: 1, sent_at: -1 }, name: 'by_sender_newest' }, // conversations
    { key: { to: 1, sent_at: -1 }, name: 'by_recipient_newest' }, // conversations
  ],
  // likers; unique as a second guard besides the "<postId>::<username>" _id
  likes: [
    { key: { post_id: 1, username: 1 }, name: 'one_like_per_user', unique: true },
    { key: { liked_at: 1 }, name: 'by_time' }, // likesSince
  ],
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 200);

export async function ensureIndexes(db: Db, log: Logger): Promise<void> {
  await backfillFoldedNames(db, log);
  for (const [collection, specs] of Object.entries(indexes)) {
    for (const spec of specs) {
      try {
        await db.collection(collection).createIndex(spec.key, spec.unique ? { name: spec.name, unique: true } : { name: spec.name });
      } catch (err) {
        if (spec.name !== CASE_UNIQUE_INDEX || !isDuplicateKey(err)) throw err;
        log.warn(
          `MongoDB: usernames that differ only in case exist already in ${db.databaseName}; they stay, ` +
            `and names are unique regardless of case once only one of each is left (${errorText(err)})`,
        );
      }
    }
  }
  log.debug(`MongoDB indexes ensured in ${db.databaseName}`);
}

/** Users per update command of the backfill. */
const BACKFILL_BATCH = 1000;

/**
 * Users written before searchUsers existed have no `username_lower`. They get it once, before
 * the index is created: the index existing means a backfill has finished in this database (it
 * runs again after an interruption), so later starts skip the scan. Paged by `_id`, so each page
 * is an _id index range on every server; plain $set updates, which FerretDB 1.x runs too.
 */
async function backfillFoldedNames(db: Db, log: Logger): Promise<void> {
  const users = db.collection<UserRecord>('users');
  const existing = await users
    .listIndexes()
    .toArray()
    .catch((err: unknown) => {
      if (err instanceof MongoServerError && err.code === NAMESPACE_NOT_FOUND) return []; // no users yet
      throw err;
    });
  if (existing.some((index) => index.name === FOLDED_NAME_INDEX)) return;
  let after = '';
  let filled = 0;
  for (;;) {
    const page = await users
      .find({ _id: { $gt: after }, username_lower: { $exists: false } }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(BACKFILL_BATCH)
      .toArray();
    if (page.length === 0) break;
    const updates: AnyBulkWriteOperation<UserRecord>[] = page.map(({ _id }) => ({
      updateOne: { filter: { _id }, update: { $set: { username_lower: foldUsername(_id) } } },
    }));
    await users.bulkWrite(updates, { ordered: false });
    filled += page.length;
    after = page[page.length - 1]!._id;
  }
  if (filled > 0) log.info(`MongoDB: added the search name to ${filled} existing users in ${db.databaseName}`);
}
