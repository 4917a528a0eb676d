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

  describe('WebSockets that stop reading or stop answering are dropped', () => {
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (m: string) => void warnings.push(m), child: () => log };
    const shells: WebShell[] = [];
    const guardedShell = async (heartbeatMs: number) => {
      const started = await startWebShell({ router: engine.router, events: engine.events, log, staticDir, port: 0, token: TOKEN, heartbeatMs, maxBufferedBytes: 256 * 1024 });
      shells.push(started);
      return started;
    };
    afterAll(async () => {
      for (const s of shells) await s.close();
    });
    const open = async (on: WebShell, options: WebSocket.ClientOptions = {}) => {
      const ws = new WebSocket(`ws://127.0.0.1:${on.port}/events?token=${TOKEN}`, options);
      ws.on('error', () => undefined);
      await new Promise((r) => ws.once('open', r));
      return ws;
    };
    const closed = (ws: WebSocket) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve())));

    it('one that misses pongs is closed; one that answers stays through many pings', async () => {
      const shell150 = await guardedShell(150);
      const answering = await open(shell150);
      let pings = 0;
      const fivePings = new Promise<void>((resolve) => answering.on('ping', () => ++pings === 5 && resolve()));
      const silent = await open(shell150, { autoPong: false });
      await closed(silent);
      expect(warnings.some((w) => w.includes('did not answer a ping within 150 ms'))).toBe(true);
      await fivePings;
      expect(answering.readyState).toBe(WebSocket.OPEN);
      answering.close();
    });

    it('one that stops reading is dropped once its buffer passes the bound, and a reader gets every event', async () => {
      warnings.length = 0;
      const quiet = await guardedShell(600_000);
      const reader = await open(quiet);
      const stalled = await open(quiet);
      const MARK = 'stall-test:';
      const ours = (m: WebSocket.RawData) => String(m).includes(MARK);
      let read = 0;
      let onRead: (() => void) | null = null;
      reader.on('message', (m) => {
        if (!ours(m)) return;
        read++;
        onRead?.();
      });
      let stalledRead = 0;
      stalled.on('message', (m) => ours(m) && stalledRead++);
      const raw = (ws: WebSocket) => (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      raw(stalled).pause();
      const payload = MARK + 'x'.repeat(64 * 1024);
      let sent = 0;
      // Bounded: the kernel's loopback buffers take a few MB before anything waits in the socket.
      while (!warnings.some((w) => w.includes('stopped reading')) && sent < 3000) {
        const readIt = new Promise<void>((resolve) => (onRead = resolve));
        engine.events.emit('cluster.alerts', [payload] as never);
        sent++;
        await readIt;
      }
      expect(warnings.find((w) => w.includes('stopped reading'))).toMatch(/bytes waiting, the bound is 262144/);
      raw(stalled).resume();
      await closed(stalled);
      expect(stalledRead).toBeLessThan(sent);
      expect(read).toBe(sent);
      expect(reader.readyState).toBe(WebSocket.OPEN);
      reader.close();
    });
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

    it('a username is unique regardless of case, and keeps the case its owner typed', async () => {
      await rpc('users.create', { username: 'CaseKeeper', displayName: 'Case Keeper' });
      for (const username of ['casekeeper', 'CASEKEEPER']) {
        const res = await http(shell.port, '/rpc/users.create', { headers: json, body: JSON.stringify({ username, displayName: 'Nope' }) });
        expect([res.status, code(res)], username).toEqual([409, 'conflict']);
      }
      expect(await rpc('users.get', { username: 'CaseKeeper' })).toMatchObject({ username: 'CaseKeeper', displayName: 'Case Keeper' });
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
