import { useDiscover } from '../../store/discover';
import { Avatar } from '../common/Avatar';
import { ErrorNote } from '../common/ErrorNote';
import { Loading } from '../common/States';
import { UserLink } from '../common/UserLink';
import { FollowButton } from './FollowButton';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function Suggestions() {
  const { suggestions, loadSuggestions } = useDiscover();
  return (
    <section className="panel rail-panel" aria-label="Who to follow">
      <header className="rail-head">
        <h2>Who to follow</h2>
      </header>
      {suggestions.status === 'error' && suggestions.error && <ErrorNote error={suggestions.error} compact onRetry={() => void loadSuggestions()} />}
      {suggestions.status === 'loading' && suggestions.data.length === 0 && <Loading>Looking at your network…</Loading>}
      {suggestions.status === 'ready' && suggestions.data.length === 0 && (
        <p className="muted small" data-testid="suggestions-empty">
          No suggestions yet: they come from the people the people you follow follow.
        </p>
      )}
      <ul className="suggestion-list">
        {suggestions.data.map((s) => (
          <li key={s.username} className="suggestion" data-testid="suggestion" data-username={s.username}>
            <Avatar username={s.username} size="sm" />
            <div className="suggestion-who">
              <UserLink username={s.username} />
              <span className="muted small">
                {plural(s.mutualConnections, 'mutual connection')} · {plural(s.followersCount, 'follower')}
              </span>
            </div>
            <FollowButton username={s.username} />
          </li>
        ))}
      </ul>
    </section>
  );
}
