/**
 * Runs the real `npm run serve` entry (tsx src/main/cli/serve.ts) as a child process on free
 * ports in a temp data folder, and stops it (which stops the cluster it started).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterLauncher, launcherOptionsFrom } from '../../src/main/core/cluster/launcher';
import { loadConfig } from '../../src/main/core/config';
import { silentLogger } from '../../src/main/core/log';
import { freePort, freePortBase } from './ports';

export interface ServeProcess {
  child: ChildProcess;
  dataDir: string;
  url: string;
  port: number;
  token: string;
  portBase: number;
  output: () => string;
  stop(): Promise<number | null>;
}

export interface ServeOptions {
  /** Reuse this data folder (it is then left for its owner to remove). */
  dataDir?: string;
  portBase?: number;
  /** Run in a process group of its own (like `setsid npm run serve`), for signals to the group. */
  detached?: boolean;
}

/** The `npm run serve` entry as a child process; `opts` reuse a folder or port base. */
export function spawnServe(env: Record<string, string>, detached = false): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/serve.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
}

export async function startServe(extraEnv: Record<string, string> = {}, timeoutMs = 120_000, opts: ServeOptions = {}): Promise<ServeProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'redk-e2e-'));
  const portBase = opts.portBase ?? (await freePortBase());
  const port = await freePort();
  const token = `e2e-${Math.random().toString(36).slice(2)}`;
  const child = spawnServe(
    {
      REDK_DATA_DIR: dataDir,
      REDK_REDIS_PORT_BASE: String(portBase),
      REDK_HTTP_PORT: String(port),
      REDK_TOKEN: token,
      REDK_REDIS_NODE_TIMEOUT: '2000',
      ...extraEnv,
    },
    opts.detached,
  );
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const onData = () => {
      const match = /Red K web shell: (http:\/\/\S+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL:\n${log}`));
    });
  });
  return {
    child,
    dataDir,
    url,
    port,
    token,
    portBase,
    output: () => log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        // Say where it was when it had to be killed: its last lines name the stop phase.
        process.stderr.write(`serve did not stop within 60 s of SIGTERM; its last output:\n${log.split('\n').slice(-15).join('\n')}\n`);
        child.kill('SIGKILL');
      }, 60_000);
      const code = await exited;
      clearTimeout(timer);
      // Safety net only for a serve that had to be killed (it leaves its daemonized cluster
      // behind); a clean stop must take its cluster down by itself, which the tests check.
      if (killed) await new ClusterLauncher(
        launcherOptionsFrom(loadConfig({ dataDir, redis: { portBase } }, { REDK_DATA_DIR: dataDir }), silentLogger),
      ).down();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
