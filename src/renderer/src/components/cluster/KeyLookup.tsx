import { useState, type FormEvent } from 'react';
import type { Topology } from '../../../../shared/types';
import { shardsOf } from '../../lib/shards';
import { useKeyExplorer } from '../../store/keyExplorer';
import { ErrorNote } from '../common/ErrorNote';
import { Fact } from '../common/Fact';
import { SlotMap } from './SlotMap';

const EXAMPLES = ['{user:alice}:feed:all', '{user:alice}:profile', '{post:1}:likes:count', '{trending:0.3}:posts'];

/** Type a key: its hash tag, slot, owning master and replicas, and where it sits on the slot map. */
export function KeyLookup({ topology }: { topology: Topology }) {
  const { lookup, locate } = useKeyExplorer();
  const [key, setKey] = useState(lookup.key);
  const info = lookup.info;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (key) void locate(key);
  };
  const pick = (example: string) => {
    setKey(example);
    void locate(example);
  };
  return (
    <section className="key-lookup" aria-label="Where does a key live">
      <h3 className="panel-subtitle">Where does a key live?</h3>
      <form className="inline-form" onSubmit={submit}>
        <input data-testid="keyslot-input" value={key} onChange={(e) => setKey(e.target.value)} placeholder="{user:alice}:feed:all" spellCheck={false} maxLength={1024} aria-label="Key" />
        <button type="submit" className="primary" data-testid="keyslot-submit" disabled={!key || lookup.busy}>
          {lookup.busy ? 'Locating…' : 'Locate'}
        </button>
      </form>
      <p className="examples small muted">
        Try{' '}
        {EXAMPLES.map((x) => (
          <button key={x} type="button" className="chip" onClick={() => pick(x)}>
            {x}
          </button>
        ))}
      </p>
      {lookup.error && <ErrorNote error={lookup.error} compact />}
      {info && (
        <div className="key-info" data-testid="keyslot-result">
          <dl className="facts">
            <Fact label="Key">
              <code>{info.key}</code>
            </Fact>
            <Fact label="Hash tag" testId="keyslot-hashtag">
              {info.hashTag === null ? <span className="muted">none: the whole key is hashed</span> : <code>{`{${info.hashTag}}`}</code>}
            </Fact>
            <Fact label="Slot" testId="keyslot-slot">
              {info.slot}
            </Fact>
            <Fact label="Master" testId="keyslot-master">
              {info.master ? <code>{info.master.address}</code> : <span className="warn">no live master serves this slot</span>}
            </Fact>
            <Fact label="Replicas" testId="keyslot-replicas">
              {info.replicas.length ? info.replicas.map((r) => <code key={r.id}>{r.address} </code>) : <span className="muted">none</span>}
            </Fact>
          </dl>
          <SlotMap shards={shardsOf(topology)} marks={[{ slot: info.slot, label: info.key }]} />
          {info.hashTag !== null && <p className="muted small">Every key with the tag {`{${info.hashTag}}`} lands in slot {info.slot}, so they can share a pipeline, MULTI or Lua script.</p>}
        </div>
      )}
    </section>
  );
}
