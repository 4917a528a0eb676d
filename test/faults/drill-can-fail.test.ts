/**
 * The drill can report a loss. Writes the master answered without any replica confirming them
 * (durable: false) are lost for real here: the replica is frozen and cut off from its master
 * while they are made, the master is then killed and the stale replica forced in by an operator
 * (CLUSTER FAILOVER TAKEOVER, no agreement asked), and the old master restarts as its replica,
 * discarding what only it had. The drill's check counts those as lost, while the durable ones
 * (none were confirmed in the gap) stay at 0: the difference R3 promises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterLauncher, launcherOptionsFrom } from '../../src/main/core/cluster/launcher';
import { textCommand, withNode } from '../../src/main/core/cluster/node-client';
import { parseInfo } from '../../src/main/core/cluster/nodes-parser';
import { loadConfig } from '../../src/main/core/config';
import { Engine } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';
import { freePortBase } from '../helpers/ports';
import { tempDir } from '../helpers/temp-dirs';

const addr = (address: string) => ({ host: address.slice(0, address.lastIndexOf(':')), port: Number(address.slice(address.lastIndexOf(':') + 1)) });

describe('the drill catches a loss when there is one', () => {
  let engine: Engine;
  let launcher: ClusterLauncher;

  beforeAll(async () => {
    const dataDir = tempDir('redk-drill-loss');
    const config = loadConfig({ dataDir, redis: { portBase: await freePortBase(), nodeTimeoutMs: 2000, maxmemory: '64mb' } }, { REDK_DATA_DIR: dataDir });
    launcher = new ClusterLauncher(launcherOptionsFrom(config, silentLogger));
    engine = await Engine.start(config, { log: silentLogger, shell: 'web' });
  });
  afterAll(async () => {
    for (const s of await launcher.status().catch(() => [])) if (s.state.kind === 'ours' && s.state.pid) process.kill(s.state.pid, 'SIGCONT');
    await engine?.stop();
    await launcher.down();
  });

  it('answers without a replica, then a stale replica forced in: lostWithoutReplica > 0, lostAcked 0', async () => {
    let replicaPid = 0;
    const result = await engine.drill.run({
      fault: 'crash',
      native: true,
      posts: 64,
      hooks: {
        async beforeFault({ master, replica, stopLoad }) {
          replicaPid = Number(parseInfo(await withNode(addr(replica), (n) => textCommand(n, 'INFO', 'server'))).process_id);
          // Frozen first, so it cannot reconnect; then the master drops its replication link.
          process.kill(replicaPid, 'SIGSTOP');
          await withNode(addr(master), (n) => n.call('CLIENT', 'KILL', 'TYPE', 'replica'));
          // Writes the master alone answers (WAIT finds no replica: durable false).
          await new Promise((r) => setTimeout(r, 1000));
          await stopLoad();
        },
        async afterFault({ replica }) {
          process.kill(replicaPid, 'SIGCONT');
          await withNode(addr(replica), (n) => n.call('CLUSTER', 'FAILOVER', 'TAKEOVER'));
        },
      },
    });
    process.stderr.write(`drill with a stale replica forced in: ${result.acked} durable (${result.lostAcked} lost), ${result.ackedWithoutReplica} without a replica (${result.lostWithoutReplica} lost)\n`);
    expect(result.ackedWithoutReplica).toBeGreaterThan(0);
    expect(result.lostWithoutReplica).toBeGreaterThan(0);
    expect(result.lostAcked).toBe(0);
  }, 150_000);
});
