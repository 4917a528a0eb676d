import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { searchPrefix, useUserSearch } from '../../lib/user-search';
import { useUnreadTotal } from '../../store/messages';
import { useNav } from '../../store/nav';
import { useSession } from '../../store/session';
import { Avatar } from '../common/Avatar';

/**
 * The left column: who you are, where to go, and a box to find someone by username: suggestions
 * as you type (arrows pick one, Enter or a click opens it); Enter with none picked opens the
 * username exactly as typed.
 */
export function SideNav() {
  const user = useSession((s) => s.user);
  const screen = useNav((s) => s.screen);
  const show = useNav((s) => s.show);
  const unread = useUnreadTotal();
  const [query, setQuery] = useState('');
  const [listOpen, setListOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const search = useUserSearch(query, { limit: 8 });
  if (!user) return null;

  const typed = searchPrefix(query);
  const suggestions = listOpen && typed && !search.invalid ? search.results : [];
  const nobody = listOpen && typed !== '' && !search.invalid && search.status === 'ready' && search.results.length === 0;
  const open = (username: string) => {
    show({ name: 'profile', username });
    setQuery('');
    setActive(-1);
  };
  const find = (e: FormEvent) => {
    e.preventDefault();
    const picked = suggestions[active];
    if (picked) open(picked.username);
    else if (typed) open(typed);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') {
      setListOpen(false);
      setActive(-1);
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    setListOpen(true);
    if (suggestions.length === 0) return;
    // -1 is the box itself: Down from the last suggestion, or Up from the first, comes back to it.
    const last = suggestions.length - 1;
    const next = active + (e.key === 'ArrowDown' ? 1 : -1);
    setActive(next < -1 ? last : next > last ? -1 : next);
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
        <input
          id="find-user"
          placeholder="username, then Enter"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(-1);
            setListOpen(true);
          }}
          onKeyDown={onKey}
          onFocus={() => setListOpen(true)}
          onBlur={() => setListOpen(false)}
          role="combobox"
          aria-expanded={suggestions.length > 0}
          aria-controls="find-user-results"
          aria-autocomplete="list"
          aria-activedescendant={suggestions[active] ? `find-user-option-${active}` : undefined}
          autoComplete="off"
          spellCheck={false}
          data-testid="find-user"
        />
        {suggestions.length > 0 && (
          // mousedown would move focus out of the box (and close the list) before the click lands
          <ul className="user-results" id="find-user-results" role="listbox" aria-label="People" onMouseDown={(e) => e.preventDefault()}>
            {suggestions.map((u, i) => (
              <li
                key={u.username}
                id={`find-user-option-${i}`}
                role="option"
                aria-selected={i === active}
                className="user-result"
                data-testid="find-user-result"
                data-username={u.username}
                onMouseEnter={() => setActive(i)}
                onClick={() => open(u.username)}
              >
                <Avatar username={u.username} size="sm" />
                <span className="user-result-who">
                  <span>@{u.username}</span>
                  {u.displayName !== u.username && <span className="muted small">{u.displayName}</span>}
                </span>
              </li>
            ))}
          </ul>
        )}
        {nobody && <span className="muted small">No user starts with “{search.prefix}”.</span>}
        {listOpen && typed && search.status === 'error' && <span className="warn small">Suggestions are unavailable: {search.error?.detail}</span>}
      </form>
    </nav>
  );
}
