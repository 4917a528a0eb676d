import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { ReadableError } from '../../api/errors';
import { PostCard } from './PostCard';

/** Older posts on demand: asked for when the last rows come into view. */
export interface ListPaging {
  hasMore: boolean;
  loading: boolean;
  error: ReadableError | null;
  onMore(): void;
}

/** How close to the end (in rows) the next page is asked for. */
const AHEAD = 5;

/**
 * A feed's posts, virtualized: only the rows near the viewport are in the DOM, each measured
 * as it renders (comments open inline change a row's height). With `paging`, scrolling near the
 * end loads the next page, and the end of the list says whether there is more.
 */
export function PostList({ ids, label, paging }: { ids: string[]; label: string; paging?: ListPaging }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 132,
    overscan: 6,
    getItemKey: (i) => ids[i] ?? i,
    useFlushSync: false,
  });
  const rows = virtualizer.getVirtualItems();
  const lastShown = rows[rows.length - 1]?.index ?? -1;
  const wantMore = paging !== undefined && paging.hasMore && !paging.loading && paging.error === null && lastShown >= ids.length - AHEAD;
  const onMore = paging?.onMore;
  useEffect(() => {
    if (wantMore) onMore?.();
  }, [wantMore, onMore, ids.length]);
  return (
    <div ref={scrollRef} className="post-scroll" data-testid="post-list" role="feed" aria-label={label} aria-busy={paging?.loading ?? false}>
      <div className="post-scroll-inner" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => {
          const id = ids[row.index] as string;
          return (
            <div key={row.key} data-index={row.index} ref={virtualizer.measureElement} className="post-row" style={{ transform: `translateY(${row.start}px)` }}>
              <PostCard id={id} position={row.index + 1} total={ids.length} />
            </div>
          );
        })}
      </div>
      {paging && (
        <div className="feed-end" data-testid="feed-end" data-state={paging.loading ? 'loading' : paging.error ? 'error' : paging.hasMore ? 'more' : 'end'}>
          {paging.loading && <span className="muted">Loading older posts…</span>}
          {paging.error && (
            <span className="warn" title={paging.error.detail}>
              Older posts could not be loaded: {paging.error.title}{' '}
              <button type="button" className="ghost" onClick={() => paging.onMore()}>
                Retry
              </button>
            </span>
          )}
          {!paging.loading && !paging.error && !paging.hasMore && <span className="muted">{ids.length} posts · that is all</span>}
        </div>
      )}
    </div>
  );
}
