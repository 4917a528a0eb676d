/**
 * `npm run cluster -- up|down|status [--port-base N] [--data-dir D] [--node-timeout MS] [--json]`
 * Headless control of the embedded cluster (E2). The drill lands with the failover panel.
 */
import { parseArgs } from 'node:util';
import { connectCluster } from '../core/cluster/connection';
import { FailoverDrill } from '../core/cluster/drill';
import { launcherOptionsFrom, ClusterLauncher } from '../core/cluster/launcher';
import { EventBus } from '../core/events';
import { loadConfig, type ConfigOverrides } from '../core/config';
import { createLogger } from '../core/log';
import { runCli } from './run-cli';

const usage = `usage: npm run cluster -- <up|down|status|drill> [--port-base N] [--data-dir DIR] [--node-timeout MS] [--json]
       npm run cluster -- drill [--port P] [--graceful] [--native] [--json]   stop master P (default: the owner of slot 0) under load and measure the failover
         --native: let Redis detect the failure itself instead of the app's supervisor (slower: 1-1.5x the node timeout + election)`;

runCli(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'port-base': { type: 'string' },
      'data-dir': { type: 'string' },
      'node-timeout': { type: 'string' },
      json: { type: 'boolean', default: false },
      port: { type: 'string' },
      graceful: { type: 'boolean', default: false },
      native: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command || !['up', 'down', 'status', 'drill'].includes(command)) {
    process.stderr.write(usage + '\n');
    return values.help ? 0 : 2;
  }
  const overrides: ConfigOverrides = { redis: {} };
  if (values['data-dir']) overrides.dataDir = values['data-dir'];
  if (values['port-base']) overrides.redis!.portBase = Number(values['port-base']);
  if (values['node-timeout']) overrides.redis!.nodeTimeoutMs = Number(values['node-timeout']);
  const config = loadConfig(overrides);
  const log = createLogger('cluster', values.json ? 'warn' : 'info');
  const launcher = new ClusterLauncher(launcherOptionsFrom(config, log));
  const print = (value: unknown, text: string) => process.stdout.write(values.json ? JSON.stringify(value) + '\n' : text + '\n');

  if (command === 'up') {
    const result = await launcher.up();
    print(result, `cluster ${result.reused ? 'reused' : 'up'}: redis-cli -c -p ${config.redis.portBase} cluster info`);
    return 0;
  }
  if (command === 'drill') {
    const connection = await connectCluster(config, log);
    try {
      const drill = new FailoverDrill({
        redis: connection.client, pool: connection.pool, cluster: connection.service, launcher: connection.launcher, supervisor: connection.supervisor,
        nodeTimeoutMs: config.redis.nodeTimeoutMs, events: new EventBus(), log: log.child('drill'),
      });
      const result = await drill.run({ port: values.port ? Number(values.port) : undefined, mode: values.graceful ? 'graceful' : 'stop', native: values.native === true });
      const lines = result.timeline.map((s) => `  +${(s.t / 1000).toFixed(2).padStart(6)} s  ${s.step.padEnd(16)} ${s.detail}`);
      print(
        result,
        [
          `failover drill on :${result.stoppedPort} (cluster-node-timeout ${result.nodeTimeoutMs} ms, detection: ${result.detection})`,
          ...lines,
          `unavailable for ${result.unavailableMs ?? '?'} ms (slowest write ${result.slowestWriteMs} ms); ${result.attempted} writes attempted, ${result.acked} acknowledged by a replica, ${result.failed} failed, ${result.lostAcked} acknowledged and lost`,
        ].join('\n'),
      );
      return result.lostAcked === 0 && result.promotedAddress ? 0 : 1;
    } finally {
      await connection.close();
    }
  }
  if (command === 'down') {
    const result = await launcher.down();
    const skipped = result.skipped.map((s) => `\n  left alone :${s.port} (${s.reason})`).join('');
    print(result, `stopped ${result.stopped.length} node(s)${result.stopped.length ? ': ' + result.stopped.join(', ') : ''}${skipped}`);
    return 0;
  }
  const nodes = await launcher.status();
  const lines = nodes.map(({ port, state }) => {
    if (state.kind === 'free') return `:${port}  stopped`;
    if (state.kind === 'foreign') return `:${port}  not ours: ${state.detail}`;
    return `:${port}  running pid ${state.pid}  ${state.role.padEnd(7)} cluster_state:${state.clusterState} known_nodes:${state.knownNodes}`;
  });
  print({ dir: launcher.clusterDir, nodes }, `${launcher.clusterDir}\n${lines.join('\n')}`);
  return nodes.every((n) => n.state.kind === 'ours') ? 0 : 3;
});
