/**
 * Cluster operations (issue 13): a resharding or rebalance job and its live progress (the
 * 'cluster.job' event), check and fix, the heat map's keys per slot and the slot under the
 * pointer, the command console, the merged SLOWLOG and memory per key family.
 */
import { create } from 'zustand';
import type { ClusterCheckResult, ClusterFixResult, ClusterJob, ConsoleResult, ConsoleTarget, MemoryReport, RebalanceResult, SlotInfo, SlotStats, SlowlogEntry } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import { sharedFollow } from '../lib/shared-follow';
import { useCluster } from './cluster';

export interface ReshardForm {
  from: string;
  to: string;
  mode: 'count' | 'range';
  slots: string;
  range: string;
}

interface OperationsState {
  job: ClusterJob | null;
  jobError: ReadableError | null;
  form: ReshardForm;
  checking: boolean;
  check: ClusterCheckResult | null;
  fixing: boolean;
  fix: ClusterFixResult | null;
  checkError: ReadableError | null;
  plan: RebalanceResult | null;
  planError: ReadableError | null;
  heat: SlotStats | null;
  heatError: ReadableError | null;
  slot: SlotInfo | null;
  consoleTarget: string;
  consoleLine: string;
  consoleBusy: boolean;
  consoleResult: ConsoleResult | null;
  consoleError: ReadableError | null;
  /** A command that writes, waiting for the user's yes. */
  pendingConfirm: { target: ConsoleTarget; args: string[]; message: string } | null;
  /** Adding or removing a node: which one, while it runs. */
  nodeBusy: string | null;
  nodeResult: string | null;
  nodeError: ReadableError | null;
  addNode(replicaOf?: string): Promise<void>;
  removeNode(address: string): Promise<void>;
  slowlog: SlowlogEntry[] | null;
  memory: MemoryReport | null;
  toolError: ReadableError | null;
  setForm(patch: Partial<ReshardForm>): void;
  reshard(): Promise<void>;
  control(action: 'pause' | 'resume' | 'cancel'): Promise<void>;
  runCheck(): Promise<void>;
  runFix(): Promise<void>;
  rebalance(simulate: boolean): Promise<void>;
  loadHeat(): Promise<void>;
  pointAt(slot: number): Promise<void>;
  setConsole(patch: { target?: string; line?: string }): void;
  runConsole(confirm?: boolean): Promise<void>;
  dismissConfirm(): void;
  loadSlowlog(): Promise<void>;
  loadMemory(): Promise<void>;
  follow(): () => void;
}

