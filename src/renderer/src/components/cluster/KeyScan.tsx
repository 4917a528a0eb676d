import { useState, type FormEvent } from 'react';
import { count, ttl } from '../../lib/format';
import { KEY_TYPES, MAX_ROWS, PAGE_SIZE, useKeyExplorer, type KeyType } from '../../store/keyExplorer';
import { ErrorNote } from '../common/ErrorNote';
import { Empty } from '../common/States';

/** SCAN across every master (a cluster SCAN must visit each one), a page at a time. */
export function KeyScan() {
  const { scan, startScan, more, retry, locate } = useKeyExplorer();
  const [pattern, setPattern] = useState(scan.pattern);
  const [type, setType] = useState<KeyType | ''>(scan.type ?? '');
  const loading = scan.status === 'loading';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void startScan(pattern.trim() || '*', type || null);
  };
  // The cursor is also null before the first page has answered.
  const done = scan.status === 'ready' && scan.cursor === null;
  const capped = scan.keys.length >= MAX_ROWS;
  return (
    <section className="key-scan" aria-label="Scan keys">
      <h3 className="panel-subtitle">Scan keys across the masters</h3>
      <form className="inline-form" onSubmit={submit}>
        <input data-testid="scan-pattern" value={pattern} onChange={(e) => setPattern(e.target.value)} placeholder="{user:*}:feed:*" spellCheck={false} maxLength={200} aria-label="Pattern (MATCH)" />
        <select data-testid="scan-type" value={type} onChange={(e) => setType(e.target.value as KeyType | '')} aria-label="Type">
          <option value="">any type</option>
          {KEY_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" data-testid="scan-submit" disabled={loading}>
          Scan
        </button>
      </form>
      {scan.error && <ErrorNote error={scan.error} compact onRetry={() => void retry()} />}
      {scan.status !== 'idle' && (
        <p className="muted small" data-testid="scan-progress" data-done={done}>
          {count(scan.keys.length)} keys · {scan.mastersDone} of {scan.masters || '?'} masters scanned{done ? ' · done' : ''}
          {loading && ' · scanning…'}
        </p>
      )}
      {scan.status === 'ready' && scan.keys.length === 0 && done && <Empty title="No key matches">Try a wider pattern such as * or another type.</Empty>}
      {scan.keys.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="scan-results">
            <thead>
              <tr>
                <th>Key</th>
                <th>Type</th>
                <th className="num">Slot</th>
                <th>Master</th>
                <th className="num">TTL</th>
              </tr>
            </thead>
            <tbody>
              {scan.keys.map((k) => (
                <tr key={`${k.node}/${k.key}`} data-testid="scan-row">
                  <td>
                    <button type="button" className="link mono" title="Locate this key" onClick={() => void locate(k.key)}>
                      {k.key}
                    </button>
                  </td>
                  <td>{k.type}</td>
                  <td className="num">{k.slot}</td>
                  <td>
                    <code>{k.node}</code>
                  </td>
                  <td className="num">{ttl(k.ttlMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {scan.cursor !== null && !capped && scan.status !== 'idle' && (
        <button type="button" data-testid="scan-more" disabled={loading} onClick={() => void more()}>
          {loading ? 'Scanning…' : `More (next ${PAGE_SIZE} keys)`}
        </button>
      )}
      {capped && <p className="warn small">Showing the first {count(MAX_ROWS)} keys: narrow the pattern to see others.</p>}
    </section>
  );
}
