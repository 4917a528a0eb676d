/**
 * `npm run cluster -- up|down|status [--port-base N] [--data-dir D] [--node-timeout MS] [--json]`
 * Headless control of the embedded cluster (E2). The drill lands with the failover panel.
 */
import { parseArgs } from 'node:util';
import { launcherOptionsFrom, ClusterLauncher } from '../core/cluster/launcher';
import { loadConfig, type ConfigOverrides } from '../core/config';
import type { DrillFault } from '../../shared/types';
import { drillLine, drillSummary, runDrill } from './drill-command';
import { createLogger } from '../core/log';
import { runCli } from './run-cli';

const usage = `usage: npm run cluster -- <up|down|status|drill> [--port-base N] [--data-dir DIR] [--node-timeout MS] [--json]
       npm run cluster -- drill [--port P] [--fault crash|hang|shutdown|graceful] [--graceful] [--native] [--json]
         break master P (default: the owner of slot 0) under a like/unlike load through the app's like path, and measure the failover
         --fault crash (default): SIGKILL; hang: SIGSTOP past the node timeout, then SIGCONT; shutdown: SHUTDOWN NOSAVE
                 (waits for replicas, cannot lose a write); graceful: CLUSTER FAILOVER on the replica (same as --graceful)
         --native: let Redis detect the failure itself instead of the app's supervisor (slower: 1-1.5x the node timeout + election)
         With an engine serving this data folder, the drill runs in it (through its web shell).`;

const FAULTS = ['crash', 'hang', 'shutdown', 'graceful'] as const;

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
      fault: { type: 'string' },
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
    const fault = (values.graceful ? 'graceful' : (values.fault ?? 'crash')) as DrillFault;
    if (!FAULTS.includes(fault)) {
      process.stderr.write(`--fault must be one of ${FAULTS.join(', ')}, not "${values.fault}"\n`);
      return 2;
    }
    if (!values.json) process.stdout.write(`drill: ${fault}${values.native ? ' (left to Redis)' : ''}; starting or reaching the engine ...\n`);
    const result = await runDrill(config, { port: values.port ? Number(values.port) : undefined, fault, native: values.native === true }, createLogger('drill', 'warn'), (step) => {
      if (!values.json) process.stdout.write(drillLine(step) + '\n');
    });
    print(result, `failover drill on :${result.stoppedPort} (cluster-node-timeout ${result.nodeTimeoutMs} ms, detection: ${result.detection})\n${drillSummary(result)}`);
    return result.lostAcked === 0 && result.promotedAddress ? 0 : 1;
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
