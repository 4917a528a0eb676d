/**
 * One engine start in a process of its own, for `npm run bench`: on a new data folder it creates
 * the embedded cluster and the store (initdb), and prints `{"ms": <start to first topology>}`.
 * The bench runs it in a child so that its own process hosts one engine, as the app does (the
 * first start's initdb leaves ~150 MB of freed memory behind in the process that ran it).
 * The cluster is left running for the bench, which stops it.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/main/core/config';
import { Engine } from '../src/main/core/engine';
import { silentLogger } from '../src/main/core/log';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'port-base': { type: 'string' } } });
const dataDir = values['data-dir'];
const portBase = Number(values['port-base']);
if (!dataDir || !Number.isInteger(portBase)) {
  process.stderr.write('usage: engine-start.ts --data-dir DIR --port-base N\n');
  process.exit(2);
}
const config = loadConfig({ dataDir, redis: { portBase, keepRunning: true } }, { REDK_DATA_DIR: dataDir });
const began = performance.now();
const engine = await Engine.start(config, { log: silentLogger, shell: 'web' });
try {
  await engine.router.dispatch('cluster.topology', {});
  process.stdout.write(`${JSON.stringify({ ms: Math.round(performance.now() - began) })}\n`);
} finally {
  await engine.stop();
}
// Once stopped, nothing should keep the process alive. One bench run saw this child print its
// figure and not exit for 10 minutes: if it happens again, say what is still open, and exit.
setTimeout(() => {
  const open = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().map((h) => h.constructor.name);
  process.stderr.write(`engine-start: still running 10 s after the engine stopped; open handles: ${open.join(', ')}\n`);
  process.exit(0);
}, 10_000).unref();
