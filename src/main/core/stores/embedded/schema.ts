/**
 * Tables of the embedded store. Keys and usernames use COLLATE "C" so that ordering is by code
 * point, the same as MongoDB's and Neo4j's string order: "a.b" < "a_b" everywhere, and the
 * contract tests can expect one order from every adapter. Times are epoch ms in bigint.
 * Every index matches one query in document-store.ts / graph-store.ts (named in the comment).
 */

/** One name per case (document-store.ts, makeNamesUniqueRegardlessOfCase); also serves lower(username) = x. */
export const caseUniqueUsernames = `CREATE UNIQUE INDEX IF NOT EXISTS users_one_name_per_case ON users (lower(username));`;

export const documentSchema = `
CREATE TABLE IF NOT EXISTS users (
  username     text COLLATE "C" PRIMARY KEY,  -- getUser, listUsers
  display_name text NOT NULL,
  created_at   bigint NOT NULL,
  password_hash text                            -- credentials (accounts/passwords.ts); NULL: made before passwords
);
-- A store made before passwords: the column is added, its users have none (they cannot sign in).
ALTER TABLE users ADD COLUMN IF NOT EXISTS password_hash text;
-- searchUsers: lower(username) LIKE 'prefix%' becomes a range on this index, read in the order the
-- search returns, so LIMIT stops after \`limit\` rows however many names share the prefix. Under
-- COLLATE "C" the default operator class serves LIKE prefixes (text_pattern_ops would too, but it
-- could not serve the ORDER BY). IF NOT EXISTS: an existing data folder gets it at the next init.
CREATE INDEX IF NOT EXISTS users_by_folded_name ON users (lower(username), username);

-- caseUniqueUsernames (below) runs after this script: it can fail on an older store.

CREATE TABLE IF NOT EXISTS posts (
  id          text COLLATE "C" PRIMARY KEY,   -- getPost(s), setLikeCounts
  author      text COLLATE "C" NOT NULL,
  text        text NOT NULL,
  created_at  bigint NOT NULL,
  likes_count integer NOT NULL DEFAULT 0
);
-- postsByAuthors, countPostsBy
CREATE INDEX IF NOT EXISTS posts_by_author ON posts (author, created_at DESC, id DESC);
-- recentPosts
CREATE INDEX IF NOT EXISTS posts_by_time ON posts (created_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS likes (
  post_id  text COLLATE "C" NOT NULL,
  username text COLLATE "C" NOT NULL,
  PRIMARY KEY (post_id, username)               -- recordLikes, likers, likeStateOf
);
-- When it was liked (0 = unknown); a data folder from before it gets the column at its next init.
ALTER TABLE likes ADD COLUMN IF NOT EXISTS liked_at bigint NOT NULL DEFAULT 0;
-- likesSince
CREATE INDEX IF NOT EXISTS likes_by_time ON likes (liked_at);
-- topLikedPosts
CREATE INDEX IF NOT EXISTS posts_by_likes ON posts (likes_count DESC, id);

CREATE TABLE IF NOT EXISTS comments (
  id         text COLLATE "C" PRIMARY KEY,
  post_id    text COLLATE "C" NOT NULL,
  author     text COLLATE "C" NOT NULL,
  text       text NOT NULL,
  created_at bigint NOT NULL
);
-- listComments, countComments
CREATE INDEX IF NOT EXISTS comments_by_post ON comments (post_id, created_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS messages (
  id        text COLLATE "C" PRIMARY KEY,
  sender    text COLLATE "C" NOT NULL,
  recipient text COLLATE "C" NOT NULL,
  text      text NOT NULL,
  sent_at   bigint NOT NULL
);
-- listMessages, countUnread: one conversation whichever way each message went
CREATE INDEX IF NOT EXISTS messages_by_pair
  ON messages (LEAST(sender, recipient), GREATEST(sender, recipient), sent_at DESC, id DESC);
-- conversations
CREATE INDEX IF NOT EXISTS messages_by_sender ON messages (sender, sent_at);
CREATE INDEX IF NOT EXISTS messages_by_recipient ON messages (recipient, sent_at);

-- Read receipts: reader has read what other sent up to read_at (markRead, countUnread).
CREATE TABLE IF NOT EXISTS reads (
  reader  text COLLATE "C" NOT NULL,
  other   text COLLATE "C" NOT NULL,
  read_at bigint NOT NULL,
  PRIMARY KEY (reader, other)
);
`;

export const graphSchema = `
-- Users added to the graph (addUser), so someone with no edges yet is still a node, as in Neo4j.
CREATE TABLE IF NOT EXISTS graph_users (
  username text COLLATE "C" PRIMARY KEY
);

CREATE TABLE IF NOT EXISTS follows (
  follower text COLLATE "C" NOT NULL,
  followee text COLLATE "C" NOT NULL,
  PRIMARY KEY (follower, followee),             -- follow, isFollowing, following, suggestions
  CHECK (follower <> followee)
);
-- followers
CREATE INDEX IF NOT EXISTS follows_by_followee ON follows (followee, follower);

-- counts: each user's follower and following numbers, kept with every follow and unfollow in the
-- same statement (graph-store.ts), so a profile reads two numbers instead of counting ~300k rows
-- for the most-followed account of a 1M-user network. Users with no edges have no row (0, 0).
CREATE TABLE IF NOT EXISTS follow_counts (
  username  text COLLATE "C" PRIMARY KEY,
  followers bigint NOT NULL DEFAULT 0,
  following bigint NOT NULL DEFAULT 0
);
-- 'follow_counts' = '1' once follow_counts matches follows: a store made before it is counted once at init.
CREATE TABLE IF NOT EXISTS graph_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);
`;

/** Every table, for tests and tools that need an empty store without a new initdb. */
export const embeddedTables = ['users', 'posts', 'likes', 'comments', 'messages', 'reads', 'graph_users', 'follows', 'follow_counts'] as const;
