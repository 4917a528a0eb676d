/**
 * The drill can report a loss. Writes the master answered without any replica confirming them
 * (durable: false) are lost for real here: the replica is frozen and cut off from its master
 * while they are made, the master is then killed and the stale replica forced in by an operator
 * (CLUSTER FAILOVER TAKEOVER, no agreement asked), and the old master restarts as its replica,
 * discarding what only it had. The drill's check counts those as lost, while the durable ones
 * (none were confirmed in the gap) stay at 0: the difference R3 promises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textCommand, withNode } from '../../src/main/core/cluster/node-client';
import { parseInfo } from '../../src/main/core/cluster/nodes-parser';
import type { Engine } from '../../src/main/core/engine';
import { startOwnEngine, type OwnEngine } from './own-cluster';


describe('the drill catches a loss when there is one', () => {
  let own: OwnEngine;
  const addr = (address: string) => ({ host: address.slice(0, address.lastIndexOf(':')), port: Number(address.slice(address.lastIndexOf(':') + 1)), password: own.config.redis.password });
  let engine: Engine;

  beforeAll(async () => {
    own = await startOwnEngine('redk-drill-loss');
    ({ engine } = own);
  });
  afterAll(async () => {
    await own?.stop();
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
    process.stderr.write(`drill with a stale replica forced in: ${result.acked} durable (${result.lostAcked} lost), ${result.ackedWithoutReplica} without a replica (${result.lostWithoutReplica} lost); ${result.timeline.map((t) => `${t.step}@${t.t}`).join(' ')}\n`);
    expect(result.ackedWithoutReplica).toBeGreaterThan(0);
    expect(result.lostWithoutReplica).toBeGreaterThan(0);
    expect(result.lostAcked).toBe(0);
  }, 150_000);
});
