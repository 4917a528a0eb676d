/** Parsers for the text replies of CLUSTER NODES, CLUSTER INFO and INFO. */
import type { ClusterNodeInfo, NodeHealth, SlotRange } from '../../../shared/types';

/** `key:value` lines (CLUSTER INFO, INFO sections) into a map; `# Section` lines are skipped. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const at = line.indexOf(':');
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return out;
}

function healthOf(flags: string[]): NodeHealth {
  if (flags.includes('fail')) return 'fail';
  if (flags.includes('fail?')) return 'pfail';
  if (flags.includes('handshake')) return 'handshake';
  if (flags.includes('noaddr')) return 'noaddr';
  return 'ok';
}

/**
 * One CLUSTER NODES line:
 * `<id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot> <slot> ...`
 * Slot fields in `[slot->-node]` / `[slot-<-node]` form are migrations in progress, not ownership.
 */
export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  const nodes: ClusterNodeInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(' ');
    if (parts.length < 8) continue;
    const [id, addr, flagField, master, , , epoch, link, ...slotFields] = parts as [
      string, string, string, string, string, string, string, string, ...string[]
    ];
    const flags = flagField.split(',').filter((f) => f !== 'myself' && f !== 'noflags');
    const hostPort = addr.split('@')[0] ?? '';
    const colon = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, colon);
    const port = Number(hostPort.slice(colon + 1));
    const slots: SlotRange[] = [];
    for (const field of slotFields) {
      if (field.startsWith('[')) continue;
      const [a, b] = field.split('-');
      const start = Number(a);
      const end = b === undefined ? start : Number(b);
      if (Number.isInteger(start) && Number.isInteger(end)) slots.push({ start, end });
    }
    nodes.push({
      id,
      address: `${host}:${port}`,
      host,
      port,
      role: flagField.includes('master') ? 'master' : 'replica',
      masterId: master === '-' ? null : master,
      health: healthOf(flags),
      linkState: link === 'connected' ? 'connected' : 'disconnected',
      flags: flagField.split(','),
      slots,
      configEpoch: Number(epoch) || 0,
    });
  }
  return nodes.sort((a, b) => a.port - b.port || a.host.localeCompare(b.host));
}

export function slotCount(ranges: SlotRange[]): number {
  return ranges.reduce((n, r) => n + (r.end - r.start + 1), 0);
}
