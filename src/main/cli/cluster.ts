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
import { ClusterOps } from '../core/services/cluster-ops';
import type { ClusterJob, SlotRange } from '../../shared/types';

function parseRange(text: string): SlotRange | undefined {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const [start, end] = [Number(m[1]), Number(m[2])];
  return start <= end && end <= 16383 ? { start, end } : undefined;
}

function jobLine(job: ClusterJob): string {
  const eta = job.etaMs === null ? '' : `, ETA ${(job.etaMs / 1000).toFixed(1)} s`;
  return `${job.state.padEnd(9)} ${job.slotsDone}/${job.slotsTotal} slots, ${job.keysMoved} keys, ${job.keysPerSec} keys/s${eta}${job.currentSlot !== null ? ` (slot ${job.currentSlot})` : ''}`;
}

/** A job's notes (a failover it went on after, slots it closed), one indented line each. */
const notesOf = (job: ClusterJob) => job.notes.map((n) => `\n  note: ${n}`).join('');

const usage = `usage: npm run cluster -- <up|down|status|drill> [--port-base N] [--data-dir DIR] [--node-timeout MS] [--json]
       npm run cluster -- drill [--port P] [--fault crash|hang|shutdown|graceful] [--graceful] [--native] [--json]
         break master P (default: the owner of slot 0) under a like/unlike load through the app's like path, and measure the failover
         --fault crash (default): SIGKILL; hang: SIGSTOP past the node timeout, then SIGCONT; shutdown: SHUTDOWN NOSAVE
                 (waits for replicas, cannot lose a write); graceful: CLUSTER FAILOVER on the replica (same as --graceful)
         --native: let Redis detect the failure itself instead of the app's supervisor (slower: 1-1.5x the node timeout + election)
         With an engine serving this data folder, the drill runs in it (through its web shell).
       npm run cluster -- reshard --to PORT (--from PORT --slots N | --range A-B [--from PORT]) [--json]
         move slots live: SETSLOT IMPORTING/MIGRATING, MIGRATE in batches, SETSLOT NODE; prints progress (slots, keys, keys/s, ETA)
         Ctrl-C cancels after the slot in hand (no slot is left open); a process killed half-way leaves one open: run check, then fix
       npm run cluster -- rebalance [--simulate] [--weight PORT=W ...] [--threshold 0.02] [--json]
         each master's share of the slots by weight: the plan (ranges, slots and keys per move) first, then the moves
       npm run cluster -- add-node [--replica-of PORT] [--address HOST:PORT] [--json]
         a new empty master (or a replica of PORT) on the next free port, joined and agreed on by every node
         (external cluster: --address of a node you started)
       npm run cluster -- remove-node PORT [--json]
         move a master's slots to the others first (its replica goes with it), then CLUSTER FORGET everywhere and stop it
       npm run cluster -- check [--json]   open slots, slots no master serves, nodes that disagree (exit 1 when any)
       npm run cluster -- fix [--json]     close every open slot and serve every uncovered one, losing no key
       PORT is a port of the embedded cluster, or host:port (external cluster: REDK_REDIS_SEEDS).`;

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
      to: { type: 'string' },
      from: { type: 'string' },
      slots: { type: 'string' },
      range: { type: 'string' },
      simulate: { type: 'boolean', default: false },
      weight: { type: 'string', multiple: true },
      threshold: { type: 'string' },
      'replica-of': { type: 'string' },
      address: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command || !['up', 'down', 'status', 'drill', 'reshard', 'rebalance', 'check', 'fix', 'add-node', 'remove-node'].includes(command)) {
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
  if (['reshard', 'rebalance', 'check', 'fix', 'add-node', 'remove-node'].includes(command)) {
    const embedded = config.redis.mode !== 'external';
    const seeds = embedded ? launcher.ports().map((p) => `${config.redis.host}:${p}`) : config.redis.seeds;
    const ops = new ClusterOps({ seeds: async () => seeds, password: config.redis.password, natMap: config.redis.natMap, launcher: embedded ? launcher : null, onJob: (job) => !values.json && process.stdout.write(jobLine(job) + '\n') });
    try {
      if (command === 'add-node') {
        const added = await ops.addNode({ replicaOf: values['replica-of'], address: values.address });
        print(added, `added ${added.role} ${added.address}${added.masterAddress ? ` (replica of ${added.masterAddress})` : ''} in ${(added.tookMs / 1000).toFixed(1)} s; every node agrees`);
        return 0;
      }
      if (command === 'remove-node') {
        const target = positionals[1];
        if (!target) {
          process.stderr.write('remove-node needs the PORT (or host:port) of the node\n');
          return 2;
        }
        const removed = await ops.removeNode(target);
        print(removed, `removed ${removed.role} ${removed.address}${removed.movedSlots ? ` after moving its ${removed.movedSlots} slots to the other masters` : ''}${removed.removedReplicas.length ? `, and its replica ${removed.removedReplicas.join(', ')}` : ''} in ${(removed.tookMs / 1000).toFixed(1)} s`);
        return 0;
      }
      if (command === 'check') {
        const result = await ops.check();
        print(result, result.ok ? `[OK] ${result.masters} masters, all 16384 slots covered, none open, every node agrees` : result.problems.map((p) => `[ERR] ${p}`).join('\n'));
        return result.ok ? 0 : 1;
      }
      if (command === 'fix') {
        const result = await ops.fix();
        print(result, [...(result.actions.length ? result.actions : ['nothing to fix']), result.after.ok ? '[OK] the cluster checks clean' : result.after.problems.map((p) => `[ERR] ${p}`).join('\n')].join('\n'));
        return result.after.ok ? 0 : 1;
      }
      if (command === 'rebalance') {
        const weights: Record<string, number> = {};
        for (const w of values.weight ?? []) {
          const m = /^([^=]+)=(\d+(?:\.\d+)?)$/.exec(w);
          if (!m) {
            process.stderr.write(`--weight is PORT=W (or host:port=W), not "${w}"\n`);
            return 2;
          }
          weights[m[1]!] = Number(m[2]);
        }
        const result = await ops.rebalance({ simulate: values.simulate, weights, threshold: values.threshold ? Number(values.threshold) : undefined });
        const plan = [
          ...result.masters.map((m) => `${m.address}  weight ${m.weight}  ${m.slots} slots -> ${m.target}`),
          ...(result.moves.length === 0 ? ['every master is within the threshold of its share: nothing to move'] : result.moves.map((m) => `move ${m.slots} slots (${m.keys} keys) ${m.from} -> ${m.to}: ${m.ranges.map((r) => (r.start === r.end ? r.start : `${r.start}-${r.end}`)).join(',')}`)),
        ].join('\n');
        if (!values.json) process.stdout.write(`${plan}\n${values.simulate ? '(simulated: nothing moved)' : ''}\n`);
        if (!result.job) {
          if (values.json) print(result, '');
          return 0;
        }
        const final = (await ops.wait(result.job.id))!;
        print({ ...result, job: final }, `rebalance ${final.state}: ${final.slotsDone}/${final.slotsTotal} slots, ${final.keysMoved} keys in ${((final.finishedAt! - final.startedAt) / 1000).toFixed(1)} s (${final.keysPerSec} keys/s)${notesOf(final)}${final.error ? `\n${final.error}` : ''}`);
        return final.state === 'done' ? 0 : 1;
      }
      const range = values.range ? parseRange(values.range) : undefined;
      if (values.range && !range) {
        process.stderr.write(`--range is A-B (slots 0-16383), not "${values.range}"\n`);
        return 2;
      }
      if (!values.to || (!range && (!values.from || !values.slots))) {
        process.stderr.write(usage + '\n');
        return 2;
      }
      const started = await ops.reshard({ to: values.to, from: values.from, slots: values.slots ? Number(values.slots) : undefined, range });
      let cancelling = false;
      const cancel = () => {
        if (cancelling) return;
        cancelling = true;
        if (!values.json) process.stdout.write('cancelling after the slot in hand ...\n');
        ops.cancel(started.id);
      };
      // on, not once: a signal sent to the process group arrives again through npm and tsx.
      process.on('SIGINT', cancel);
      process.on('SIGTERM', cancel);
      const final = (await ops.wait(started.id))!;
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
      print(final, `resharding ${final.state}: ${final.slotsDone}/${final.slotsTotal} slots, ${final.keysMoved} keys to ${final.to.join(', ')} in ${((final.finishedAt! - final.startedAt) / 1000).toFixed(1)} s (${final.keysPerSec} keys/s)${notesOf(final)}${final.error ? `\n${final.error}` : ''}`);
      return final.state === 'done' || final.state === 'cancelled' ? 0 : 1;
    } finally {
      await ops.close();
    }
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
