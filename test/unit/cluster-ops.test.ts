import { describe, expect, it } from 'vitest';
import { ClusterOps } from '../../src/main/core/services/cluster-ops';
import type { ClusterNodeInfo, Topology } from '../../src/shared/types';

const node = (port: number, over: Partial<ClusterNodeInfo> = {}): ClusterNodeInfo => ({
  id: `id${port}`, address: `127.0.0.1:${port}`, host: '127.0.0.1', port, role: 'master', masterId: null, health: 'ok',
  linkState: 'connected', flags: ['master'], slots: [], configEpoch: 1, ...over,
});
const topology = (nodes: ClusterNodeInfo[]): Topology => ({
  state: 'ok', slotsAssigned: 16384, slotsOk: 16384, knownNodes: nodes.length, currentEpoch: 1, observedFrom: nodes[0]!.address, observedAt: 0, mode: 'embedded', nodes,
});

/** No Redis here: a refusal must come from the topology alone, before any node is touched. */
function opsOn(t: Topology, busyElsewhere?: () => string | null) {
  const touched: string[] = [];
  const ops = new ClusterOps({
    busyElsewhere,
    seeds: async () => {
      touched.push('seeds');
      return [];
    },
    topology: async () => t,
    launcher: null,
  });
  return { ops, touched };
}

describe('cluster.removeNode refusals', () => {
  it('removing the last master is refused, naming why, and touches nothing', async () => {
    const { ops, touched } = opsOn(topology([node(7000, { slots: [{ start: 0, end: 16383 }] }), node(7001, { role: 'replica', masterId: 'id7000', flags: ['slave'] })]));
    await expect(ops.removeNode('7000')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/127\.0\.0\.1:7000 is the last master: its slots have nowhere to go/) });
    expect(touched).toEqual([]);
    await ops.close();
  });

  it('a master whose only peers are failing counts as the last one', async () => {
    const { ops, touched } = opsOn(topology([node(7000, { slots: [{ start: 0, end: 8191 }] }), node(7002, { slots: [{ start: 8192, end: 16383 }], health: 'fail', flags: ['master', 'fail'] })]));
    await expect(ops.removeNode('127.0.0.1:7000')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/is the last master/) });
    expect(touched).toEqual([]);
    await ops.close();
  });

  it('a name that is not a node lists the nodes there are', async () => {
    const { ops } = opsOn(topology([node(7000, { slots: [{ start: 0, end: 16383 }] })]));
    await expect(ops.removeNode('7999')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/7999 is not a node of this cluster \(nodes: 127\.0\.0\.1:7000\)/) });
    await ops.close();
  });
});

describe('one thing moves the cluster at a time', () => {
  it('a job, a fix or a node change is refused while a drill or a manual failover runs, naming it', async () => {
    const { ops, touched } = opsOn(topology([node(7000, { slots: [{ start: 0, end: 16383 }] })]), () => 'a failover drill is running');
    for (const attempt of [() => ops.reshard({ to: '7000', range: { start: 0, end: 1 } }), () => ops.rebalance({}), () => ops.fix(), () => ops.removeNode('7000')]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/a failover drill is running; wait for it to end/) });
    }
    expect(touched).toEqual([]);
    expect(ops.busyWith()).toBeNull();
    await ops.close();
  });
});
