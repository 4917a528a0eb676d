import { useState, type FormEvent } from 'react';
import { ago, fullTime } from '../../lib/time';
import { useMessages } from '../../store/messages';
import { Avatar } from '../common/Avatar';
import { ErrorNote } from '../common/ErrorNote';
import { Loading } from '../common/States';

export function ConversationList() {
  const { conversations, active, open, loadConversations } = useMessages();
  const [to, setTo] = useState('');
  const start = (e: FormEvent) => {
    e.preventDefault();
    const username = to.trim().replace(/^@/, '');
    if (!username) return;
    void open(username);
    setTo('');
  };
  return (
    <div className="conversations">
      <form className="new-conversation" onSubmit={start} aria-label="New conversation">
        <input aria-label="Message a username" placeholder="New message to…" value={to} onChange={(e) => setTo(e.target.value)} data-testid="new-conversation" />
        <button type="submit" disabled={!to.trim()}>
          Start
        </button>
      </form>
      {conversations.status === 'error' && conversations.error && <ErrorNote error={conversations.error} compact onRetry={() => void loadConversations()} />}
      {conversations.status === 'loading' && conversations.data.length === 0 && <Loading>Loading conversations…</Loading>}
      {conversations.status === 'ready' && conversations.data.length === 0 && <p className="muted small">No conversations yet.</p>}
      <ul className="conversation-list">
        {conversations.data.map((c) => (
          <li key={c.with}>
            <button
              type="button"
              className={`conversation${c.with === active ? ' conversation-active' : ''}`}
              aria-current={c.with === active ? 'true' : undefined}
              data-testid="conversation"
              data-with={c.with}
              onClick={() => void open(c.with)}
            >
              <Avatar username={c.with} size="sm" />
              <span className="conversation-who">@{c.with}</span>
              <time className="muted small" title={fullTime(c.lastMessageAt)}>
                {ago(c.lastMessageAt)}
              </time>
              {c.unread > 0 && (
                <span className="badge" data-testid="unread-badge" aria-label={`${c.unread} unread`}>
                  {c.unread}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
