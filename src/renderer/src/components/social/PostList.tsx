import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { PostCard } from './PostCard';

/**
 * A feed's posts, virtualized: only the rows near the viewport are in the DOM, each measured
 * as it renders (comments open inline change a row's height).
 */
export function PostList({ ids, label }: { ids: string[]; label: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 132,
    overscan: 6,
    getItemKey: (i) => ids[i] ?? i,
    useFlushSync: false,
  });
  return (
    <div ref={scrollRef} className="post-scroll" data-testid="post-list" role="feed" aria-label={label} aria-busy={false}>
      <div className="post-scroll-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const id = ids[row.index] as string;
          return (
            <div key={row.key} data-index={row.index} ref={virtualizer.measureElement} className="post-row" style={{ transform: `translateY(${row.start}px)` }}>
              <PostCard id={id} position={row.index + 1} total={ids.length} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
