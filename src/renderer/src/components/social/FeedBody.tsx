import type { ReactNode } from 'react';
import type { Loadable } from '../../lib/status';
import { Empty, Loading } from '../common/States';
import { ErrorNote } from '../common/ErrorNote';
import { PostList, type ListPaging } from './PostList';

interface Props {
  list: Loadable<string[]>;
  label: string;
  onRetry(): void;
  empty: { title: string; hint: ReactNode };
  paging?: ListPaging;
}

/** A list of posts in each of its states: loading, failed, empty or there. */
export function FeedBody({ list, label, onRetry, empty, paging }: Props) {
  if (list.status === 'error' && list.error) return <ErrorNote error={list.error} onRetry={onRetry} />;
  if (list.data.length === 0) {
    if (list.status === 'ready') return <Empty title={empty.title} testId="feed-empty">{empty.hint}</Empty>;
    return <Loading>Loading posts…</Loading>;
  }
  return <PostList ids={list.data} label={label} paging={paging} />;
}
