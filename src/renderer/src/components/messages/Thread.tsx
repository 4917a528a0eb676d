import { useEffect, useRef, useState, type FormEvent } from 'react';
import { submitOnEnter } from '../../lib/keyboard';
import { clockTime, fullTime } from '../../lib/time';
import { useMessages } from '../../store/messages';
import { useSession } from '../../store/session';
import { ErrorNote } from '../common/ErrorNote';
import { Empty, Loading } from '../common/States';
import { UserLink } from '../common/UserLink';

export function Thread({ other }: { other: string }) {
  const { thread, sending, sendError, open, send } = useMessages();
  const myName = useSession((s) => s.user?.username);
  const [text, setText] = useState('');
  const endRef = useRef<HTMLDivElement>(null);
  // Braces matter: scrollIntoView returns a promise in recent Chromium, and React would take it for a cleanup.
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
  }, [thread.data.length]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() && (await send(text))) setText('');
  };
  return (
    <div className="thread" data-testid="thread" data-with={other}>
      <header className="thread-head">
        <UserLink username={other} />
      </header>
      <div className="thread-messages" aria-live="polite" aria-label={`Messages with ${other}`}>
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
        <div ref={endRef} />
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
