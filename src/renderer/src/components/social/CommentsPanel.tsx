import { useState, type FormEvent } from 'react';
import { ago, fullTime } from '../../lib/time';
import { useComments } from '../../store/comments';
import { ErrorNote } from '../common/ErrorNote';
import { Loading } from '../common/States';
import { UserLink } from '../common/UserLink';

/** A post's comments, inline, with a one-line composer (Enter sends). */
export function CommentsPanel({ postId }: { postId: string }) {
  const thread = useComments((s) => s.threads[postId]);
  const { load, add, loadOlder } = useComments.getState();
  const [text, setText] = useState('');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() && (await add(postId, text))) setText('');
  };

  return (
    <section className="comments" aria-label="Comments" data-testid="comments">
      <form className="comment-form" onSubmit={(e) => void onSubmit(e)}>
        <input
          aria-label="Write a comment"
          placeholder="Write a comment…"
          value={text}
          maxLength={500}
          onChange={(e) => setText(e.target.value)}
          data-testid="comment-input"
        />
        <button type="submit" disabled={!text.trim() || thread?.adding} data-testid="comment-submit">
          {thread?.adding ? 'Sending…' : 'Comment'}
        </button>
      </form>
      {thread?.addError && <ErrorNote error={thread.addError} compact />}
      {(!thread || (thread.status === 'loading' && thread.data.length === 0)) && <Loading>Loading comments…</Loading>}
      {thread?.status === 'error' && thread.error && <ErrorNote error={thread.error} compact onRetry={() => void load(postId)} />}
      {thread?.status === 'ready' && thread.data.length === 0 && <p className="muted small">No comments yet. Say something nice.</p>}
      {thread && thread.data.length > 0 && (
        <ul className="comment-list">
          {thread.data.map((c) => (
            <li key={c.id} className="comment" data-testid="comment">
              <UserLink username={c.author} />
              <span className="comment-text">{c.text}</span>
              <time className="muted small" title={fullTime(c.createdAt)}>
                {ago(c.createdAt)}
              </time>
            </li>
          ))}
        </ul>
      )}
      {thread?.status === 'ready' && thread.hasMore && (
        <button type="button" className="ghost small" data-testid="comments-older" disabled={thread.loadingOlder} onClick={() => void loadOlder(postId)}>
          {thread.loadingOlder ? 'Loading older comments…' : 'Show older comments'}
        </button>
      )}
    </section>
  );
}
