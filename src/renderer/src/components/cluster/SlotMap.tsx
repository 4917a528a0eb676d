import { useState } from 'react';
import { rangeText, SLOTS, type Shard } from '../../lib/shards';

export interface SlotMark {
  slot: number;
  label: string;
}

interface Segment {
  shard: Shard;
  start: number;
  end: number;
}

const down = (s: Shard) => s.master.health === 'fail' || s.master.health === 'pfail' || s.master.linkState === 'disconnected';

function describe(seg: Segment): string {
  const { master, replicas } = seg.shard;
  const size = (seg.end - seg.start + 1).toLocaleString();
  const reps = replicas.length ? `replicas ${replicas.map((r) => r.address).join(', ')}` : 'no replica';
  return `slots ${rangeText(seg)} (${size}) → master ${master.address} (${master.health}) · ${reps}`;
}

/**
 * The 16,384 hash slots as one bar, each range coloured by the shard that owns it; a range whose
 * master is failing is hatched. Unassigned slots show the grey stripes underneath. `detailed`
 * labels the ranges and explains the one under the pointer; `marks` pin slots (a looked-up key).
 */
export function SlotMap({ shards, detailed = false, marks = [] }: { shards: Shard[]; detailed?: boolean; marks?: SlotMark[] }) {
  const [hovered, setHovered] = useState<Segment | null>(null);
  const segments: Segment[] = shards.flatMap((shard) => shard.master.slots.map((r) => ({ shard, start: r.start, end: r.end })));
  return (
    <div className={`slot-map-wrap${detailed ? ' slot-map-detailed' : ''}`}>
      <div className="slot-map" role="img" aria-label="16,384 hash slots coloured by owning master" onMouseLeave={() => setHovered(null)}>
        {segments.map((seg) => (
          <div
            key={`${seg.shard.master.id}-${seg.start}`}
            className={`slot-segment${down(seg.shard) ? ' slot-segment-down' : ''}`}
            data-testid="slot-segment"
            data-owner={seg.shard.master.address}
            data-range={rangeText(seg)}
            style={{ left: `${(seg.start / SLOTS) * 100}%`, width: `${((seg.end - seg.start + 1) / SLOTS) * 100}%`, background: seg.shard.color }}
            title={describe(seg)}
            onMouseEnter={() => setHovered(seg)}
          >
            {detailed && seg.end - seg.start > 1200 && <span className="slot-label">{rangeText(seg)}</span>}
          </div>
        ))}
        {marks.map((m) => (
          <div key={`${m.slot}-${m.label}`} className="slot-mark" style={{ left: `${(m.slot / SLOTS) * 100}%` }} title={`${m.label}: slot ${m.slot}`} data-testid="slot-mark" />
        ))}
      </div>
      {detailed && (
        <div className="slot-axis muted small" aria-hidden="true">
          <span>0</span>
          <span>8192</span>
          <span>16383</span>
        </div>
      )}
      {detailed && (
        <p className="slot-readout small" aria-live="polite">
          {hovered ? describe(hovered) : 'Point at a range to see its owner and replicas.'}
        </p>
      )}
    </div>
  );
}
