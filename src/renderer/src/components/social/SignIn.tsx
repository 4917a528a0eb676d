import { useState, type FormEvent } from 'react';
import { useSession } from '../../store/session';
import { ErrorNote } from '../common/ErrorNote';
import { Avatar } from '../common/Avatar';

/** Sign in with a username that exists, or create one; recent usernames are one click away. */
export function SignIn() {
  const { busy, error, recent, restoring, signIn, signUp, forgetRecent } = useSession();
  const [username, setUsername] = useState('');
  const [newName, setNewName] = useState('');
  const [displayName, setDisplayName] = useState('');

  const onSignIn = (e: FormEvent) => {
    e.preventDefault();
    if (username.trim()) void signIn(username);
  };
  const onSignUp = (e: FormEvent) => {
    e.preventDefault();
    if (newName.trim()) void signUp(newName, displayName);
  };

  return (
    <section className="panel signin" aria-label="Sign in" aria-busy={busy || restoring}>
      <h2>Welcome to Red K</h2>
      <p className="muted">A small social network whose data lives in a sharded Redis Cluster. Pick who you are.</p>
      {error && <ErrorNote error={error} />}
      {recent.length > 0 && (
        <div className="recent">
          <h3>Recent</h3>
          <ul className="recent-list">
            {recent.map((u) => (
              <li key={u}>
                <button type="button" className="recent-user" data-testid="recent-user" disabled={busy} onClick={() => void signIn(u)}>
                  <Avatar username={u} size="sm" /> @{u}
                </button>
                <button type="button" className="link forget" aria-label={`Forget ${u}`} onClick={() => forgetRecent(u)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="signin-forms">
        <form onSubmit={onSignIn} aria-label="Sign in with a username">
          <h3>Sign in</h3>
          <label>
            Username
            <input data-testid="signin-username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" placeholder="alice" />
          </label>
          <button type="submit" className="primary" data-testid="signin-submit" disabled={busy || !username.trim()}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <form onSubmit={onSignUp} aria-label="Create an account">
          <h3>New here?</h3>
          <label>
            Username
            <input data-testid="signup-username" value={newName} onChange={(e) => setNewName(e.target.value)} placeholder="letters, digits, _ . -" />
          </label>
          <label>
            Display name
            <input data-testid="signup-display" value={displayName} onChange={(e) => setDisplayName(e.target.value)} placeholder="Alice Liddell" />
          </label>
          <button type="submit" className="primary" data-testid="signup-submit" disabled={busy || !newName.trim()}>
            Create account
          </button>
        </form>
      </div>
    </section>
  );
}
