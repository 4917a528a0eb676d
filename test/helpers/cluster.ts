import { inject } from 'vitest';
import { textCommand, withNode } from '../../src/main/core/cluster/node-client';
import { parseClusterNodes } from '../../src/main/core/cluster/nodes-parser';
import { loadConfig, type Config } from '../../src/main/core/config';

/**
 * Config pointing at the suite's shared cluster (global-setup), in embedded mode so it is reused.
 * No failover cooldown: the suite drills and fails over one shard after another on purpose
 * (test/unit/cooldown.test.ts and the engine test check the cooldown itself).
 */
/** Password hashes in tests cost 2^10 (a few ms), not the default 2^16: the suites create hundreds of users. */
export const TEST_SCRYPT_COST = 10;

export function suiteConfig(over: { scaleReads?: Config['redis']['scaleReads']; failoverCooldownMs?: number } = {}): Config {
  const { portBase, dataDir } = inject('cluster');
  return loadConfig(
    { dataDir, redis: { portBase, nodeTimeoutMs: 2000, maxmemory: '64mb', failoverCooldownMs: 0, ...over }, accounts: { scryptCost: TEST_SCRYPT_COST } },
    { REDK_DATA_DIR: dataDir },
  );
}

/**
 * Waits until every node of the cluster sees the same shape (the same roles, masters and slot
 * ranges, every node ok). One node's view can lag the others by a gossip round or two after a
 * failover; a test that reads "the topology" from one node, or starts the next drill, waits here.
 * Bounded: past `timeoutMs` it says how the views differ (on stderr) and returns, and the test's
 * own checks decide.
 */
export async function waitForConvergence(addresses: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(
      addresses.map(async (address) => {
        const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
        try {
          const nodes = parseClusterNodes(await withNode({ host, port, password: suiteConfig().redis.password }, (n) => textCommand(n, 'CLUSTER', 'NODES')));
          const sick = nodes.filter((n) => n.health !== 'ok');
          if (sick.length > 0) return `${address} sees ${sick.map((n) => `${n.address} ${n.health}`).join(', ')}`;
          return nodes.map((n) => `${n.id.slice(0, 8)} ${n.role} ${n.masterId?.slice(0, 8) ?? '-'} ${n.slots.map((r) => `${r.start}-${r.end}`).join(',')}`).sort().join('; ');
        } catch (err) {
          return `${address} does not answer (${(err as Error).message})`;
        }
      }),
    );
    if (views.every((v) => v === views[0]) && !/ sees | does not answer/.test(views[0] ?? '')) return;
    if (Date.now() > deadline) {
      process.stderr.write(`waitForConvergence: the nodes did not agree within ${timeoutMs} ms:\n  ${[...new Set(views)].join('\n  ')}\n`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
