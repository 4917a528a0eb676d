/**
 * `npm run cluster -- up|down|status [--port-base N] [--data-dir D] [--node-timeout MS] [--json]`
 * Headless control of the embedded cluster (E2). The drill lands with the failover panel.
 */
import { parseArgs } from 'node:util';
import { launcherOptionsFrom, ClusterLauncher } from '../core/cluster/launcher';
import { loadConfig, type ConfigOverrides } from '../core/config';
import { createLogger } from '../core/log';
import { runCli } from './run-cli';

const usage = `usage: npm run cluster -- <up|down|status> [--port-base N] [--data-dir DIR] [--node-timeout MS] [--json]`;

runCli(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'port-base': { type: 'string' },
      'data-dir': { type: 'string' },
      'node-timeout': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command || !['up', 'down', 'status'].includes(command)) {
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
