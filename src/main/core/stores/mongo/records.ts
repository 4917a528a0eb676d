/**
 * How the documents look inside MongoDB. Field names follow the seed (`likes_count` on posts,
 * natural ids as `_id`), so the collections read the same as in the architecture document.
 * `_id` is the username for users and the caller's id elsewhere: uniqueness comes from the
 * _id index every MongoDB-wire server has, not from a secondary unique index.
 */
import { foldUsername, type CommentDoc, type LikeChange, type MessageDoc, type PostDoc, type UserDoc } from '../ports';

/**
 * `username_lower` is foldUsername(_id), stored so that searchUsers is an index range (a
 * case-insensitive regex or a collation could not use a plain index, and FerretDB has no
 * collations). Users written before it existed get it from ensureIndexes (indexes.ts).
 */
/** `password_hash`: accounts/passwords.ts; absent for a user made before passwords (it cannot sign in). Never read by userDoc. */
export interface UserRecord { _id: string; username_lower: string; display_name: string; created_at: number; password_hash?: string }
export interface PostRecord { _id: string; author: string; text: string; created_at: number; likes_count: number }
export interface CommentRecord { _id: string; post_id: string; author: string; text: string; created_at: number }
/** `pair` is the two usernames in code-point order joined by "::" (as K3 does), one conversation either way. */
export interface MessageRecord { _id: string; from: string; to: string; pair: string; text: string; sent_at: number }
/**
 * `_id` is "<postId>::<username>", so a like is inserted (or deleted) by key, never upserted.
 * `liked_at` is when (0 = unknown; records from before it have none, read as 0).
 */
export interface LikeRecord { _id: string; post_id: string; username: string; liked_at?: number }

/** A read receipt: `_id` is "<reader>::<other>", read up to `read_at`. */
export interface ReadRecord { _id: string; read_at: number }

const PAIR_SEPARATOR = '::';

/** ":" is allowed in neither usernames nor ids (names.ts), so no two pairs can share a key. */
export function conversationPair(a: string, b: string): string {
  return a < b ? `${a}${PAIR_SEPARATOR}${b}` : `${b}${PAIR_SEPARATOR}${a}`;
}

/** Ordered (reader first): each participant has a receipt of their own. */
export function readId(reader: string, other: string): string {
  return `${reader}${PAIR_SEPARATOR}${other}`;
}

export function likeId(postId: string, username: string): string {
  return `${postId}${PAIR_SEPARATOR}${username}`;
}

export const userRecord = (u: UserDoc, passwordHash?: string): UserRecord => ({
  _id: u.username,
  username_lower: foldUsername(u.username),
  display_name: u.displayName,
  created_at: u.createdAt,
  ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
});
export const userDoc = (r: UserRecord): UserDoc => ({ username: r._id, displayName: r.display_name, createdAt: r.created_at });

export const postRecord = (p: PostDoc): PostRecord => ({ _id: p.id, author: p.author, text: p.text, created_at: p.createdAt, likes_count: p.likesCount });
export const postDoc = (r: PostRecord): PostDoc => ({ id: r._id, author: r.author, text: r.text, createdAt: r.created_at, likesCount: r.likes_count });

export const commentRecord = (c: CommentDoc): CommentRecord => ({ _id: c.id, post_id: c.postId, author: c.author, text: c.text, created_at: c.createdAt });
export const commentDoc = (r: CommentRecord): CommentDoc => ({ id: r._id, postId: r.post_id, author: r.author, text: r.text, createdAt: r.created_at });

export const messageRecord = (m: MessageDoc): MessageRecord => ({ _id: m.id, from: m.from, to: m.to, pair: conversationPair(m.from, m.to), text: m.text, sent_at: m.sentAt });
export const messageDoc = (r: MessageRecord): MessageDoc => ({ id: r._id, from: r.from, to: r.to, text: r.text, sentAt: r.sent_at });

export const likeRecord = (c: LikeChange): LikeRecord => ({ _id: likeId(c.postId, c.username), post_id: c.postId, username: c.username, liked_at: c.at ?? 0 });
