import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Engine } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';
import { MAX_BODY_BYTES, startWebShell, type WebShell } from '../../src/main/web/server';
import { startTestEngine } from '../helpers/engine';
import { tempDir } from '../helpers/temp-dirs';

const TOKEN = 'integration-token-123';

/** A raw HTTP call, so the test controls every header (fetch would add its own Origin rules). */
function http(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) {
  return new Promise<{ status: number; json: unknown; text: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'POST', headers: { authorization: `Bearer ${TOKEN}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const code = (r: { json: unknown }) => (r.json as { error?: { code?: string } }).error?.code;

describe('the web shell over the real engine (E3, A1, R5)', () => {
  let engine: Engine;
  let shell: WebShell;
  const staticDir = tempDir('redk-web');
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Red K</title>');

  beforeAll(async () => {
    ({ engine } = await startTestEngine());
    shell = await startWebShell({ router: engine.router, events: engine.events, log: silentLogger, staticDir, port: 0, token: TOKEN });
  });
  afterAll(async () => {
    await shell.close();
    await engine.stop();
  });

  const stillServes = async () => {
    const ok = await http(shell.port, '/rpc/cluster.topology');
    expect(ok.status).toBe(200);
    expect((ok.json as { data: { nodes: unknown[] } }).data.nodes).toHaveLength(6);
  };

  it('prints a loopback URL with the token', () => {
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?token=${TOKEN}`);
  });

  it('answers POST /rpc/cluster.topology with 6 nodes', stillServes);

  it('answers 401 to a wrong or missing token, and keeps serving', async () => {
    expect((await http(shell.port, '/rpc/cluster.topology', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await http(shell.port, '/rpc/cluster.topology', { headers: { authorization: '' } })).status).toBe(401);
    await stillServes();
  });

  it('answers 400 with a code to malformed JSON, invalid UTF-8 and invalid input, and keeps serving', async () => {
    const json = { 'content-type': 'application/json' };
    const bad = await http(shell.port, '/rpc/cluster.keyslot', { headers: json, body: '{"key": ' });
    expect([bad.status, code(bad)]).toEqual([400, 'bad_request']);
    const utf = await http(shell.port, '/rpc/cluster.keyslot', { headers: json, body: Buffer.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
    expect([utf.status, code(utf)]).toEqual([400, 'bad_request']);
    const invalid = await http(shell.port, '/rpc/cluster.keyslot', { headers: json, body: '{"key": ["x"]}' });
    expect([invalid.status, code(invalid)]).toEqual([400, 'invalid_input']);
    const name = await http(shell.port, '/rpc/users.get', { headers: json, body: '{"username": "a}b{c"}' });
    expect([name.status, code(name)]).toEqual([400, 'invalid_username']);
    await stillServes();
  });

  it('answers 404 to an unknown method and 413 to an oversize body, and keeps serving', async () => {
    const unknown = await http(shell.port, '/rpc/cluster.explode');
    expect([unknown.status, code(unknown)]).toEqual([404, 'unknown_method']);
    const huge = await http(shell.port, '/rpc/cluster.keyslot', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'x'.repeat(MAX_BODY_BYTES) }) });
    expect([huge.status, code(huge)]).toEqual([413, 'payload_too_large']);
    await stillServes();
  });

  it('refuses other origins (403), foreign Host headers (403) and non-POST calls (405)', async () => {
    expect((await http(shell.port, '/rpc/cluster.topology', { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await http(shell.port, '/rpc/cluster.topology', { headers: { origin: `http://127.0.0.1:${shell.port}` } })).status).toBe(200);
    expect((await http(shell.port, '/rpc/cluster.topology', { headers: { host: 'rebind.example:80' } })).status).toBe(403);
    expect((await http(shell.port, '/rpc/cluster.topology', { method: 'GET' })).status).toBe(405);
  });

  it('serves the renderer with a CSP and never a file outside its folder', async () => {
    const page = await http(shell.port, '/', { method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Red K</title>');
    const escape = await http(shell.port, '/assets/../../../etc/passwd.js', { method: 'GET' });
    expect(escape.status).toBe(404);
  });

  it('pushes engine events over the WebSocket only with the token and our origin', async () => {
    const url = `ws://127.0.0.1:${shell.port}/events`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${url}?token=wrong`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(401);
    const foreign = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${url}?token=${TOKEN}`, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(foreign).toBe(403);

    const ws = new WebSocket(`${url}?token=${TOKEN}`);
    await new Promise((r) => ws.once('open', r));
    const received = new Promise<{ event: string; data: unknown }>((resolve) => ws.once('message', (m) => resolve(JSON.parse(String(m)))));
    engine.events.emit('cluster.alerts', []);
    expect(await received).toEqual({ event: 'cluster.alerts', data: [] });
    ws.close();
  });

  describe('the social API over HTTP (issue acceptance)', () => {
    const json = { 'content-type': 'application/json' };
    const rpc = async <T>(method: string, body: unknown) => {
      const res = await http(shell.port, `/rpc/${method}`, { headers: json, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`${method}: ${res.status} ${res.text}`);
      return (res.json as { data: T }).data;
    };

    it('50 parallel likes by one user count 1; 40 users count 40; one unlike leaves 39 and trending agrees', async () => {
      const users = Array.from({ length: 40 }, (_, i) => `fan${i}`);
      await rpc('users.create', { username: 'poster', displayName: 'Poster' });
      for (const u of users) await rpc('users.create', { username: u, displayName: u });
      const { id } = await rpc<{ id: string }>('posts.create', { author: 'poster', text: 'count me' });
      await Promise.all(Array.from({ length: 50 }, () => rpc('likes.like', { postId: id, username: 'fan0' })));
      expect((await rpc<{ likesCount: number }>('posts.get', { id })).likesCount).toBe(1);
      await Promise.all(users.map((u) => rpc('likes.like', { postId: id, username: u })));
      expect((await rpc<{ likesCount: number }>('posts.get', { id })).likesCount).toBe(40);
      expect(await rpc('likes.unlike', { postId: id, username: 'fan7' })).toMatchObject({ changed: true, count: 39 });
      expect((await rpc<{ likesCount: number }>('posts.get', { id })).likesCount).toBe(39);
      expect(await rpc('trending.get', { window: 'all' })).toEqual([{ postId: id, score: 39 }]);
    });

    it('refuses a}b{c, x* and a name with a space with invalid_username and writes nothing', async () => {
      const before = await rpc<{ usersCount: number }>('stats.get', {});
      for (const username of ['a}b{c', 'x*', 'john smith']) {
        const res = await http(shell.port, '/rpc/users.create', { headers: json, body: JSON.stringify({ username, displayName: 'Nope' }) });
        expect([res.status, code(res)], username).toEqual([400, 'invalid_username']);
      }
      expect(await rpc('stats.get', {})).toEqual(before);
      const keysAfter = await engine.redis.nodes('master')[0]!.keys('*a}b{c*');
      expect(keysAfter).toEqual([]);
    });
  });
});
