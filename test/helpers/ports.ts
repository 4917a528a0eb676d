import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A base for 6 cluster ports whose ports and bus ports (+10000) are all free. Bases are picked
 * at random in 10000-21990, so bus ports stay below the OS's ephemeral range (32768+) where
 * outgoing connections take their local ports. The unit, integration and e2e projects run at
 * once: a base is claimed with an exclusive lock file in the temp folder until the process
 * exits, so two of them never pick the same block in the seconds before their nodes bind it.
 */
export async function freePortBase(tries = 50): Promise<number> {
  for (let i = 0; i < tries; i++) {
    const base = 10000 + Math.floor(Math.random() * 1200) * 10;
    if (!claim(base)) continue;
    const ports = Array.from({ length: 6 }, (_, k) => base + k);
    const checks = await Promise.all([...ports, ...ports.map((p) => p + 10000)].map((p) => portIsFree(p)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`no free block of 6 cluster ports found in ${tries} tries`);
}

const CLAIM_TTL_MS = 30 * 60_000;
const claimed: string[] = [];

function claim(base: number): boolean {
  const file = join(tmpdir(), `redk-test-ports-${base}.lock`);
  try {
    if (existsSync(file) && Date.now() - statSync(file).mtimeMs > CLAIM_TTL_MS) rmSync(file, { force: true });
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    return false;
  }
  if (claimed.length === 0) process.once('exit', () => claimed.forEach((f) => rmSync(f, { force: true })));
  claimed.push(file);
  return true;
}
