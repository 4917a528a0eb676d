/**
 * Who is signed in (A1): a username and password give a session, whose token travels with every
 * call (api/session-token.ts). The engine acts as the session's user; the token is remembered
 * across reloads until the session ends or the user signs out.
 */
import { create } from 'zustand';
import type { User } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { onSessionLost, onSignedInElsewhere, sessionToken, setSessionToken } from '../api/session-token';
import { loadJson, saveJson } from '../lib/storage';

const RECENT_KEY = 'redk.session.recent';
const RECENT_MAX = 8;

interface SessionState {
  user: User | null;
  /** Usernames signed in on this machine before, most recent first (a click fills the name). */
  recent: string[];
  busy: boolean;
  error: ReadableError | null;
  /** A remembered session is being checked at start-up. */
  restoring: boolean;
  signIn(username: string, password: string): Promise<boolean>;
  /** Creates the account, then signs in to it. */
  signUp(username: string, displayName: string, password: string): Promise<boolean>;
  signOut(): Promise<void>;
  forgetRecent(username: string): void;
  /** Reads the signed-in user's counts again (after a post or a follow). */
  refresh(): Promise<void>;
  restore(): Promise<void>;
  clearError(): void;
}

function remember(recent: string[], username: string): string[] {
  const next = [username, ...recent.filter((u) => u !== username)].slice(0, RECENT_MAX);
  saveJson(RECENT_KEY, next);
  return next;
}

export const useSession = create<SessionState>((set, get) => {
  const signInWith = async (username: string, password: string) => {
    const { session, user } = await client.call('session.signIn', { username, password });
    setSessionToken(session);
    set({ user, busy: false, recent: remember(get().recent, user.username) });
  };
  const attempt = async (work: () => Promise<void>) => {
    set({ busy: true, error: null });
    try {
      await work();
      return true;
    } catch (err) {
      set({ busy: false, error: readable(err) });
      return false;
    }
  };
  onSessionLost((message) =>
    set({ user: null, error: { code: 'unauthorized', title: 'You were signed out', detail: message } }),
  );
  onSignedInElsewhere(() => {
    set({ user: null });
    void get().restore();
  });
  return {
    user: null,
    recent: loadJson<string[]>(RECENT_KEY, []),
    busy: false,
    error: null,
    restoring: false,
    signIn: (username, password) => attempt(() => signInWith(username.trim(), password)),
    signUp: (username, displayName, password) =>
      attempt(async () => {
        const name = username.trim();
        await client.call('users.create', { username: name, displayName: displayName.trim() || name, password });
        await signInWith(name, password);
      }),
    async signOut() {
      // Ended on the engine first, while the call still carries the session; forgotten here either way.
      await client.call('session.signOut', {}).catch(() => undefined);
      setSessionToken(null);
      set({ user: null, error: null });
    },
    forgetRecent(username) {
      const recent = get().recent.filter((u) => u !== username);
      saveJson(RECENT_KEY, recent);
      set({ recent });
    },
    async refresh() {
      const me = get().user;
      if (!me) return;
      try {
        const user = await client.call('users.get', { username: me.username });
        if (get().user?.username === user.username) set({ user });
      } catch {
        /* the counts stay as they were; the action that asked already showed its own error */
      }
    },
    async restore() {
      if (!sessionToken() || get().user || get().restoring) return;
      set({ restoring: true });
      try {
        const user = await client.call('session.me', {});
        set({ user, recent: remember(get().recent, user.username) });
      } catch (err) {
        // An ended session just shows the sign-in screen; an engine that does not answer says so.
        const shown = readable(err);
        if (shown.code === 'unauthorized') setSessionToken(null);
        else set({ error: shown });
      } finally {
        set({ restoring: false });
      }
    },
    clearError: () => set({ error: null }),
  };
});

/** The signed-in username; the social stores only act for someone. */
export function me(): string | null {
  return useSession.getState().user?.username ?? null;
}
