import { useCallback } from 'react';
import { FEED_KINDS, useFeed, type FeedKind } from '../../store/feed';
import { Tabs } from '../common/Tabs';
import { Composer } from './Composer';
import { FeedBody } from './FeedBody';

const LABELS: Record<FeedKind, string> = { all: 'All', following: 'Following', self: 'My posts' };
const EMPTY: Record<FeedKind, { title: string; hint: string }> = {
  all: { title: 'Nothing here yet', hint: 'Post something, or follow people from "Who to follow".' },
  following: { title: 'No posts from people you follow', hint: 'Follow someone to see their posts here.' },
  self: { title: 'You have not posted yet', hint: 'Write your first post above.' },
};

export function HomeFeed() {
  const kind = useFeed((s) => s.kind);
  const list = useFeed((s) => s.lists[s.kind]);
  const paging = useFeed((s) => s.paging[s.kind]);
  const fresh = useFeed((s) => s.fresh);
  const { select, load, loadMore } = useFeed.getState();
  const onMore = useCallback(() => void loadMore(kind), [loadMore, kind]);
  return (
    <section className="panel column-panel" aria-label="Home">
      <Composer />
      <div className="feed-head">
        <Tabs label="Feeds" options={FEED_KINDS.map((k) => ({ value: k, label: LABELS[k] }))} value={kind} onChange={select} testId="feed-tab" />
        <button type="button" className="ghost" onClick={() => void load()} disabled={list.status === 'loading'} aria-label="Refresh feed" data-testid="feed-refresh">
          ↻
        </button>
      </div>
      {fresh > 0 && (
        <button type="button" className="fresh-posts" data-testid="fresh-posts" onClick={() => void load()}>
          {fresh === 1 ? '1 new post' : `${fresh} new posts`} · show
        </button>
      )}
      <FeedBody list={list} label={`${LABELS[kind]} feed`} onRetry={() => void load()} empty={EMPTY[kind]} paging={{ ...paging, onMore }} />
    </section>
  );
}
