import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useUserSearch } from '../../lib/user-search';
import { useDemo, type DemoSize } from '../../store/demo';
import { useSession } from '../../store/session';
import { ErrorNote } from '../common/ErrorNote';
import { Avatar } from '../common/Avatar';
import { Loading } from '../common/States';

/**
 * "Find your account": users whose username starts with what is typed (the first ones while the
 * box is empty), each a button that puts its name in the sign-in form. Arrow keys move between
 * the box and the results, Escape goes back to the box.
 */
function FindAccount({ busy, pick }: { busy: boolean; pick: (username: string) => void }) {
  const [text, setText] = useState('');
  const search = useUserSearch(text, { allowEmpty: true, limit: 20 });
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);

  const buttons = () => [...(list.current?.querySelectorAll<HTMLButtonElement>('[data-testid=signin-result]') ?? [])];
  const onInputKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'ArrowDown') return;
    e.preventDefault();
    buttons()[0]?.focus();
  };
  const onListKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const all = buttons();
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape' || (e.key === 'ArrowUp' && at <= 0)) input.current?.focus();
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') all[at - 1]?.focus();
    else if (e.key === 'ArrowDown' || e.key === 'ArrowRight') all[at + 1]?.focus();
    else return;
    e.preventDefault();
  };

  return (
    <div className="recent find-account" role="search" aria-label="Find your account">
      <h3>Find your account</h3>
      <label>
        Username starts with
        <input
          ref={input}
          type="search"
          data-testid="signin-search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onInputKey}
          aria-controls="signin-results"
          aria-describedby="signin-search-state"
          placeholder="al, bob, …"
          autoComplete="off"
          spellCheck={false}
        />
      </label>
      <div id="signin-search-state" data-testid="signin-search-state" data-status={search.invalid ? 'invalid' : search.status} data-prefix={search.prefix}>
        {search.invalid ? (
          <p className="muted small">Usernames are letters, digits, “_”, “.” or “-”, at most 32.</p>
        ) : search.status === 'loading' ? (
          <Loading>Looking…</Loading>
        ) : search.status === 'error' && search.error ? (
          <ErrorNote error={search.error} onRetry={search.retry} compact />
        ) : search.status === 'ready' && search.results.length === 0 ? (
          <p className="muted small" data-testid="signin-search-empty">
            {search.prefix ? `No user starts with “${search.prefix}”.` : 'Nobody has signed up yet: create an account below.'}
          </p>
        ) : null}
      </div>
      {!search.invalid && search.results.length > 0 && (
        <ul className="recent-list" id="signin-results" ref={list} onKeyDown={onListKey} aria-label="Matching users" aria-busy={search.status === 'loading'}>
          {search.results.map((u) => (
            <li key={u.username}>
              <button
                type="button"
                className="recent-user"
                data-testid="signin-result"
                data-username={u.username}
                disabled={busy}
                onClick={() => pick(u.username)}
                title={`Sign in as @${u.username}`}
              >
                <Avatar username={u.username} size="sm" /> @{u.username}
                {u.displayName !== u.username && <span className="muted small">{u.displayName}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const DEMO_SIZES: { users: DemoSize; label: string; note: string }[] = [
  { users: 1000, label: '1k users', note: 'a few seconds' },
  { users: 10_000, label: '10k users', note: 'under a minute' },
  { users: 100_000, label: '100k users', note: 'a few minutes' },
];

/**
 * An empty network offers a demo one, loaded by the running engine with a progress bar; once
 * loaded, a few well-connected demo accounts are one click from signing in.
 */
function DemoNetwork({ busy, signIn }: { busy: boolean; signIn: (username: string, password: string) => Promise<boolean> }) {
  const { empty, load, starting, error, check, start, listen } = useDemo();
  const [size, setSize] = useState<DemoSize>(1000);
  useEffect(() => {
    const off = listen();
    void check();
    return off;
  }, [check, listen]);
  if (!load && empty !== true) return null;
  const running = load?.state === 'running';
  return (
    <div className="recent demo-network" data-testid="demo-network" aria-label="Demo network">
      <h3>{load?.state === 'done' ? 'Your demo network is ready' : 'Nobody is here yet'}</h3>
      {error && <ErrorNote error={error} compact />}
      {(!load || load.state === 'failed') && (
        <>
          <p className="muted small">Load a demo network: users who follow each other, posts, likes and comments from the last days, and direct messages.</p>
          <fieldset className="demo-sizes" disabled={busy}>
            <legend className="muted small">Size</legend>
            {DEMO_SIZES.map((s) => (
              <label key={s.users} className="demo-size">
                <input type="radio" name="demo-size" data-testid={`demo-size-${s.users}`} checked={size === s.users} onChange={() => setSize(s.users)} />
                {s.label} <span className="muted small">({s.note})</span>
              </label>
            ))}
          </fieldset>
          {load?.state === 'failed' && (
            <p className="muted small" data-testid="demo-failed">
              The last load stopped: {load.error}. Loading the same size again fills in the rest.
            </p>
          )}
          <button type="button" className="primary" data-testid="demo-load" disabled={starting} onClick={() => void start(size)}>
            Load a demo network
          </button>
        </>
      )}
      {running && load && (
        <div data-testid="demo-running">
          <progress data-testid="demo-progress" value={load.percent} max={100} aria-label="Loading the demo network" />
          <p className="muted small" data-testid="demo-phase">
            {load.percent}% · {load.phase} {load.done.toLocaleString()} / {load.total.toLocaleString()}
          </p>
        </div>
      )}
      {load?.state === 'done' && (
        <>
          <p className="muted small">
            {load.users.toLocaleString()} users loaded. Every demo account signs in with the password “{load.password}”; these follow many people:
          </p>
          <ul className="recent-list">
            {load.accounts.map((name) => (
              <li key={name}>
                <button type="button" className="recent-user" data-testid="demo-account" data-username={name} disabled={busy} onClick={() => void signIn(name, load.password)}>
                  <Avatar username={name} size="sm" /> @{name}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** Sign in with a username and its password, or create an account; recent usernames are one click away. */
export function SignIn() {
  const { busy, error, recent, restoring, signIn, signUp, forgetRecent } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [newName, setNewName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const passwordBox = useRef<HTMLInputElement>(null);
  const demoLoaded = useDemo((s) => s.load?.state === 'done');

  /** A name picked from Recent or the search goes into the form; the password is still asked for. */
  const pick = (name: string) => {
    setUsername(name);
    passwordBox.current?.focus();
  };
  const onSignIn = (e: FormEvent) => {
    e.preventDefault();
    if (username.trim() && password) void signIn(username, password).then((ok) => ok || setPassword(''));
  };
  const onSignUp = (e: FormEvent) => {
    e.preventDefault();
    if (newName.trim()) void signUp(newName, displayName, newPassword);
  };

  return (
    <section className="panel signin" aria-label="Sign in" aria-busy={busy || restoring}>
      <h2>Welcome to Red K</h2>
      <p className="muted">A small social network whose data lives in a sharded Redis Cluster. Sign in, or create an account.</p>
      {error && <ErrorNote error={error} />}
      {recent.length > 0 && (
        <div className="recent">
          <h3>Recent</h3>
          <ul className="recent-list">
            {recent.map((u) => (
              <li key={u}>
                <button type="button" className="recent-user" data-testid="recent-user" disabled={busy} onClick={() => pick(u)}>
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
      <DemoNetwork busy={busy} signIn={signIn} />
      {/* Searched again once a demo network is in: it said "nobody" before. */}
      <FindAccount key={demoLoaded ? 'demo-loaded' : 'before'} busy={busy} pick={pick} />
      <div className="signin-forms">
        <form onSubmit={onSignIn} aria-label="Sign in with a username and password">
          <h3>Sign in</h3>
          <label>
            Username
            <input data-testid="signin-username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" placeholder="alice" />
          </label>
          <label>
            Password
            <input
              ref={passwordBox}
              type="password"
              data-testid="signin-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
            />
          </label>
          <button type="submit" className="primary" data-testid="signin-submit" disabled={busy || !username.trim() || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
          <p className="muted small">Demo accounts (npm run seed) sign in with the password “redk-demo”.</p>
        </form>
        <form onSubmit={onSignUp} aria-label="Create an account">
          <h3>New here?</h3>
          <label>
            Username
            <input data-testid="signup-username" value={newName} onChange={(e) => setNewName(e.target.value)} autoComplete="off" placeholder="letters, digits, _ . -" />
          </label>
          <label>
            Display name
            <input data-testid="signup-display" value={displayName} onChange={(e) => setDisplayName(e.target.value)} placeholder="Alice Liddell" />
          </label>
          <label>
            Password
            <input
              type="password"
              data-testid="signup-password"
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
              autoComplete="new-password"
              placeholder="at least 8 characters"
            />
          </label>
          <button type="submit" className="primary" data-testid="signup-submit" disabled={busy || !newName.trim()}>
            Create account
          </button>
        </form>
      </div>
    </section>
  );
}
