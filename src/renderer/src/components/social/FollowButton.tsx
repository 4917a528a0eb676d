import { useFollows } from '../../store/follows';
import { ErrorNote } from '../common/ErrorNote';

/** Follow / Following (hover: Unfollow) for one user, with the answer's error under it. */
export function FollowButton({ username }: { username: string }) {
  const following = useFollows((s) => Boolean(s.following[username]));
  const busy = useFollows((s) => Boolean(s.busy[username]));
  const error = useFollows((s) => s.errors[username]);
  const setFollowing = useFollows((s) => s.setFollowing);
  return (
    <span className="follow">
      <button
        type="button"
        className={following ? 'following' : 'primary'}
        aria-pressed={following}
        disabled={busy}
        data-testid="follow-button"
        data-following={following}
        onClick={() => void setFollowing(username, !following)}
      >
        {busy ? '…' : following ? 'Following' : 'Follow'}
        <span className="sr-only"> @{username}</span>
      </button>
      {error && <ErrorNote error={error} compact />}
    </span>
  );
}
