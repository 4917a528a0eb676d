import type { RedisTraceEntry } from '../../../../shared/errors';
import { clockTime } from '../../lib/time';
import type { TracedCall } from '../../store/trace';

const ms = (n: number) => `${n < 10 ? n.toFixed(2) : Math.round(n)} ms`;

function CommandRow({ entry }: { entry: RedisTraceEntry }) {
  return (
    <tr className={entry.error ? 'trace-failed' : undefined} data-testid="trace-command" title={entry.error}>
      <td>
        <code>{entry.command}</code>
      </td>
      <td className="trace-key">{entry.key ? <code>{entry.key}</code> : <span className="muted">—</span>}</td>
      <td className="num">{entry.slot ?? '—'}</td>
      <td>
        <code>{entry.node}</code>
      </td>
      <td className="num">{ms(entry.ms)}</td>
    </tr>
  );
}

/** One call: its method and total time, then every Redis command with key, slot, node and time. */
export function CallTraceView({ call, open }: { call: TracedCall; open: boolean }) {
  const { trace } = call;
  const failed = trace.redis.filter((e) => e.error).length;
  return (
    <details className="trace" open={open} data-testid="trace-call" data-method={trace.method}>
      <summary>
        <code className="trace-method">{trace.method}</code>
        <span className="muted small">
          {trace.redis.length + trace.truncated} command{trace.redis.length + trace.truncated === 1 ? '' : 's'}
          {failed > 0 && <span className="warn"> · {failed} failed</span>}
        </span>
        <span className="trace-ms">{ms(trace.ms)}</span>
        <time className="muted small">{clockTime(call.at)}</time>
      </summary>
      {trace.redis.length === 0 ? (
        <p className="muted small">No Redis command: answered without the cluster (or from a store).</p>
      ) : (
        <table className="trace-table">
          <thead>
            <tr>
              <th scope="col">command</th>
              <th scope="col">key</th>
              <th scope="col" className="num">slot</th>
              <th scope="col">node</th>
              <th scope="col" className="num">time</th>
            </tr>
          </thead>
          <tbody>
            {trace.redis.map((entry, i) => (
              <CommandRow key={i} entry={entry} />
            ))}
          </tbody>
        </table>
      )}
      {trace.truncated > 0 && <p className="muted small">…and {trace.truncated} more commands not listed.</p>}
    </details>
  );
}
