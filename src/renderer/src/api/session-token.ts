/**
 * The signed-in session's token (A1), kept apart from the stores so the transport can read it
 * without importing them. It travels with every call (the X-Redk-Session header, or with the IPC
 * call) and is told to the event stream, never put in a URL. Kept in localStorage, so a reload or
 * a restart stays signed in until the session ends (30 days after its last use, by default).
 */
const KEY = 'redk.session.token';
const listeners = new Set<(token: string | null) => void>();

function stored(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

let current: string | null = stored();

export function sessionToken(): string | null {
  return current;
}

export function setSessionToken(token: string | null): void {
  if (token === current) return;
  current = token;
  try {
    if (token === null) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, token);
  } catch {
    /* storage disabled: the session lasts as long as the page */
  }
  listeners.forEach((l) => l(token));
}

export function onSessionToken(listener: (token: string | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const lostListeners = new Set<(message: string) => void>();

/** The engine refused `token` (expired, signed out elsewhere, lost with a wiped cache): forget it, if still the current one, and say so. */
export function sessionLost(token: string, message: string): void {
  if (current === null || current !== token) return;
  setSessionToken(null);
  lostListeners.forEach((l) => l(message));
}

const signedInElsewhere = new Set<() => void>();

// Another window of this app signed in or out: this one follows (the same storage, one session).
try {
  window.addEventListener('storage', (e) => {
    if (e.key !== KEY || e.newValue === current) return;
    const before = current;
    current = e.newValue;
    listeners.forEach((l) => l(current));
    if (current === null && before !== null) lostListeners.forEach((l) => l('You signed out in another window.'));
    else if (current !== null) signedInElsewhere.forEach((l) => l());
  });
} catch {
  /* no window (not a browser): nothing to follow */
}

/** Another window signed in (with this storage's new token): read who that is. */
export function onSignedInElsewhere(listener: () => void): () => void {
  signedInElsewhere.add(listener);
  return () => signedInElsewhere.delete(listener);
}

export function onSessionLost(listener: (message: string) => void): () => void {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}
