/** Who is signed in (there are no passwords in Red K: a session is a username that exists). */
import { create } from 'zustand';
import type { User } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { loadJson, saveJson } from '../lib/storage';

const CURRENT_KEY = 'redk.session.user';
const RECENT_KEY = 'redk.session.recent';
const RECENT_MAX = 8;

interface SessionState {
  user: User | null;
  /** Usernames signed in on this machine before, most recent first. */
  recent: string[];
  busy: boolean;
  error: ReadableError | null;
  /** A remembered user is being checked at start-up. */
  restoring: boolean;
  signIn(username: string): Promise<boolean>;
  signUp(username: string, displayName: string): Promise<boolean>;
  signOut(): void;
  forgetRecent(username: string): void;
  /** Reads the signed-in user's counts again (after a post or a follow). */
  refresh(): Promise<void>;
  restore(): Promise<void>;
  clearError(): void;
}

function remember(recent: string[], username: string): string[] {
  const next = [username, ...recent.filter((u) => u !== username)].slice(0, RECENT_MAX);
  saveJson(RECENT_KEY, next);
  saveJson(CURRENT_KEY, username);
  return next;
}

export const useSession = create<SessionState>((set, get) => {
  const start = async (load: () => Promise<User>) => {
    set({ busy: true, error: null });
    try {
      const user = await load();
      set({ user, busy: false, recent: remember(get().recent, user.username) });
      return true;
    } catch (err) {
      set({ busy: false, error: readable(err) });
      return false;
    }
  };
  return {
    user: null,
    recent: loadJson<string[]>(RECENT_KEY, []),
    busy: false,
    error: null,
    restoring: false,
    signIn: (username) => start(() => client.call('users.get', { username: username.trim() })),
    signUp: (username, displayName) =>
      start(() => client.call('users.create', { username: username.trim(), displayName: displayName.trim() || username.trim() })),
    signOut() {
      saveJson(CURRENT_KEY, null);
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
      const username = loadJson<string | null>(CURRENT_KEY, null);
      if (!username || get().user || get().restoring) return;
      set({ restoring: true });
      await get().signIn(username);
      set({ restoring: false });
    },
    clearError: () => set({ error: null }),
  };
});

/** The signed-in username; the social stores only act for someone. */
export function me(): string | null {
  return useSession.getState().user?.username ?? null;
}
