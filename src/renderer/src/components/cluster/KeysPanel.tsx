import type { Topology } from '../../../../shared/types';
import { KeyLookup } from './KeyLookup';
import { KeyScan } from './KeyScan';

/** The key explorer: locate one key, or scan for many. */
export function KeysPanel({ topology }: { topology: Topology }) {
  return (
    <div className="cluster-panel keys-panel" data-testid="keys-panel">
      <KeyLookup topology={topology} />
      <KeyScan />
    </div>
  );
}
