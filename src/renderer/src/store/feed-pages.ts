/** Older pages of a feed (home feeds and a profile's posts), shared by the stores that show them. */
import type { ReadableError } from '../api/errors';
import { client } from '../api/client';
import { keepPosts, usePosts } from './posts';

/** The engine answers pages of this many posts; a shorter page is the end of the feed. */
export const FEED_PAGE = 50;

export interface FeedPaging {
  hasMore: boolean;
  loading: boolean;
  error: ReadableError | null;
}

export const noPaging = (): FeedPaging => ({ hasMore: false, loading: false, error: null });

/** Paging state after a first page of `count` posts. */
export const afterFirstPage = (count: number): FeedPaging => ({ ...noPaging(), hasMore: count >= FEED_PAGE });

/**
 * The page after the last of `ids`: the posts older than it, appended without repeats.
 * Null when there is nothing to page from (no posts yet, or the last one is not known).
 */
export async function olderPage(username: string, kind: 'all' | 'following' | 'self', ids: string[]): Promise<{ ids: string[]; hasMore: boolean } | null> {
  const last = usePosts.getState().byId[ids[ids.length - 1] ?? ''];
  if (!last) return null;
  const posts = await client.call('feeds.get', { username, kind, before: last.createdAt });
  const seen = new Set(ids);
  return { ids: [...ids, ...keepPosts(posts).filter((id) => !seen.has(id))], hasMore: posts.length >= FEED_PAGE };
}
