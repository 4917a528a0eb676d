/**
 * One real 6-node cluster for the integration suite, on a free port base in a temp folder,
 * stopped (and its folder removed) when the suite ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ClusterLauncher } from '../../src/main/core/cluster/launcher';
import { embeddedSecret } from '../../src/main/core/cluster/secret';
import { createLogger } from '../../src/main/core/log';
import { freePortBase } from '../helpers/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: { portBase: number; dataDir: string };
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'redk-it-'));
  const portBase = await freePortBase();
  const launcher = new ClusterLauncher({
    dataDir,
    host: '127.0.0.1',
    portBase,
    nodeTimeoutMs: 2000,
    maxmemory: '64mb',
    maxmemoryPolicy: 'volatile-lru',
    serverPath: process.env.REDK_REDIS_SERVER || 'redis-server',
    // The data folder's secret, as the app uses it: every test connects with it (loadConfig reads it).
    password: embeddedSecret(dataDir),
    log: createLogger('it-cluster', 'warn'),
  });
  const started = Date.now();
  await launcher.up();
  process.stderr.write(`integration cluster on 127.0.0.1:${portBase}-${portBase + 5} ready in ${Date.now() - started} ms\n`);
  project.provide('cluster', { portBase, dataDir });
  return async () => {
    await launcher.down();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
