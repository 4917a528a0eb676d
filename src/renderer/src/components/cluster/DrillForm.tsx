import type { Topology } from '../../../../shared/types';
import { millis } from '../../lib/format';
import { ownerOf, rangeText, shardsOf } from '../../lib/shards';
import { useFailover, type DrillMode } from '../../store/failover';

const MODES: { value: DrillMode; label: string; text: string }[] = [
  { value: 'crash', label: 'Crash the master', text: 'SIGKILL of its process; Red K sees it exit, checks the replica is in sync and asks it for CLUSTER FAILOVER FORCE (the masters vote it in), then starts the old master again as a replica.' },
  { value: 'native', label: 'Crash, let Redis notice', text: 'The same crash, but Red K stays out of it: Redis suspects the master after the node timeout (PFAIL), the masters agree (FAIL) and elect the replica.' },
  { value: 'hang', label: 'Freeze the master', text: 'SIGSTOP past the node timeout, then SIGCONT: the process lives but does not answer, so Redis fails it over; it wakes up as a replica.' },
  { value: 'shutdown', label: 'Shut it down', text: 'SHUTDOWN NOSAVE: since Redis 7 it waits for lagging replicas before it exits, so it cannot lose a write (a polite stop).' },
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
        While it runs, 4 writers like and unlike posts on that master&apos;s slots through the app&apos;s own like path (Lua, WAIT 1, trending, write-back), counting what was attempted, acknowledged by a replica, answered without one, and lost.
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
