import { useNav } from '../../store/nav';

/** @username that opens the profile. */
export function UserLink({ username, className }: { username: string; className?: string }) {
  const show = useNav((s) => s.show);
  return (
    <button type="button" className={`link user-link ${className ?? ''}`} onClick={() => show({ name: 'profile', username })} data-testid="user-link">
      @{username}
    </button>
  );
}
