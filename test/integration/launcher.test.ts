import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterLauncher, type LauncherOptions } from '../../src/main/core/cluster/launcher';
import { textCommand, withNode } from '../../src/main/core/cluster/node-client';
import { parseClusterNodes, parseInfo } from '../../src/main/core/cluster/nodes-parser';
import { processAlive } from '../../src/main/core/cluster/process-alive';
import { embeddedSecret } from '../../src/main/core/cluster/secret';
import { silentLogger } from '../../src/main/core/log';
import { freePortBase, portIsFree } from '../helpers/ports';
import { tempDir } from '../helpers/temp-dirs';

const host = '127.0.0.1';
const options = (portBase: number, dataDir: string, extra: Partial<LauncherOptions> = {}): LauncherOptions => ({
  dataDir, host, portBase, nodeTimeoutMs: 2000, maxmemory: '64mb', maxmemoryPolicy: 'volatile-lru',
  serverPath: process.env.REDK_REDIS_SERVER || 'redis-server', log: silentLogger, password: embeddedSecret(dataDir), ...extra,
});

/** PING in the wire protocol, as any local program could send it: the node's first reply line. */
function rawPing(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => socket.write('PING\r\n'));
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.split('\r\n')[0]!);
      }
    });
    socket.on('error', reject);
  });
}

