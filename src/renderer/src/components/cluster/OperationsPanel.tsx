import { useEffect, useState } from 'react';
import type { ClusterJob, SlotStats, Topology } from '../../../../shared/types';
import { millis } from '../../lib/format';
import { rangeText, shardsOf, SLOTS, slotTotal, type Shard } from '../../lib/shards';
import { useOperations } from '../../store/operations';
import { ErrorNote } from '../common/ErrorNote';
import { SlotMap, type SlotMark } from './SlotMap';

const BUCKETS = 256;
const PER_BUCKET = SLOTS / BUCKETS;

/**
 * Keys per slot under the owners' bar: 256 columns of 64 slots, darker for more keys (the
 * busiest column is full height). Slots still to move in a job are striped; open slots are
 * marked. Pointing at a column names the slot under the pointer, its owner, replicas, keys and
 * the hash tags on it.
 */
function HeatMap({ heat, shards, job }: { heat: SlotStats; shards: Shard[]; job: ClusterJob | null }) {
  const { slot, pointAt, setForm } = useOperations();
  // A range dragged across the map: it fills the reshard form (range mode, from whoever owns it).
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const slotAt = (e: { clientX: number; currentTarget: HTMLElement }) => {
    const box = e.currentTarget.getBoundingClientRect();
    return Math.min(SLOTS - 1, Math.max(0, Math.floor(((e.clientX - box.left) / box.width) * SLOTS)));
  };
  const [lo, hi] = drag ? [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)] : [0, -1];
  const sums = Array.from({ length: BUCKETS }, (_, b) => heat.keys.slice(b * PER_BUCKET, (b + 1) * PER_BUCKET).reduce((n, k) => n + Math.max(0, k), 0));
  const max = Math.max(1, ...sums);
  const pending = new Set<number>();
  for (const r of job && (job.state === 'running' || job.state === 'paused') ? job.pending : []) {
    for (let b = Math.floor(r.start / PER_BUCKET); b <= Math.floor(r.end / PER_BUCKET); b++) pending.add(b);
  }
  const colorOf = (s: number) => shards.find((sh) => sh.master.slots.some((r) => r.start <= s && s <= r.end))?.color ?? '#98a2b3';
  const open = new Set(heat.open.map((o) => o.slot));
  return (
    <div className="heat-wrap">
      <div
        className="heat-map"
        data-testid="heat-map"
        role="img"
        aria-label={`Keys per slot: ${heat.totalKeys} keys in all`}
        onMouseMove={(e) => {
          const s = slotAt(e);
          if (drag && e.buttons === 1) setDrag({ ...drag, to: s });
          if (slot?.slot !== s) void pointAt(s);
        }}
        onMouseDown={(e) => {
          if (e.button !== 0) return;
          e.preventDefault();
          const s = slotAt(e);
          setDrag({ from: s, to: s });
        }}
        onMouseUp={(e) => {
          if (!drag) return;
          const s = slotAt(e);
          const [a, b] = [Math.min(drag.from, s), Math.max(drag.from, s)];
          setDrag(null);
          if (b > a) setForm({ mode: 'range', range: `${a}-${b}`, from: '' });
        }}
        onMouseLeave={() => setDrag(null)}
      >
        {drag && hi > lo && (
          <div className="heat-drag" data-testid="heat-drag" style={{ left: `${(lo / SLOTS) * 100}%`, width: `${((hi - lo + 1) / SLOTS) * 100}%` }} title={`slots ${lo}-${hi}`} />
        )}
        {sums.map((n, b) => (
          <div
            key={b}
            className={`heat-col${pending.has(b) ? ' heat-col-pending' : ''}`}
            data-testid="heat-col"
            data-keys={n}
            style={{ left: `${(b / BUCKETS) * 100}%`, width: `${100 / BUCKETS}%`, height: `${Math.max(2, (n / max) * 100)}%`, background: colorOf(b * PER_BUCKET), opacity: n === 0 ? 0.25 : 0.55 + 0.45 * (n / max) }}
            title={`slots ${b * PER_BUCKET}-${(b + 1) * PER_BUCKET - 1}: ${n} keys`}
          />
        ))}
        {[...open].map((s) => (
          <div key={s} className="heat-open" style={{ left: `${(s / SLOTS) * 100}%` }} title={`slot ${s} is open (migrating/importing)`} data-testid="heat-open" />
        ))}
      </div>
      <p className="slot-readout small" aria-live="polite" data-testid="slot-readout">
        {slot
          ? `slot ${slot.slot}: ${slot.keys} keys on ${slot.owner ?? 'no master'}${slot.replicas.length ? ` (replicas ${slot.replicas.join(', ')})` : ''}${slot.tags.length ? ` · tags ${slot.tags.slice(0, 4).map((t) => `${t.tag} (${t.keys})`).join(', ')}` : ''}${open.has(slot.slot) ? ' · open' : ''}`
          : `${heat.totalKeys.toLocaleString()} keys, counted on every slot in ${millis(heat.tookMs)}. Point at the map for a slot; drag across it to pick a range to move.`}
      </p>
    </div>
  );
}

