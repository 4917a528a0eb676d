/**
 * R5: hostile input never crashes the engine. At least 10,000 malformed or hostile RPC payloads
 * (wrong types, huge strings, deep nesting, prototype keys, unknown methods, invalid UTF-8, not
 * JSON at all) go to the real web shell; every one must get a 4xx with an error code, and the
 * engine must still answer normally afterwards.
 */
import { request, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../../src/shared/contract';
import type { Engine } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';
import { startWebShell, type WebShell } from '../../src/main/web/server';
import { startTestEngine } from '../helpers/engine';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/main/core/seed/random';
import { tempDir } from '../helpers/temp-dirs';

const CASES = Number(process.env.REDK_FUZZ_CASES ?? 10_000);
const TOKEN = 'fuzz-token-0123456789';

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** One hostile request: a method path and a raw body. Every generator produces input the contract must refuse. */
function hostile(random: () => number): { method: string; body: Buffer; contentType?: string } {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
  const method = pick(methodNames.filter((m) => m !== 'engine.info' && m !== 'cluster.topology' && m !== 'cluster.metrics' && m !== 'cluster.alerts' && m !== 'stats.get' && m !== 'sync.now' && m !== 'sync.status'));
  const junk = pick([
    () => ({ method: pick(['nope', '__proto__', 'constructor', '../../etc/passwd', 'cluster.topology/x', '%00', 'a'.repeat(300), 'toString', 'hasOwnProperty']), body: Buffer.from('{}') }),
    () => ({ method, body: Buffer.from(JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: { x: 1 } } })) }),
    () => ({ method, body: Buffer.from('{"__proto__": {"polluted": true}, "username": {"$gt": ""}}') }),
    () => ({ method, body: Buffer.from(JSON.stringify({ username: 12, postId: [], text: {}, key: null, nodeId: true })) }),
    () => ({ method, body: Buffer.from(JSON.stringify({ username: 'x'.repeat(10_000 + Math.floor(random() * 100_000)), text: 'y'.repeat(5000) })) }),
    () => ({ method, body: Buffer.from(deep(1 + Math.floor(random() * 5000))) }),
    () => ({ method, body: Buffer.from(deepObject(1 + Math.floor(random() * 3000))) }),
    () => ({ method, body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]) }),
    () => ({ method, body: Buffer.from(pick(['not json', '{', '[1,2', 'null', '"string"', '42', 'true', '{"a":1}{"b":2}', '\u0000'])) }),
    () => ({ method, body: Buffer.from(JSON.stringify({ username: pick(['a}b{c', 'x*', 'with space', 'col:on', 'q?', 'br[', '{user:bob}', '\u202e', '😀']), displayName: 'x', follower: 'a*', followee: '}', a: '{', b: ' ', other: '?', from: '[', to: ':' })) }),
    () => ({ method, body: Buffer.from(JSON.stringify({ postId: pick(['p*', '../x', 'p:1', '', 'a'.repeat(65), '{post:1}']), username: 'ok', id: '*', author: 'ok', text: '' })) }),
    () => ({ method: 'cluster.scan', body: Buffer.from(JSON.stringify({ pattern: 'x'.repeat(201), limit: 1e9, cursor: '99999:-1' })) }),
    () => ({ method: 'cluster.failover', body: Buffer.from(JSON.stringify({ nodeId: pick(['', 'zz', 'f'.repeat(41), '../../', 1]) })) }),
    () => ({ method: 'cluster.drill', body: Buffer.from(JSON.stringify({ port: pick([-1, 0, 70000, 1.5, '7000']), mode: 'explode' })) }),
    () => ({ method, body: random() < 0.1 ? Buffer.alloc(1024 * 1024 + 10, 0x20) : Buffer.from('{"text": "' + 'z'.repeat(900_000) + '"}') }),
    () => ({ method, body: Buffer.from('{}'), contentType: pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) }),
  ]);
  return junk();
}

describe('fuzz: hostile RPC payloads', () => {
  let engine: Engine;
  let shell: WebShell;
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });

  beforeAll(async () => {
    ({ engine } = await startTestEngine());
    const staticDir = tempDir('redk-fuzz');
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    shell = await startWebShell({ router: engine.router, events: engine.events, log: silentLogger, staticDir, port: 0, token: TOKEN });
  });
  afterAll(async () => {
    agent.destroy();
    await shell.close();
    await engine.stop();
  });

  const send = (method: string, body: Buffer, contentType = 'application/json') =>
    new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: shell.port, path: `/rpc/${encodeURIComponent(method)}`, method: 'POST', agent, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType, 'content-length': body.length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let code: string | undefined;
            try {
              code = (JSON.parse(Buffer.concat(chunks).toString()) as { error?: { code?: string } }).error?.code;
            } catch {
              code = undefined;
            }
            resolve({ status: res.statusCode ?? 0, code });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it(`${CASES} hostile payloads each get a 4xx with a code, and the engine keeps serving`, async () => {
    const random = seededRandom(20261125);
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < CASES; i += 8) {
      const batch = Array.from({ length: Math.min(8, CASES - i) }, () => hostile(random));
      const results = await Promise.all(batch.map((c) => send(c.method, c.body, c.contentType)));
      results.forEach((r, k) => {
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status < 400 || r.status >= 500 || !r.code) bad.push(`${batch[k]!.method} ${batch[k]!.body.subarray(0, 60).toString()} -> ${r.status} ${r.code}`);
      });
    }
    process.stderr.write(`fuzz: ${CASES} cases, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${bad.length} not 4xx, rss +${Math.round((process.memoryUsage().rss - rssBefore) / 1e6)} MB\n`);
    expect(bad.slice(0, 10)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    const alive = await send('cluster.topology', Buffer.from('{}'));
    expect(alive.status).toBe(200);
  }, 300_000);
});
