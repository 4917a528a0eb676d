/**
 * Direct messages (U5): the conversation list with unread counts, the open thread, and new
 * messages arriving live through the engine's 'messages.new' event.
 */
import { create } from 'zustand';
import type { Conversation, Message } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { idle, type Loadable } from '../lib/status';
import { me } from './session';

interface MessagesState {
  conversations: Loadable<Conversation[]>;
  /** Who the open thread is with. */
  active: string | null;
  thread: Loadable<Message[]>;
  /** Older messages than the thread shows may exist (history pages from the store, loaded on scrolling up). */
  history: { hasMore: boolean; loading: boolean; error: ReadableError | null };
  sending: boolean;
  sendError: ReadableError | null;
  loadConversations(): Promise<void>;
  open(other: string): Promise<void>;
  /** The page before the oldest message shown. */
  loadOlder(): Promise<void>;
  close(): void;
  send(text: string): Promise<boolean>;
  receive(message: Message): void;
  /** Loads the conversations and follows new messages; returns the unsubscribe. */
  follow(): () => void;
  reset(): void;
}

const byRecent = (a: Conversation, b: Conversation) => b.lastMessageAt - a.lastMessageAt;
/** A history page (messages.list with `before`) holds up to this many; fewer is the thread's start. */
const HISTORY_PAGE = 100;
const noHistory = { hasMore: false, loading: false, error: null };

function touch(list: Conversation[], other: string, at: number, unreadDelta: number, clear = false): Conversation[] {
  const found = list.find((c) => c.with === other);
  const next = { with: other, lastMessageAt: Math.max(at, found?.lastMessageAt ?? 0), unread: clear ? 0 : (found?.unread ?? 0) + unreadDelta };
  return [next, ...list.filter((c) => c.with !== other)].sort(byRecent);
}

export const useMessages = create<MessagesState>((set, get) => {
  const patchConversations = (fn: (list: Conversation[]) => Conversation[]) =>
    set((s) => ({ conversations: { ...s.conversations, data: fn(s.conversations.data) } }));
  const markRead = async (username: string, other: string) => {
    patchConversations((list) => list.map((c) => (c.with === other ? { ...c, unread: 0 } : c)));
    try {
      await client.call('messages.read', { username, other });
    } catch {
      /* the badge comes back on the next load; reading the thread already worked */
    }
  };
  return {
    conversations: idle([]),
    active: null,
    thread: idle([]),
    history: noHistory,
    sending: false,
    sendError: null,
    async loadConversations() {
      const username = me();
      if (!username) return;
      set((s) => ({ conversations: { ...s.conversations, status: 'loading', error: null } }));
      try {
        const list = await client.call('conversations.list', { username });
        if (me() !== username) return;
        // The open thread is being read: its badge stays at zero.
        const active = get().active;
        set({ conversations: { data: list.map((c) => (c.with === active ? { ...c, unread: 0 } : c)).sort(byRecent), status: 'ready', error: null } });
      } catch (err) {
        set((s) => ({ conversations: { ...s.conversations, status: 'error', error: readable(err) } }));
      }
    },
    async open(other) {
      const username = me();
      if (!username) return;
      const other_ = other.trim();
      set({ active: other_, thread: { data: [], status: 'loading', error: null }, history: noHistory, sendError: null });
      try {
        const messages = await client.call('messages.list', { a: username, b: other_ });
        if (get().active !== other_) return;
        // The cached window holds the newest (up to 200): a long one may have older messages.
        set({ thread: { data: messages, status: 'ready', error: null }, history: { hasMore: messages.length >= HISTORY_PAGE, loading: false, error: null } });
        await markRead(username, other_);
      } catch (err) {
        if (get().active === other_) set({ thread: { data: [], status: 'error', error: readable(err) } });
      }
    },
    async loadOlder() {
      const username = me();
      const { active, thread, history } = get();
      if (!username || !active || thread.data.length === 0 || !history.hasMore || history.loading) return;
      // The cached window is in arrival order: the cursor is the oldest shown by (time, id), the store's order.
      const oldest = thread.data.reduce((o, m) => (m.sentAt < o.sentAt || (m.sentAt === o.sentAt && m.id < o.id) ? m : o));
      set({ history: { ...history, loading: true, error: null } });
      try {
        const older = await client.call('messages.list', { a: username, b: active, before: oldest.sentAt, beforeId: oldest.id });
        if (get().active !== active) return;
        const shown = new Set(get().thread.data.map((m) => m.id));
        set((s) => ({
          thread: { ...s.thread, data: [...older.filter((m) => !shown.has(m.id)), ...s.thread.data] },
          history: { hasMore: older.length >= HISTORY_PAGE, loading: false, error: null },
        }));
      } catch (err) {
        if (get().active === active) set((s) => ({ history: { ...s.history, loading: false, error: readable(err) } }));
      }
    },
    close: () => set({ active: null, thread: idle([]), history: noHistory, sendError: null }),
    async send(text) {
      const from = me();
      const to = get().active;
      if (!from || !to) return false;
      set({ sending: true, sendError: null });
      try {
        const message = await client.call('messages.send', { from, to, text });
        set({ sending: false });
        get().receive(message);
        return true;
      } catch (err) {
        set({ sending: false, sendError: readable(err) });
        return false;
      }
    },
    receive(message) {
      const username = me();
      if (!username || (message.from !== username && message.to !== username)) return;
      const mine = message.from === username;
      const other = mine ? message.to : message.from;
      const { active, thread } = get();
      if (active === other && thread.status === 'ready') {
        if (!thread.data.some((m) => m.id === message.id)) set({ thread: { ...thread, data: [...thread.data, message] } });
        patchConversations((list) => touch(list, other, message.sentAt, 0, true));
        if (!mine) void markRead(username, other);
        return;
      }
      patchConversations((list) => touch(list, other, message.sentAt, mine ? 0 : 1));
    },
    follow() {
      void get().loadConversations();
      const off = client.on('messages.new', (message) => get().receive(message));
      // Messages sent while the event stream was down are not replayed: read the list again.
      const offStatus = client.transport.onStatus?.((live) => {
        if (live) void get().loadConversations();
      });
      return () => {
        off();
        offStatus?.();
      };
    },
    reset: () => set({ conversations: idle([]), active: null, thread: idle([]), history: noHistory, sending: false, sendError: null }),
  };
});

export function useUnreadTotal(): number {
  return useMessages((s) => s.conversations.data.reduce((n, c) => n + c.unread, 0));
}