describe('the embedded cluster launcher (C1-C3, E1)', () => {
  const { portBase, dataDir } = inject('cluster');
  const suite = new ClusterLauncher(options(portBase, dataDir));

  // The shared cluster may still be healing from the file before (the chaos test and the drill
  // stop nodes): up() brings it back to the C1 shape and waits until every node is ok.
  beforeAll(async () => {
    await suite.up();
  });

  it('runs every node with AOF, the configured eviction policy and failover settings (C2, C3)', async () => {
    const config = await withNode({ host, port: portBase + 3, password: embeddedSecret(dataDir) }, async (n) =>
      Object.fromEntries(
        await Promise.all(
          ['appendonly', 'maxmemory-policy', 'cluster-node-timeout', 'cluster-replica-validity-factor', 'cluster-require-full-coverage', 'maxmemory'].map(
            async (key) => [key, ((await n.call('CONFIG', 'GET', key)) as string[])[1]],
          ),
        ),
      ),
    );
    expect(config).toEqual({
      appendonly: 'yes', 'maxmemory-policy': 'volatile-lru', 'cluster-node-timeout': '2000',
      'cluster-replica-validity-factor': '10', 'cluster-require-full-coverage': 'no', maxmemory: String(64 * 1024 * 1024),
    });
  });

  it('reuses a healthy cluster it started instead of starting another', async () => {
    const again = await suite.up();
    expect(again.reused).toBe(true);
    expect(again.started).toEqual([]);
    const status = await suite.status();
    expect(status.every((s) => s.state.kind === 'ours')).toBe(true);
  });

  it('a reused cluster that takes any client (started before the secret) requires the secret from then on, replicas still in sync', async () => {
    const base = await freePortBase();
    const dir = tempDir('redk-open');
    const open = new ClusterLauncher(options(base, dir, { password: undefined }));
    const secured = new ClusterLauncher(options(base, dir));
    try {
      expect((await open.up()).started).toHaveLength(6);
      expect(await rawPing(base)).toBe('+PONG');
      const again = await secured.up();
      expect(again.reused).toBe(true);
      for (let port = base; port < base + 6; port++) {
        expect(await rawPing(port), String(port)).toMatch(/^-NOAUTH/);
        expect(await withNode({ host, port, password: embeddedSecret(dir) }, (n) => n.ping())).toBe('PONG');
      }
      // Replicas authenticate with masterauth: their links stay up, and the cluster stays healthy.
      expect((await secured.up()).reused).toBe(true);
      expect(await secured.requireSecret()).toBe(0);
    } finally {
      await secured.down();
    }
  });

  describe('on ports taken by something else', () => {
    const servers: Server[] = [];
    afterAll(() => servers.forEach((s) => s.close()));

    it('refuses clearly, naming the port, and starts nothing', async () => {
      const base = await freePortBase();
      const blocker = createServer((socket) => {
        socket.on('error', () => undefined);
        socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      });
      servers.push(blocker);
      await new Promise<void>((r) => blocker.listen(base + 1, host, () => r()));
      const dir = tempDir('redk-foreign');
      const launcher = new ClusterLauncher(options(base, dir));
      await expect(launcher.up()).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(`${base + 1}:`) });
      expect(await portIsFree(base)).toBe(true);
    });

    it('does not mistake another data folder’s cluster for its own', async () => {
      const other = new ClusterLauncher(options(portBase, tempDir('redk-other')));
      await expect(other.up()).rejects.toMatchObject({ code: 'conflict' });
      const down = await other.down();
      expect(down.stopped).toEqual([]);
      expect(down.skipped).toHaveLength(6);
    });
  });

  it('says how to install redis-server when the binary is missing', async () => {
    const launcher = new ClusterLauncher(options(await freePortBase(), tmpdir(), { serverPath: '/nonexistent/redis-server' }));
    await expect(launcher.up()).rejects.toMatchObject({ code: 'cluster_unavailable', message: expect.stringMatching(/apt-get install redis-server.*REDK_REDIS_SERVER/) });
  });

  describe('a fresh cluster of its own', () => {
    let base = 0;
    let dir = '';
    let launcher: ClusterLauncher;
    beforeAll(async () => {
      base = await freePortBase();
      dir = tempDir('redk-fresh');
      launcher = new ClusterLauncher(options(base, dir));
      const first = await launcher.up();
      expect(first.reused).toBe(false);
      expect(first.started).toHaveLength(6);
    });
    afterAll(async () => {
      await launcher.down();
    });

    it('builds 3 masters with the C1 slot ranges and each replica on master port + 3', async () => {
      const nodes = parseClusterNodes(await withNode({ host, port: base }, (n) => textCommand(n, 'CLUSTER', 'NODES'), embeddedSecret(dir)));
      expect(nodes).toHaveLength(6);
      const masters = nodes.filter((n) => n.role === 'master');
      expect(masters.map((m) => [m.port, m.slots])).toEqual([
        [base, [{ start: 0, end: 5460 }]],
        [base + 1, [{ start: 5461, end: 10922 }]],
        [base + 2, [{ start: 10923, end: 16383 }]],
      ]);
      for (const replica of nodes.filter((n) => n.role === 'replica')) {
        const master = nodes.find((n) => n.id === replica.masterId);
        expect(master?.port).toBe(replica.port - 3);
      }
      const info = parseInfo(await withNode({ host, port: base + 4 }, (n) => textCommand(n, 'CLUSTER', 'INFO'), embeddedSecret(dir)));
      expect(info).toMatchObject({ cluster_state: 'ok', cluster_slots_assigned: '16384', cluster_known_nodes: '6', cluster_size: '3' });
    });


    it('stops every process on down, and a restart rejoins the same nodes from nodes.conf', async () => {
      const ids = parseClusterNodes(await withNode({ host, port: base }, (n) => textCommand(n, 'CLUSTER', 'NODES'), embeddedSecret(dir))).map((n) => n.id).sort();
      const pids = (await launcher.status()).map((s) => (s.state.kind === 'ours' ? s.state.pid : null));

      const down = await launcher.down();
      expect(down.stopped).toEqual([base, base + 1, base + 2, base + 3, base + 4, base + 5]);
      for (const pid of pids) expect(processAlive(pid as number)).toBe(false);
      for (let p = base; p < base + 6; p++) expect(await portIsFree(p)).toBe(true);

      const second = await launcher.up();
      expect(second.reused).toBe(false);
      const again = parseClusterNodes(await withNode({ host, port: base }, (n) => textCommand(n, 'CLUSTER', 'NODES'), embeddedSecret(dir))).map((n) => n.id).sort();
      expect(again).toEqual(ids);
    });
  });
});
