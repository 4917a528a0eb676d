/**
 * Runs an engine whose only job is one full sync pass, printing a line per progress event, so a
 * test can SIGKILL it in the middle of the pass (REDK_* env points it at the test cluster/store).
 */
import { loadConfig } from '../../src/main/core/config';
import { Engine } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';

const engine = await Engine.start(loadConfig(), { log: silentLogger, shell: 'web' });
engine.events.on((e) => {
  if (e.event === 'sync.progress') process.stdout.write(`SYNC_PROGRESS ${JSON.stringify(e.data)}\n`);
});
const synced = await engine.sync.syncAll();
process.stdout.write(`SYNC_DONE ${synced}\n`);
await engine.stop();
