import type { Topology } from '../../../../shared/types';
import { millis } from '../../lib/format';
import { ownerOf, rangeText, shardsOf } from '../../lib/shards';
import { useFailover, type DrillMode } from '../../store/failover';

const MODES: { value: DrillMode; label: string; text: string }[] = [
  { value: 'stop', label: 'Stop the master', text: 'SHUTDOWN NOSAVE; Red K sees the process exit and asks its replica for CLUSTER FAILOVER FORCE, the masters vote it in; then the old master is started again.' },
  { value: 'native', label: 'Stop, let Redis notice', text: 'The same stop, but Red K stays out of it: Redis suspects the master after the node timeout (PFAIL), the masters agree (FAIL) and elect the replica.' },
  { value: 'graceful', label: 'Graceful', text: 'CLUSTER FAILOVER on its replica: a planned switch that waits for the replica to catch up.' },
];

/** Which master, which kind of failover, and the button. */
export function DrillForm({ topology }: { topology: Topology }) {
  const { port, mode, running, watching, promoting, nodeTimeoutMs, setPort, setMode, run } = useFailover();
  const masters = shardsOf(topology)
    .map((s) => s.master)
    .filter((m) => m.slots.length > 0);
  const slot0 = ownerOf(topology, 0);
  // A master picked earlier may be a replica now (after a drill): fall back to the default.
  const chosen = masters.find((m) => m.port === port) ?? slot0;
  const unhealthy = topology.nodes.filter((n) => n.health !== 'ok');
  const stopUnavailable = topology.mode === 'external';
  const busy = running || watching || promoting !== null;
  return (
    <form
      className="drill-form"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <label>
        Master to fail over
        <select data-testid="drill-master" value={chosen?.port ?? ''} disabled={busy} onChange={(e) => setPort(Number(e.target.value) === slot0?.port ? null : Number(e.target.value))}>
          {masters.map((m) => (
            <option key={m.id} value={m.port}>
              {m.address} · slots {m.slots.map(rangeText).join(',')}
              {m.id === slot0?.id ? ' (owner of slot 0)' : ''}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="modes" disabled={busy}>
        <legend>Mode</legend>
        {MODES.map((m) => (
          <label key={m.value} className="mode">
            <input type="radio" name="drill-mode" value={m.value} data-testid={`drill-mode-${m.value}`} checked={mode === m.value} disabled={m.value !== 'graceful' && stopUnavailable} onChange={() => setMode(m.value)} />
            <span>
              <strong>{m.label}</strong> <span className="muted">{m.text}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="muted small">
        While it runs, 4 writers like posts on that master&apos;s slots (Lua like + WAIT 1), counting what was attempted, acknowledged and lost.
        {nodeTimeoutMs !== null && ` Node timeout is ${millis(nodeTimeoutMs)}: left to Redis, a stopped master is promoted away after 1 to 1.5 times that plus a vote.`}
      </p>
      {stopUnavailable && <p className="warn small">This is an external cluster: Red K cannot stop and restart its nodes, so only the graceful drill runs here.</p>}
      {unhealthy.length > 0 && !busy && <p className="warn small">Not every node is ok ({unhealthy.map((n) => `${n.address} ${n.health}`).join(', ')}): the engine refuses a drill until they are.</p>}
      <button type="submit" className="primary" data-testid="drill-run" disabled={busy || !chosen}>
        {running ? 'Drill running…' : watching ? 'A drill is running in another window…' : 'Run drill'}
      </button>
    </form>
  );
}
