import { useState, type FormEvent } from 'react';
import { useUnreadTotal } from '../../store/messages';
import { useNav } from '../../store/nav';
import { useSession } from '../../store/session';
import { Avatar } from '../common/Avatar';

/** The left column: who you are, where to go, and a box to find someone by username. */
export function SideNav() {
  const user = useSession((s) => s.user);
  const screen = useNav((s) => s.screen);
  const show = useNav((s) => s.show);
  const unread = useUnreadTotal();
  const [query, setQuery] = useState('');
  if (!user) return null;

  const find = (e: FormEvent) => {
    e.preventDefault();
    const username = query.trim().replace(/^@/, '');
    if (!username) return;
    show({ name: 'profile', username });
    setQuery('');
  };
  const current = (name: string, username?: string) =>
    screen.name === name && (username === undefined || (screen.name === 'profile' && screen.username === username)) ? 'page' : undefined;

  return (
    <nav className="side-nav" aria-label="Social">
      <div className="me">
        <Avatar username={user.username} size="lg" />
        <div>
          <strong data-testid="me-display">{user.displayName}</strong>
          <span className="muted" data-testid="me-username">
            @{user.username}
          </span>
          <span className="muted small">
            {user.followers} followers · {user.following} following
          </span>
        </div>
      </div>
      <ul className="nav-list">
        <li>
          <button type="button" className="nav-item" aria-current={current('home')} data-testid="nav-home" onClick={() => show({ name: 'home' })}>
            Home
          </button>
        </li>
        <li>
          <button type="button" className="nav-item" aria-current={current('profile', user.username)} data-testid="nav-profile" onClick={() => show({ name: 'profile', username: user.username })}>
            Profile
          </button>
        </li>
        <li>
          <button type="button" className="nav-item" aria-current={current('messages')} data-testid="nav-messages" onClick={() => show({ name: 'messages' })}>
            Messages
            {unread > 0 && (
              <span className="badge" data-testid="nav-unread" aria-label={`${unread} unread`}>
                {unread}
              </span>
            )}
          </button>
        </li>
      </ul>
      <form className="find" onSubmit={find} role="search" aria-label="Find people">
        <label htmlFor="find-user">Find people</label>
        <input id="find-user" placeholder="username, then Enter" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="find-user" />
      </form>
    </nav>
  );
}
