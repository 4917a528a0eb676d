/**
 * Issue 14, item 3: no file under the data folder is readable by other users. A folder left with
 * open modes (a world-readable file, a 0755 folder, as an older version made them) is fixed at
 * start; everything the engine and its Redis nodes write afterwards (AOF, nodes.conf, logs, the
 * lock) is 0600 in 0700 folders; the embedded store's files, which PGlite writes 0666, sit in
 * 0700 folders while it runs and are 0600 once it stops.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterLauncher, launcherOptionsFrom } from '../../src/main/core/cluster/launcher';
import { loadConfig } from '../../src/main/core/config';
import { Engine } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';
import { freePortBase } from '../helpers/ports';
import { tempDir } from '../helpers/temp-dirs';
import { dispatchOk } from './workload';

/** Every path under `root` that group or others may read, write or enter. */
function opened(root: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) out.push(`${path} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return out;
}

describe('faults: the data folder and the embedded nodes are private to their user', () => {
  let engine: Engine | null = null;
  let launcher: ClusterLauncher | null = null;
  afterAll(async () => {
    await engine?.stop();
    await launcher?.down();
  });

  it('fixes open modes at start, and everything written later is 0600 in 0700 folders', async () => {
    const dataDir = tempDir('redk-private');
    mkdirSync(join(dataDir, 'old'), { recursive: true });
    writeFileSync(join(dataDir, 'old', 'notes.txt'), 'left by an older version');
    chmodSync(join(dataDir, 'old', 'notes.txt'), 0o666);
    chmodSync(join(dataDir, 'old'), 0o755);
    chmodSync(dataDir, 0o755);
    expect(opened(dataDir).length, 'the checker sees open modes').toBe(3);

    const config = loadConfig({ dataDir, redis: { portBase: await freePortBase(), nodeTimeoutMs: 2000 }, accounts: { scryptCost: 10 } }, { REDK_DATA_DIR: dataDir });
    launcher = new ClusterLauncher(launcherOptionsFrom(config, silentLogger));
    engine = await Engine.start(config, { log: silentLogger, shell: 'web' });
    await dispatchOk(engine, 'users.create', { username: 'priv', displayName: 'Private', password: 'password1' });
    const { id } = await dispatchOk<{ id: string }>(engine, 'posts.create', { author: 'priv', text: 'nobody else reads this file' });
    await dispatchOk(engine, 'likes.like', { postId: id, username: 'priv' });
    await engine.sync.flush();
    const files = readdirSync(join(dataDir, 'cluster'), { recursive: true }).map(String);
    expect(files.some((f) => f.endsWith('nodes.conf')) && files.some((f) => f.includes('appendonly')), `Redis files written: ${files.slice(0, 8).join(', ')}`).toBe(true);
    // While it runs: every folder is 0700 (nobody else can reach a file), every file outside the
    // embedded store is 0600 (PGlite writes its own 0666 under those 0700 folders).
    const open = opened(dataDir);
    expect(open.filter((p) => !p.includes(`${join(dataDir, 'store')}/`) || lstatSync(p.split(' ')[0]!).isDirectory())).toEqual([]);
    expect(open.length, 'PGlite files do come 0666 (else this test checks less than it says)').toBeGreaterThan(0);
    // The nodes take only the data folder's secret (issue 14, item 3): redis-cli without it gets
    // NOAUTH; with it, read from <data folder>/redis-secret as a user would, PONG.
    const port = String(config.redis.portBase);
    const cli = (env: Record<string, string>) => spawnSync('redis-cli', ['-p', port, 'ping'], { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH ?? '', ...env } });
    expect(`${cli({}).stdout}${cli({}).stderr}`).toMatch(/NOAUTH/);
    const secret = readFileSync(join(dataDir, 'redis-secret'), 'utf8').trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cli({ REDISCLI_AUTH: secret }).stdout.trim()).toBe('PONG');
    // A wrong secret is refused too (redis-cli says so on stderr and the command then gets NOAUTH).
    expect(`${cli({ REDISCLI_AUTH: 'not-the-secret' }).stdout}${cli({ REDISCLI_AUTH: 'not-the-secret' }).stderr}`).toMatch(/WRONGPASS|invalid password|NOAUTH/i);
    // Stopped: everything is 0600.
    await engine.stop();
    engine = null;
    expect(opened(dataDir)).toEqual([]);
  }, 120_000);
});
