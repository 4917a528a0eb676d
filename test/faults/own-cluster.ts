/**
 * Each fault file breaks a cluster of its own (own ports, own folder) so that nothing it does
 * reaches another file: an engine on a fresh embedded cluster and store, and a teardown that
 * thaws any frozen node before stopping it all.
 */
import { ClusterLauncher, launcherOptionsFrom } from '../../src/main/core/cluster/launcher';
import { loadConfig, type Config } from '../../src/main/core/config';
import { Engine } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';
import { freePortBase } from '../helpers/ports';
import { tempDir } from '../helpers/temp-dirs';

export interface OwnEngine {
  engine: Engine;
  launcher: ClusterLauncher;
  config: Config;
  stop(): Promise<void>;
}

export async function startOwnEngine(prefix: string, nodeTimeoutMs = 2000, maxmemory = '64mb'): Promise<OwnEngine> {
  const dataDir = tempDir(prefix);
  const config = loadConfig({ dataDir, redis: { portBase: await freePortBase(), nodeTimeoutMs, maxmemory, failoverCooldownMs: 0 }, accounts: { scryptCost: 10 } }, { REDK_DATA_DIR: dataDir });
  const launcher = new ClusterLauncher(launcherOptionsFrom(config, silentLogger));
  const engine = await Engine.start(config, { log: silentLogger, shell: 'web' });
  return {
    engine,
    launcher,
    config,
    stop: async () => {
      // A frozen node would hold SHUTDOWN: thaw everything first.
      for (const s of await launcher.status().catch(() => [])) if (s.state.kind === 'ours' && s.state.pid) process.kill(s.state.pid, 'SIGCONT');
      await engine.stop();
      await launcher.down();
    },
  };
}

/** Polls `test` until it holds; returns how long that took. */
export async function waitUntil(what: string, test: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const began = Date.now();
  for (;;) {
    if (await Promise.resolve().then(test).catch(() => false)) return Date.now() - began;
    if (Date.now() - began > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
