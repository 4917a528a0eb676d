/**
 * O2 alerts as the engine computes them, live from 'cluster.alerts'. The engine sends the
 * current set; this store remembers since when each alert has been raised and keeps a session
 * log of raised / cleared, so a short pfail during a drill is still visible afterwards.
 */
import { create } from 'zustand';
import type { Alert, HealingAction } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { sharedFollow } from '../lib/shared-follow';

const LOG_LIMIT = 200;

export interface ActiveAlert extends Alert {
  /** When this rule started firing for this node, as first seen by this window. */
  since: number;
}

export interface AlertLogEntry {
  seq: number;
  at: number;
  change: 'raised' | 'cleared';
  alert: Alert;
}

interface AlertsState {
  active: ActiveAlert[];
  log: AlertLogEntry[];
  /** What the embedded cluster's supervisor did this session (crashes seen, failovers, restarts), newest first. */
  healing: (HealingAction & { seq: number })[];
  error: ReadableError | null;
  load(): Promise<void>;
  receive(alerts: Alert[]): void;
  follow(): () => void;
}

const keyOf = (a: Alert) => `${a.rule}|${a.node ?? 'cluster'}`;
let seq = 0;

export const useAlerts = create<AlertsState>((set, get) => ({
  active: [],
  log: [],
  healing: [],
  error: null,
  async load() {
    try {
      get().receive(await client.call('cluster.alerts', {}));
      set({ error: null });
    } catch (err) {
      set({ error: readable(err) });
    }
  },
  receive(alerts) {
    const now = Date.now();
    const before = new Map(get().active.map((a) => [keyOf(a), a]));
    const current = new Set(alerts.map(keyOf));
    const raised = alerts.filter((a) => !before.has(keyOf(a)));
    const cleared = [...before.values()].filter((a) => !current.has(keyOf(a)));
    const entries: AlertLogEntry[] = [
      ...raised.map((alert) => ({ seq: ++seq, at: alert.at, change: 'raised' as const, alert })),
      ...cleared.map((alert) => ({ seq: ++seq, at: now, change: 'cleared' as const, alert })),
    ];
    set((s) => ({
      active: alerts.map((a) => ({ ...a, since: before.get(keyOf(a))?.since ?? a.at })),
      log: entries.length ? [...entries.reverse(), ...s.log].slice(0, LOG_LIMIT) : s.log,
    }));
  },
  follow: sharedFollow(() => {
    void get().load();
    const off = client.on('cluster.alerts', (alerts) => get().receive(alerts));
    const offHealing = client.on('cluster.healing', (action) => set((s) => ({ healing: [{ ...action, seq: ++seq }, ...s.healing].slice(0, LOG_LIMIT) })));
    const offStatus = client.transport.onStatus?.((live) => {
      if (live) void get().load();
    });
    return () => {
      off();
      offHealing();
      offStatus?.();
    };
  }),
}));
