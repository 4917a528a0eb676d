/**
 * The supervisor's decisions, on real processes standing in for redis-server (a pidfile each):
 * one exit is a crash worth a failover, several at once are a shutdown. The failover itself
 * (CLUSTER FAILOVER FORCE on the replica) is exercised on the real cluster by the drill tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodePool } from '../../src/main/core/cluster/client';
import type { ClusterLauncher } from '../../src/main/core/cluster/launcher';
import { planCluster } from '../../src/main/core/cluster/layout';
import { NodeSupervisor, type SupervisorAction } from '../../src/main/core/cluster/supervisor';
import { silentLogger } from '../../src/main/core/log';

// Ports nobody listens on: CLUSTER NODES cannot be asked, which the supervisor must say.
const plan = planCluster(1030);

function fakeCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'redk-supervisor-'));
  const children = new Map<number, ChildProcess>();
  for (const port of plan.ports) {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.set(port, child);
    mkdirSync(join(dir, String(port)));
    writeFileSync(join(dir, String(port), 'redis.pid'), `${child.pid}\n`);
  }
  const restarted: number[] = [];
  let refuseRestart = false;
  const launcher = {
    plan,
    ports: () => plan.ports,
    nodeDir: (port: number) => join(dir, String(port)),
    // Stands in for starting redis-server again: a new process and pidfile for the port.
    restartNode: async (port: number) => {
      if (refuseRestart) throw new Error('redis-server: Address already in use');
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      children.set(port, child);
      writeFileSync(join(dir, String(port), 'redis.pid'), `${child.pid}\n`);
      restarted.push(port);
      return child.pid ?? null;
    },
  } as unknown as ClusterLauncher;
  const exited = (port: number) => new Promise((resolve) => children.get(port)!.once('exit', resolve));
  return { dir, children, launcher, exited, restarted, refuseRestarts: (refuse: boolean) => (refuseRestart = refuse) };
}

describe('NodeSupervisor', () => {
  let cleanup: (() => void) | null = null;
  afterEach(() => cleanup?.());

  /** A supervisor over a fake cluster, started, with its actions recorded; stopped after the test. */
  function watched(settleMs: number) {
    const cluster = fakeCluster();
    const pool = new NodePool(undefined);
    const supervisor = new NodeSupervisor({ launcher: cluster.launcher, pool, log: silentLogger, intervalMs: 50, settleMs, restartBackoffMs: [0, 50, 100] });
    cleanup = () => {
      void supervisor.stop();
      pool.close();
      for (const c of cluster.children.values()) c.kill('SIGKILL');
      rmSync(cluster.dir, { recursive: true, force: true });
    };
    const actions: SupervisorAction[] = [];
    supervisor.onAction((a) => actions.push(a));
    supervisor.start();
    return { cluster, supervisor, actions };
  }

  async function run(kill: number[]) {
    const { cluster, supervisor, actions } = watched(100);
    expect(supervisor.active).toBe(true);
    await Promise.all(kill.map((port) => { cluster.children.get(port)!.kill('SIGKILL'); return cluster.exited(port); }));
    const deadline = Date.now() + 10_000;
    while (!actions.some((a) => a.step !== 'process exited') && Date.now() < deadline) await supervisor.tick().then(() => new Promise((r) => setTimeout(r, 50)));
    return actions;
  }

  async function until(what: string, check: () => boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('one master process gone: it tries to promote, says why it could not here, and starts the node again', async () => {
    const { cluster, supervisor, actions } = watched(100);
    const port = plan.ports[0]!;
    cluster.children.get(port)!.kill('SIGKILL');
    await cluster.exited(port);
    await until('the restart', () => actions.some((a) => a.step === 'restarted'));
    expect(actions.map((a) => a.step).slice(0, 4)).toEqual(['process exited', 'no failover', 'restarting', 'restarted']);
    expect(actions[0]!.detail).toContain(`${plan.host}:${port}`);
    expect(actions[1]!.detail).toContain('no other node answered');
    expect(cluster.restarted).toEqual([port]);
    // Running again, but not yet known to have rejoined its shard (no Redis answers here).
    expect(supervisor.nodeNotes().get(`${plan.host}:${port}`)?.state).toBe('restarting');
    // The new process is watched like the old one: its exit is seen again.
    cluster.children.get(port)!.kill('SIGKILL');
    await until('the second restart', () => cluster.restarted.length === 2);
  }, 20_000);

  it('a node that cannot be restarted is noted with the reason, and tried again with backoff until it can', async () => {
    const { cluster, supervisor, actions } = watched(50);
    const port = plan.ports[4]!;
    cluster.refuseRestarts(true);
    cluster.children.get(port)!.kill('SIGKILL');
    await cluster.exited(port);
    await until('two failed attempts', () => actions.filter((a) => a.step === 'restart failed').length >= 2);
    const note = supervisor.nodeNotes().get(`${plan.host}:${port}`);
    expect(note?.state).toBe('restart failed');
    expect(note?.detail).toContain('Address already in use');
    cluster.refuseRestarts(false);
    await until('the restart', () => actions.some((a) => a.step === 'restarted'));
    expect(cluster.restarted).toEqual([port]);
  }, 20_000);

  it('several nodes gone together is a shutdown: no failover is attempted', async () => {
    const actions = await run([plan.ports[0]!, plan.ports[3]!, plan.ports[1]!]);
    expect(actions.filter((a) => a.step === 'process exited').length).toBeGreaterThanOrEqual(1);
    const verdict = actions.find((a) => a.step !== 'process exited')!;
    expect(verdict.step).toBe('no failover');
    expect(verdict.detail).toMatch(/3 nodes stopped together/);
    // A shutdown is nobody's crash: nothing is started again.
    await new Promise((r) => setTimeout(r, 300));
    expect(actions.some((a) => a.step === 'restarting')).toBe(false);
  }, 20_000);

  it('paused, it leaves the failure to Redis and does not act', async () => {
    const { cluster, supervisor, actions } = watched(50);
    const resume = supervisor.pause();
    expect(supervisor.active).toBe(false);
    cluster.children.get(plan.ports[0]!)!.kill('SIGKILL');
    await cluster.exited(plan.ports[0]!);
    await supervisor.tick();
    expect(actions).toEqual([]);
    // Resuming forgets the node that died meanwhile: Redis already owns that failure.
    resume();
    await supervisor.tick();
    expect(actions).toEqual([]);
  });
});
