import { createServer } from 'node:net';

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
 * at random in 20000-29000 so parallel runs on one machine rarely meet; bounded tries.
 */
export async function freePortBase(tries = 50): Promise<number> {
  for (let i = 0; i < tries; i++) {
    const base = 20000 + Math.floor(Math.random() * 900) * 10;
    const ports = Array.from({ length: 6 }, (_, k) => base + k);
    const checks = await Promise.all([...ports, ...ports.map((p) => p + 10000)].map((p) => portIsFree(p)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`no free block of 6 cluster ports found in ${tries} tries`);
}