function JobProgress({ job }: { job: ClusterJob }) {
  const { control } = useOperations();
  const active = job.state === 'running' || job.state === 'paused';
  const pct = job.slotsTotal > 0 ? Math.round((100 * job.slotsDone) / job.slotsTotal) : 100;
  return (
    <div className="job-progress" data-testid="job-progress" data-state={job.state} data-done={job.slotsDone} data-total={job.slotsTotal}>
      <div className="job-bar" role="progressbar" aria-valuemin={0} aria-valuemax={job.slotsTotal} aria-valuenow={job.slotsDone}>
        <div style={{ width: `${pct}%` }} />
      </div>
      <p className="small">
        <strong>{job.kind === 'rebalance' ? 'Rebalance' : 'Resharding'} {job.state}</strong>: {job.slotsDone}/{job.slotsTotal} slots, {job.keysMoved.toLocaleString()} keys, {job.keysPerSec.toLocaleString()} keys/s
        {job.etaMs !== null && active ? `, about ${millis(job.etaMs)} left` : ''}
        {job.currentSlot !== null ? ` · slot ${job.currentSlot}` : ''} · {job.from.join(', ')} → {job.to.join(', ')}
      </p>
      {job.error && <p className="small warn">{job.error}</p>}
      {job.notes.length > 0 && (
        <ul className="small job-notes" data-testid="job-notes">
          {job.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      {active && (
        <div className="row">
          {job.state === 'running' ? (
            <button type="button" onClick={() => void control('pause')} data-testid="job-pause">Pause</button>
          ) : (
            <button type="button" onClick={() => void control('resume')} data-testid="job-resume">Resume</button>
          )}
          <button type="button" onClick={() => void control('cancel')} data-testid="job-cancel">Cancel after this slot</button>
        </div>
      )}
    </div>
  );
}

function ReshardForm({ shards, busy }: { shards: Shard[]; busy: boolean }) {
  const { form, setForm, reshard, jobError } = useOperations();
  const masters = shards.filter((s) => s.master.slots.length > 0 || s.master.health === 'ok').map((s) => s.master);
  return (
    <form
      className="reshard-form"
      aria-label="Reshard"
      onSubmit={(e) => {
        e.preventDefault();
        void reshard();
      }}
    >
      <label>
        From{' '}
        <select value={form.from} onChange={(e) => setForm({ from: e.target.value })} data-testid="reshard-from">
          <option value="">{form.mode === 'range' ? 'whoever owns them' : 'choose a master'}</option>
          {masters.map((m) => (
            <option key={m.id} value={m.address}>{m.address} ({slotTotal(m.slots)} slots)</option>
          ))}
        </select>
      </label>
      <label>
        To{' '}
        <select value={form.to} onChange={(e) => setForm({ to: e.target.value })} data-testid="reshard-to">
          <option value="">choose a master</option>
          {masters.map((m) => (
            <option key={m.id} value={m.address}>{m.address}</option>
          ))}
        </select>
      </label>
      <label>
        <input type="radio" checked={form.mode === 'count'} onChange={() => setForm({ mode: 'count' })} /> slots{' '}
        <input type="number" min={1} max={SLOTS} value={form.slots} onChange={(e) => setForm({ slots: e.target.value, mode: 'count' })} data-testid="reshard-slots" style={{ width: '6em' }} />
      </label>
      <label>
        <input type="radio" checked={form.mode === 'range'} onChange={() => setForm({ mode: 'range' })} /> range{' '}
        <input value={form.range} placeholder="100-199" onChange={(e) => setForm({ range: e.target.value, mode: 'range' })} data-testid="reshard-range" style={{ width: '8em' }} />
      </label>
      <button type="submit" disabled={busy || !form.to} data-testid="reshard-start">Move slots</button>
      {jobError && <ErrorNote error={jobError} compact />}
    </form>
  );
}

function CheckAndRebalance({ busy }: { busy: boolean }) {
  const { check, checking, runCheck, fix, fixing, runFix, checkError, plan, planError, rebalance } = useOperations();
  return (
    <section aria-label="Check, fix and rebalance">
      <h3 className="panel-subtitle">Check, fix, rebalance</h3>
      <div className="row">
        <button type="button" onClick={() => void runCheck()} disabled={checking} data-testid="cluster-check">{checking ? 'Checking…' : 'Check'}</button>
        <button type="button" onClick={() => void runFix()} disabled={fixing || busy || !check || check.ok} data-testid="cluster-fix">{fixing ? 'Fixing…' : 'Fix'}</button>
        <button type="button" onClick={() => void rebalance(true)} disabled={busy} data-testid="rebalance-plan">Plan a rebalance</button>
        <button type="button" onClick={() => void rebalance(false)} disabled={busy || !plan || plan.slotsToMove === 0} data-testid="rebalance-apply">Apply the plan</button>
      </div>
      {checkError && <ErrorNote error={checkError} compact />}
      {check && (
        <ul className="small" data-testid="check-result" data-ok={check.ok}>
          {check.ok ? <li className="good">All 16,384 slots served, none open, every node agrees ({check.masters} masters).</li> : check.problems.map((p) => <li key={p} className="warn">{p}</li>)}
        </ul>
      )}
      {fix && <ul className="small">{(fix.actions.length ? fix.actions : ['Nothing needed fixing.']).map((a) => <li key={a}>{a}</li>)}</ul>}
      {planError && <ErrorNote error={planError} compact />}
      {plan && (
        <div className="small" data-testid="rebalance-result">
          <p>
            {plan.masters.map((m) => `${m.address}: ${m.slots} → ${m.target}`).join(' · ')}
          </p>
          <p>{plan.slotsToMove === 0 ? 'Every master is within 2% of its share: nothing to move.' : `${plan.slotsToMove} slots (${plan.keysToMove} keys) would move: ${plan.moves.map((m) => `${m.slots} from ${m.from} to ${m.to}`).join('; ')}.`}</p>
        </div>
      )}
    </section>
  );
}

/** Scale out and in: add a master or a replica, remove a node (a master's slots move away first). */
function Nodes({ topology, busy }: { topology: Topology; busy: boolean }) {
  const { nodeBusy, nodeResult, nodeError, addNode, removeNode } = useOperations();
  const masters = topology.nodes.filter((n) => n.role === 'master');
  const working = nodeBusy !== null || busy;
  return (
    <section aria-label="Nodes">
      <h3 className="panel-subtitle">Nodes</h3>
      <div className="row">
        <button type="button" onClick={() => void addNode()} disabled={working} data-testid="add-master">{nodeBusy === 'a master' ? 'Adding a master…' : 'Add a master'}</button>
        {masters.map((m) => (
          <button key={m.id} type="button" className="small" onClick={() => void addNode(m.address)} disabled={working} data-testid="add-replica" data-master={m.address}>
            + replica of {m.address}
          </button>
        ))}
      </div>
      {nodeBusy && <p className="small muted" data-testid="node-busy">Working on {nodeBusy}…</p>}
      {nodeResult && <p className="small good" data-testid="node-result">{nodeResult}</p>}
      {nodeError && <ErrorNote error={nodeError} compact />}
      <table className="small">
        <tbody>
          {topology.nodes.map((n) => (
            <tr key={n.id} data-testid="ops-node" data-address={n.address} data-role={n.role}>
              <td><code>{n.address}</code></td>
              <td>{n.role}</td>
              <td>{n.role === 'master' ? `${slotTotal(n.slots)} slots` : `of ${topology.nodes.find((m) => m.id === n.masterId)?.address ?? '?'}`}</td>
              <td>
                <button type="button" className="small" onClick={() => void removeNode(n.address)} disabled={working} data-testid="remove-node">
                  {nodeBusy === n.address ? 'Removing…' : 'Remove'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Console({ topology }: { topology: Topology }) {
  const { consoleTarget, consoleLine, consoleBusy, consoleResult, consoleError, pendingConfirm, setConsole, runConsole, dismissConfirm } = useOperations();
  return (
    <section aria-label="Command console">
      <h3 className="panel-subtitle">Console</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void runConsole();
        }}
      >
        <select value={consoleTarget} onChange={(e) => setConsole({ target: e.target.value })} data-testid="console-target" aria-label="Run on">
          <option value="masters">all masters</option>
          <option value="all">all nodes</option>
          {topology.nodes.map((n) => (
            <option key={n.id} value={n.address}>{n.address} ({n.role})</option>
          ))}
        </select>
        <input value={consoleLine} onChange={(e) => setConsole({ line: e.target.value })} aria-label="Command" data-testid="console-input" className="console-input" />
        <button type="submit" disabled={consoleBusy} data-testid="console-run">Run</button>
      </form>
      <p className="muted small">Read-only commands run at once. Anything that writes, or is marked dangerous, asks first.</p>
      {pendingConfirm && (
        <div className="confirm" role="alertdialog" aria-label="Confirm command" data-testid="console-confirm">
          <p className="small warn">{pendingConfirm.message}</p>
          <button type="button" onClick={() => void runConsole(true)} data-testid="console-confirm-yes">Run it</button>
          <button type="button" onClick={dismissConfirm}>Do not run</button>
        </div>
      )}
      {consoleError && <ErrorNote error={consoleError} compact />}
      {consoleResult && (
        <table className="console-result small" data-testid="console-result">
          <tbody>
            {consoleResult.results.map((r) => (
              <tr key={r.node} data-testid="console-row" data-node={r.node}>
                <td><code>{r.node}</code> <span className="muted">{r.role}</span></td>
                <td className={r.ok ? '' : 'warn'}><code>{r.ok ? JSON.stringify(r.reply) : r.error}</code>{r.truncated ? ' (cut)' : ''}</td>
                <td className="muted">{millis(r.ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Diagnostics() {
  const { slowlog, memory, toolError, loadSlowlog, loadMemory } = useOperations();
  return (
    <section aria-label="Slowlog and memory">
      <h3 className="panel-subtitle">Slowlog and memory</h3>
      <div className="row">
        <button type="button" onClick={() => void loadSlowlog()} data-testid="slowlog-load">Slowlog of every node</button>
        <button type="button" onClick={() => void loadMemory()} data-testid="memory-load">Memory per key family</button>
      </div>
      {toolError && <ErrorNote error={toolError} compact />}
      {slowlog && (
        <table className="small" data-testid="slowlog">
          <tbody>
            {slowlog.length === 0 && <tr><td className="muted">No slow commands logged.</td></tr>}
            {slowlog.slice(0, 30).map((e) => (
              <tr key={`${e.node}-${e.id}`}>
                <td><code>{e.node}</code></td>
                <td>{new Date(e.at).toLocaleTimeString()}</td>
                <td>{(e.durationUs / 1000).toFixed(2)} ms</td>
                <td><code>{e.command.join(' ')}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {memory && (
        <div data-testid="memory">
          <p className="muted small">From {memory.sampledKeys.toLocaleString()} of {memory.totalKeys.toLocaleString()} keys (MEMORY USAGE), scaled per master.</p>
          <table className="small">
            <tbody>
              {memory.families.map((f) => (
                <tr key={f.family}>
                  <td>{f.family}</td>
                  <td>{f.estimatedKeys.toLocaleString()} keys</td>
                  <td>{(f.estimatedBytes / 1024 / 1024).toFixed(2)} MB</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small">Biggest: {memory.biggest.slice(0, 5).map((b) => `${b.key} (${(b.bytes / 1024).toFixed(1)} KB)`).join(', ')}</p>
        </div>
      )}
    </section>
  );
}

/** Cluster operations: move slots with live progress, check and fix, rebalance, the heat map, the console, slowlog and memory. */
export function OperationsPanel({ topology }: { topology: Topology }) {
  const { job, heat, heatError, loadHeat } = useOperations();
  useEffect(() => useOperations.getState().follow(), []);
  useEffect(() => {
    void loadHeat();
  }, [loadHeat]);
  const shards = shardsOf(topology);
  const busy = job !== null && (job.state === 'running' || job.state === 'paused');
  const marks: SlotMark[] = (heat?.open ?? []).map((o) => ({ slot: o.slot, label: `open on ${o.node}` }));
  return (
    <div className="cluster-panel operations-panel" data-testid="operations-panel">
      <section aria-label="Slots">
        <h3 className="panel-subtitle">Slots and keys</h3>
        <SlotMap shards={shards} detailed marks={marks} />
        {heat && <HeatMap heat={heat} shards={shards} job={job} />}
        {heatError && <ErrorNote error={heatError} onRetry={() => void loadHeat()} compact />}
        <button type="button" className="small" onClick={() => void loadHeat()} data-testid="heat-refresh">Count keys again</button>
        <p className="muted small">{shards.map((s) => `${s.master.address}: ${s.master.slots.map(rangeText).join(',') || 'no slots'}`).join(' · ')}</p>
      </section>
      <section aria-label="Move slots">
        <h3 className="panel-subtitle">Move slots</h3>
        <p className="muted small">Slot by slot (SETSLOT MIGRATING/IMPORTING, MIGRATE in batches, SETSLOT NODE) while the app keeps running.</p>
        <ReshardForm shards={shards} busy={busy} />
        {job && <JobProgress job={job} />}
      </section>
      <CheckAndRebalance busy={busy} />
      <Nodes topology={topology} busy={busy} />
      <Console topology={topology} />
      <Diagnostics />
    </div>
  );
}
