/** The key explorer: where one key lives (cluster.keyslot) and a paged SCAN across every master. */
import { create } from 'zustand';
import type { KeyScanPage, KeySlotInfo, ScannedKey } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';

export const KEY_TYPES = ['string', 'list', 'set', 'zset', 'hash', 'stream'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const PAGE_SIZE = 100;
/** The explorer is for looking, not exporting: past this many rows, refine the pattern. */
export const MAX_ROWS = 2000;

interface ScanState {
  pattern: string;
  type: KeyType | null;
  keys: ScannedKey[];
  /** Where the next page starts; null when every master has been visited. */
  cursor: string | null;
  mastersDone: number;
  masters: number;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: ReadableError | null;
}

interface KeyExplorerState {
  lookup: { key: string; info: KeySlotInfo | null; busy: boolean; error: ReadableError | null };
  scan: ScanState;
  locate(key: string): Promise<void>;
  startScan(pattern: string, type: KeyType | null): Promise<void>;
  more(): Promise<void>;
  /** Asks again for the page that failed (the first one when no page has answered). */
  retry(): Promise<void>;
}

const emptyScan: ScanState = { pattern: '*', type: null, keys: [], cursor: null, mastersDone: 0, masters: 0, status: 'idle', error: null };
let scanRun = 0;

export const useKeyExplorer = create<KeyExplorerState>((set, get) => {
  const fetchPage = async (run: number, cursor: string | undefined) => {
    const { pattern, type } = get().scan;
    set((s) => ({ scan: { ...s.scan, status: 'loading', error: null } }));
    try {
      const page: KeyScanPage = await client.call('cluster.scan', { pattern, type: type ?? undefined, cursor, limit: PAGE_SIZE });
      if (run !== scanRun) return;
      set((s) => ({
        scan: { ...s.scan, keys: [...s.scan.keys, ...page.keys].slice(0, MAX_ROWS), cursor: page.cursor, mastersDone: page.mastersDone, masters: page.masters, status: 'ready' },
      }));
    } catch (err) {
      if (run === scanRun) set((s) => ({ scan: { ...s.scan, status: 'error', error: readable(err) } }));
    }
  };
  return {
    lookup: { key: '', info: null, busy: false, error: null },
    scan: emptyScan,
    async locate(key) {
      set({ lookup: { key, info: get().lookup.info, busy: true, error: null } });
      try {
        const info = await client.call('cluster.keyslot', { key });
        if (get().lookup.key === key) set({ lookup: { key, info, busy: false, error: null } });
      } catch (err) {
        if (get().lookup.key === key) set({ lookup: { key, info: null, busy: false, error: readable(err) } });
      }
    },
    async startScan(pattern, type) {
      const run = ++scanRun;
      set({ scan: { ...emptyScan, pattern: pattern || '*', type } });
      await fetchPage(run, undefined);
    },
    async more() {
      const { cursor, keys, status } = get().scan;
      if (!cursor || status === 'loading' || keys.length >= MAX_ROWS) return;
      await fetchPage(scanRun, cursor);
    },
    async retry() {
      if (get().scan.status !== 'error') return;
      await fetchPage(scanRun, get().scan.cursor ?? undefined);
    },
  };
});