/** A console line as words, with "double quotes" for words holding spaces. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return words;
}

const targetOf = (value: string): ConsoleTarget => (value === 'masters' || value === 'all' ? value : { node: value });

export const useOperations = create<OperationsState>((set, get) => ({
  job: null,
  jobError: null,
  form: { from: '', to: '', mode: 'count', slots: '100', range: '' },
  checking: false,
  check: null,
  fixing: false,
  fix: null,
  checkError: null,
  plan: null,
  planError: null,
  heat: null,
  heatError: null,
  slot: null,
  consoleTarget: 'masters',
  consoleLine: 'DBSIZE',
  consoleBusy: false,
  consoleResult: null,
  consoleError: null,
  pendingConfirm: null,
  nodeBusy: null,
  nodeResult: null,
  nodeError: null,
  async addNode(replicaOf) {
    if (get().nodeBusy) return;
    set({ nodeBusy: replicaOf ? `a replica of ${replicaOf}` : 'a master', nodeError: null, nodeResult: null });
    try {
      const added = await client.call('cluster.addNode', replicaOf ? { replicaOf } : {});
      set({ nodeResult: `Added ${added.role} ${added.address}${added.masterAddress ? ` (replica of ${added.masterAddress})` : ''} in ${(added.tookMs / 1000).toFixed(1)} s.${added.role === 'master' ? ' It has no slots yet: plan a rebalance to give it its share.' : ''}` });
    } catch (err) {
      set({ nodeError: readable(err) });
    } finally {
      set({ nodeBusy: null });
      void useCluster.getState().load();
    }
  },
  async removeNode(address) {
    if (get().nodeBusy) return;
    set({ nodeBusy: address, nodeError: null, nodeResult: null });
    try {
      const removed = await client.call('cluster.removeNode', { node: address });
      set({ nodeResult: `Removed ${removed.role} ${removed.address}${removed.movedSlots ? ` after moving its ${removed.movedSlots} slots to the other masters` : ''}${removed.removedReplicas.length ? `, and its replica ${removed.removedReplicas.join(', ')}` : ''}.` });
    } catch (err) {
      set({ nodeError: readable(err) });
    } finally {
      set({ nodeBusy: null });
      void useCluster.getState().load();
      void get().loadHeat();
    }
  },
  slowlog: null,
  memory: null,
  toolError: null,
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  async reshard() {
    const { form } = get();
    set({ jobError: null });
    try {
      const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(form.range);
      if (form.mode === 'range' && !m) throw new Error('A range is two slot numbers, as in 100-199.');
      const input = form.mode === 'range'
        ? { to: form.to, from: form.from || undefined, range: { start: Number(m![1]), end: Number(m![2]) } }
        : { to: form.to, from: form.from, slots: Number(form.slots) };
      set({ job: await client.call('cluster.reshard', input) });
    } catch (err) {
      set({ jobError: readable(err) });
    }
  },
  async control(action) {
    const job = get().job;
    if (!job) return;
    try {
      const method = action === 'pause' ? 'cluster.jobPause' : action === 'resume' ? 'cluster.jobResume' : 'cluster.jobCancel';
      set({ job: await client.call(method, { id: job.id }), jobError: null });
    } catch (err) {
      set({ jobError: readable(err) });
    }
  },
  async runCheck() {
    set({ checking: true, checkError: null });
    try {
      set({ check: await client.call('cluster.check', {}) });
    } catch (err) {
      set({ checkError: readable(err) });
    } finally {
      set({ checking: false });
    }
  },
  async runFix() {
    set({ fixing: true, checkError: null });
    try {
      const fix = await client.call('cluster.fix', {});
      set({ fix, check: fix.after });
    } catch (err) {
      set({ checkError: readable(err) });
    } finally {
      set({ fixing: false });
      void useCluster.getState().load();
    }
  },
  async rebalance(simulate) {
    set({ planError: null });
    try {
      const plan = await client.call('cluster.rebalance', { simulate });
      set({ plan, ...(plan.job ? { job: plan.job } : {}) });
    } catch (err) {
      set({ planError: readable(err) });
    }
  },
  async loadHeat() {
    try {
      set({ heat: await client.call('cluster.slotStats', {}), heatError: null });
    } catch (err) {
      set({ heatError: readable(err) });
    }
  },
  async pointAt(slot) {
    try {
      set({ slot: await client.call('cluster.slotInfo', { slot }) });
    } catch {
      /* the readout keeps the last slot */
    }
  },
  setConsole: ({ target, line }) => set((s) => ({ consoleTarget: target ?? s.consoleTarget, consoleLine: line ?? s.consoleLine })),
  async runConsole(confirm = false) {
    const pending = get().pendingConfirm;
    const target = confirm && pending ? pending.target : targetOf(get().consoleTarget);
    const args = confirm && pending ? pending.args : splitCommand(get().consoleLine);
    if (args.length === 0) return;
    set({ consoleBusy: true, consoleError: null, pendingConfirm: null });
    try {
      set({ consoleResult: await client.call('cluster.command', { target, args, confirm }) });
    } catch (err) {
      const error = readable(err);
      if (error.code === 'confirmation_required') set({ pendingConfirm: { target, args, message: error.detail } });
      else set({ consoleError: error });
    } finally {
      set({ consoleBusy: false });
    }
  },
  dismissConfirm: () => set({ pendingConfirm: null }),
  async loadSlowlog() {
    try {
      set({ slowlog: (await client.call('cluster.slowlog', { perNode: 32 })).entries, toolError: null });
    } catch (err) {
      set({ toolError: readable(err) });
    }
  },
  async loadMemory() {
    try {
      set({ memory: await client.call('cluster.memory', { perMaster: 1000 }), toolError: null });
    } catch (err) {
      set({ toolError: readable(err) });
    }
  },
  follow: sharedFollow(() => {
    client.call('cluster.job', {}).then(({ job }) => job && !get().job && set({ job }), () => undefined);
    let lastTopologyReload = 0;
    return client.on('cluster.job', (job) => {
      const current = get().job;
      // The newest job wins; a late event of an older one is old news.
      if (current && current.id !== job.id && current.startedAt > job.startedAt) return;
      set({ job });
      const now = Date.now();
      const ended = job.state !== 'running' && job.state !== 'paused';
      if (ended || now - lastTopologyReload > 1000) {
        lastTopologyReload = now;
        void useCluster.getState().load();
        if (ended) void get().loadHeat();
      }
    });
  }),
}));
