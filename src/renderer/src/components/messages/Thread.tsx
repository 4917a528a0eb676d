import { useLayoutEffect, useRef, useState, type FormEvent, type UIEvent } from 'react';
import { submitOnEnter } from '../../lib/keyboard';
import { clockTime, fullTime } from '../../lib/time';
import { useMessages } from '../../store/messages';
import { useSession } from '../../store/session';
import { ErrorNote } from '../common/ErrorNote';
import { Empty, Loading } from '../common/States';
import { UserLink } from '../common/UserLink';

/** How near the top (px) scrolling up asks for the page of older messages. */
const NEAR_TOP = 120;

export function Thread({ other }: { other: string }) {
  const { thread, history, sending, sendError, open, send, loadOlder } = useMessages();
  const myName = useSession((s) => s.user?.username);
  const [text, setText] = useState('');
  const scrollRef = useRef<HTMLDivElement>(null);
  /** What the list showed at the last render: its first and last ids, and its scroll height. */
  const shown = useRef<{ first?: string; last?: string; height: number }>({ height: 0 });
  // A new message at the end scrolls to it; older ones put before keep the same messages in view.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const first = thread.data[0]?.id;
    const last = thread.data.at(-1)?.id;
    const before = shown.current;
    if (before.last === last && before.first !== first && before.first !== undefined) el.scrollTop += el.scrollHeight - before.height;
    else if (before.last !== last) el.scrollTop = el.scrollHeight;
    shown.current = { first, last, height: el.scrollHeight };
  }, [thread.data]);
  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    if (e.currentTarget.scrollTop < NEAR_TOP) void loadOlder();
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() && (await send(text))) setText('');
  };
  return (
    <div className="thread" data-testid="thread" data-with={other}>
      <header className="thread-head">
        <UserLink username={other} />
      </header>
      <div ref={scrollRef} className="thread-messages" aria-live="polite" aria-label={`Messages with ${other}`} onScroll={onScroll} data-testid="thread-messages">
        {thread.status === 'ready' && thread.data.length > 0 && (
          <div className="thread-start muted small" data-testid="thread-start" data-state={history.loading ? 'loading' : history.error ? 'error' : history.hasMore ? 'more' : 'start'}>
            {history.loading && 'Loading older messages…'}
            {history.error && (
              <span className="warn" title={history.error.detail}>
                Older messages could not be loaded: {history.error.title}{' '}
                <button type="button" className="ghost" onClick={() => void loadOlder()}>
                  Retry
                </button>
              </span>
            )}
            {!history.loading && !history.error && history.hasMore && 'Scroll up for older messages'}
            {!history.loading && !history.error && !history.hasMore && `The start of your conversation with @${other}`}
          </div>
        )}
        {thread.status === 'loading' && <Loading>Loading messages…</Loading>}
        {thread.status === 'error' && thread.error && <ErrorNote error={thread.error} onRetry={() => void open(other)} />}
        {thread.status === 'ready' && thread.data.length === 0 && <Empty title={`Say hello to @${other}`}>Messages you send appear here and on their side at once.</Empty>}
        <ol className="bubbles">
          {thread.data.map((m) => (
            <li key={m.id} className={`bubble ${m.from === myName ? 'bubble-mine' : 'bubble-theirs'}`} data-testid="message">
              <span className="bubble-text">{m.text}</span>
              <time className="small" title={fullTime(m.sentAt)}>
                {clockTime(m.sentAt)}
              </time>
            </li>
          ))}
        </ol>
      </div>
      {thread.status !== 'error' && (
        <form className="message-composer" onSubmit={(e) => void onSubmit(e)} aria-label={`Message ${other}`}>
          {sendError && <ErrorNote error={sendError} compact />}
          <textarea
            aria-label={`Message @${other}`}
            placeholder={`Message @${other} — Enter to send`}
            rows={2}
            maxLength={2000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={submitOnEnter}
            data-testid="message-text"
          />
          <button type="submit" className="primary" disabled={sending || !text.trim()} data-testid="message-send">
            {sending ? 'Sending…' : 'Send'}
          </button>
        </form>
      )}
    </div>
  );
}
