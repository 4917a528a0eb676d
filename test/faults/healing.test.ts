/**
 * The supervisor on a real cluster of this file's own: it refuses to force a failover to a
 * replica it cannot show to be in sync (and leaves the election to Redis), and a node that
 * cannot be restarted raises the shard alert with the reason until it can.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterLauncher } from '../../src/main/core/cluster/launcher';
import { textCommand, withNode } from '../../src/main/core/cluster/node-client';
import { parseClusterNodes, parseInfo } from '../../src/main/core/cluster/nodes-parser';
import type { Engine } from '../../src/main/core/engine';
import type { HealingAction } from '../../src/shared/types';
import { startOwnEngine, waitUntil, type OwnEngine } from './own-cluster';

describe('self-healing on a real cluster', () => {
  let own: OwnEngine;
  let engine: Engine;
  let launcher: ClusterLauncher;
  const actions: HealingAction[] = [];

  beforeAll(async () => {
    own = await startOwnEngine('redk-heal');
    ({ engine, launcher } = own);
    engine.events.on((e) => {
      if (e.event === 'cluster.healing') actions.push(e.data as HealingAction);
    });
  });
  afterAll(async () => {
    await own?.stop();
  });

  const view = async () => parseClusterNodes(await withNode({ host: '127.0.0.1', port: launcher.plan.ports[0]!, password: own.config.redis.password }, (n) => textCommand(n, 'CLUSTER', 'NODES')));
  const pidOf = async (port: number) => {
    const s = (await launcher.status()).find((x) => x.port === port)!;
    if (s.state.kind !== 'ours' || !s.state.pid) throw new Error(`:${port} is not running`);
    return s.state.pid;
  };
  const healthy = async () => {
    const t = await engine.clusterService.topology();
    return t.state === 'ok' && t.nodes.length === 6 && t.nodes.every((n) => n.health === 'ok' && !n.process) && t.nodes.filter((n) => n.role === 'replica').length === 3;
  };

  it('does not force a replica it cannot show in sync: the election is left to Redis, and the master comes back', async () => {
    await waitUntil('a healthy cluster', healthy, 60_000);
    const v = await view();
    const master = v.find((n) => n.role === 'master' && n.slots.some((r) => r.start <= 10923 && 10923 <= r.end))!;
    const replica = v.find((n) => n.masterId === master.id)!;
    for (let i = 0; i < 200; i++) await engine.redis.set(`{heal}:k${i}`, i);
    actions.length = 0;
    // Frozen for less than the node timeout: still "ok" to the cluster, but it cannot answer.
    const replicaPid = await pidOf(replica.port);
    const masterPid = await pidOf(master.port);
    process.kill(replicaPid, 'SIGSTOP');
    try {
      process.kill(masterPid, 'SIGKILL');
      await waitUntil('the supervisor to decide', () => actions.some((a) => a.step === 'no failover' || a.step === 'forced failover'), 10_000);
    } finally {
      process.kill(replicaPid, 'SIGCONT');
    }
    const verdict = actions.find((a) => a.step === 'no failover' || a.step === 'forced failover')!;
    expect(verdict.step).toBe('no failover');
    expect(verdict.detail).toContain(`not forcing ${replica.address}`);
    expect(verdict.detail).toContain('the election is left to Redis');
    await waitUntil('the master restarted and rejoined', () => actions.some((a) => a.step === 'rejoined' && a.port === master.port), 60_000);
    await waitUntil('a healthy cluster again', healthy, 60_000);
    // Nothing written before is gone (the client may need a moment to reconnect to the new process).
    await waitUntil('the data written before', async () => Number(await engine.redis.get('{heal}:k199')) === 199, 15_000);
  }, 120_000);

  it('a node that cannot be restarted raises "shard … has no replica: <reason>" until it can', async () => {
    await waitUntil('a healthy cluster', healthy, 60_000);
    const v = await view();
    const master = v.find((n) => n.role === 'master' && n.slots.some((r) => r.start === 0))!;
    const replica = v.find((n) => n.masterId === master.id)!;
    const nodesConf = join(launcher.nodeDir(replica.port), 'nodes.conf');
    actions.length = 0;
    // A cluster config redis-server refuses to load, written right before the kill (the supervisor
    // restarts within a fraction of a second): every restart fails until it is put back.
    const original = readFileSync(nodesConf, 'utf8');
    const pid = await pidOf(replica.port);
    writeFileSync(nodesConf, 'this is not a cluster config\n');
    process.kill(pid, 'SIGKILL');
    try {
      await waitUntil('the exit to be seen', () => actions.some((a) => a.step === 'process exited'), 10_000);
      await waitUntil('a failed restart', () => actions.some((a) => a.step === 'restart failed'), 40_000);
      let message = '';
      await waitUntil('the shard alert', async () => {
        const alert = (await engine.clusterService.alerts()).find((a) => a.rule === 'shard_without_replica' && a.node === master.address);
        message = alert?.message ?? '';
        return alert !== undefined;
      }, 15_000);
      expect(message).toMatch(/^shard 0-5460 has no replica: /);
      expect(message).toContain('could not be restarted');
      const note = (await engine.clusterService.topology()).nodes.find((n) => n.address === replica.address)?.process;
      expect(note?.state).toBe('restart failed');
    } finally {
      writeFileSync(nodesConf, original);
    }
    await waitUntil('the replica back in sync', async () => {
      const repl = parseInfo(await withNode({ host: '127.0.0.1', port: replica.port, password: own.config.redis.password }, (n) => textCommand(n, 'INFO', 'replication')));
      return repl.role === 'slave' && repl.master_link_status === 'up';
    }, 60_000);
    await waitUntil('the alert cleared', async () => !(await engine.clusterService.alerts()).some((a) => a.rule === 'shard_without_replica'), 30_000);
  }, 150_000);
});
