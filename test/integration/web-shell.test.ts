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

type Event = { event: string; data: unknown };

/** The next event of that name on the socket. */
function nextEvent(ws: WebSocket, name: string): Promise<Event> {
  return new Promise((resolve) => {
    const onMessage = (m: WebSocket.RawData) => {
      const event = JSON.parse(String(m)) as Event;
      if (event.event !== name) return;
      ws.off('message', onMessage);
      resolve(event);
    };
    ws.on('message', onMessage);
  });
}

/** An event stream that has shown the shell token and a session (or none), once the shell says whom it listens for. */
async function openEvents(port: number, session: string | null, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, options);
  ws.on('error', () => undefined);
  await new Promise((r) => ws.once('open', r));
  const listening = nextEvent(ws, 'session.listening');
  ws.send(JSON.stringify({ token: TOKEN, session }));
  await listening;
  return ws;
}

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

  it('pushes engine events over the WebSocket only after it shows the token in its first message, and only to our origin', async () => {
    const url = `ws://127.0.0.1:${shell.port}/events`;
    const foreign = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(foreign).toBe(403);
    // A wrong token is closed with 4401, and a socket that shows none receives nothing meanwhile.
    const wrong = new WebSocket(url);
    await new Promise((r) => wrong.once('open', r));
    const wrongClosed = new Promise<number>((resolve) => wrong.once('close', (c) => resolve(c)));
    wrong.send(JSON.stringify({ token: 'wrong' }));
    expect(await wrongClosed).toBe(4401);
    const silent = new WebSocket(url);
    const silentGot: string[] = [];
    silent.on('message', (m) => silentGot.push(String(m)));
    await new Promise((r) => silent.once('open', r));

    const ws = await openEvents(shell.port, null);
    const received = nextEvent(ws, 'cluster.alerts');
    engine.events.emit('cluster.alerts', []);
    expect(await received).toEqual({ event: 'cluster.alerts', data: [] });
    expect(silentGot).toEqual([]);
    ws.close();
    silent.close();
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
    const open = (on: WebShell, options: WebSocket.ClientOptions = {}) => openEvents(on.port, null, options);
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
    const call = (method: string, body: unknown, session?: string) =>
      http(shell.port, `/rpc/${method}`, { headers: { ...json, ...(session ? { 'x-redk-session': session } : {}) }, body: JSON.stringify(body) });
    const rpc = async <T>(method: string, body: unknown, session?: string) => {
      const res = await call(method, body, session);
      if (res.status !== 200) throw new Error(`${method}: ${res.status} ${res.text}`);
      return (res.json as { data: T }).data;
    };
    /** Signs up (when new) and in: the session token. */
    const sessionOf = async (username: string, password = 'password1') => {
      const exists = await call('users.create', { username, displayName: username, password });
      if (exists.status !== 200 && code(exists) !== 'conflict') throw new Error(exists.text);
      return (await rpc<{ session: string }>('session.signIn', { username, password })).session;
    };

    it('50 parallel likes by one user count 1; 40 users count 40; one unlike leaves 39 and trending agrees', async () => {
      const users = Array.from({ length: 40 }, (_, i) => `fan${i}`);
      const poster = await sessionOf('poster');
      const sessions = new Map<string, string>();
      for (const u of users) sessions.set(u, await sessionOf(u));
      const { id } = await rpc<{ id: string }>('posts.create', { author: 'poster', text: 'count me' }, poster);
      await Promise.all(Array.from({ length: 50 }, () => rpc('likes.like', { postId: id, username: 'fan0' }, sessions.get('fan0'))));
      expect((await rpc<{ likesCount: number }>('posts.get', { id }, poster)).likesCount).toBe(1);
      await Promise.all(users.map((u) => rpc('likes.like', { postId: id, username: u }, sessions.get(u))));
      expect((await rpc<{ likesCount: number }>('posts.get', { id }, poster)).likesCount).toBe(40);
      expect(await rpc('likes.unlike', { postId: id, username: 'fan7' }, sessions.get('fan7'))).toMatchObject({ changed: true, count: 39 });
      expect((await rpc<{ likesCount: number }>('posts.get', { id }, poster)).likesCount).toBe(39);
      expect(await rpc('trending.get', { window: 'all' }, poster)).toEqual([{ postId: id, score: 39 }]);
    });

    it('accounts: a password of 8 or more is needed; a wrong one is 401 invalid_credentials, the same as an unknown name', async () => {
      const noPassword = await call('users.create', { username: 'nopass', displayName: 'No' });
      expect([noPassword.status, code(noPassword)]).toEqual([400, 'invalid_input']);
      const short = await call('users.create', { username: 'nopass', displayName: 'No', password: 'seven77' });
      expect([short.status, code(short)]).toEqual([400, 'invalid_input']);
      expect((await call('users.get', { username: 'nopass' }, await sessionOf('acct_owner'))).status).toBe(404);

      const wrong = await call('session.signIn', { username: 'acct_owner', password: 'password2' });
      const nobody = await call('session.signIn', { username: 'acct_nobody', password: 'password1' });
      expect([wrong.status, code(wrong)]).toEqual([401, 'invalid_credentials']);
      expect([nobody.status, code(nobody)]).toEqual([401, 'invalid_credentials']);
      expect((wrong.json as { error: { message: string } }).error.message).toBe((nobody.json as { error: { message: string } }).error.message);
      // Names sign in ignoring case, and the session is the account's own name.
      const signedIn = await rpc<{ session: string; user: { username: string } }>('session.signIn', { username: 'ACCT_OWNER', password: 'password1' });
      expect(signedIn.user.username).toBe('acct_owner');
      expect(await rpc('session.me', {}, signedIn.session)).toMatchObject({ username: 'acct_owner' });
      // Redis keeps a digest of the session's secret, never the token.
      const secret = signedIn.session.split('.')[0]!;
      const stored = (await Promise.all(engine.redis.nodes('master').map((n) => n.keys('{user:acct_owner}:session:*')))).flat();
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.join(' ')).not.toContain(secret);
      expect(await rpc('session.signOut', {}, signedIn.session)).toEqual({ signedOut: true });
      expect((await call('session.me', {}, signedIn.session)).status).toBe(401);
    });

    it('the 20th wrong password for a name in a minute is 429 rate_limited, and then even the right one waits', async () => {
      await sessionOf('guessed');
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 20; i++) codes.push(code(await call('session.signIn', { username: 'guessed', password: `wrong-${i}-password` })));
      expect(codes.slice(0, 19)).toEqual(Array(19).fill('invalid_credentials'));
      expect(codes[19]).toBe('rate_limited');
      const right = await call('session.signIn', { username: 'Guessed', password: 'password1' });
      expect([right.status, code(right)]).toEqual([429, 'rate_limited']);
      expect((right.json as { error: { message: string } }).error.message).toMatch(/Try again in \d+ s/);
      // Another name from the same client still signs in (its own limit is higher).
      expect((await call('session.signIn', { username: 'acct_owner', password: 'password1' })).status).toBe(200);
    });

    it('every social call acts as its session: none is 401, naming someone else is 403, a conversation is its two people\'s', async () => {
      const [ann, bea, cal] = [await sessionOf('dm_ann'), await sessionOf('dm_bea'), await sessionOf('dm_cal')];
      const { id } = await rpc<{ id: string }>('posts.create', { author: 'dm_ann', text: 'mine' }, ann);
      for (const [method, body] of [['likes.like', { postId: id, username: 'dm_ann' }], ['posts.create', { author: 'dm_ann', text: 'x' }]] as const) {
        const res = await call(method, body);
        expect([res.status, code(res)], method).toEqual([401, 'unauthorized']);
      }
      const other = await call('likes.like', { postId: id, username: 'dm_bea' }, ann);
      expect([other.status, code(other)]).toEqual([403, 'forbidden']);
      expect((await call('messages.send', { from: 'dm_bea', to: 'dm_cal', text: 'forged' }, ann)).status).toBe(403);
      await rpc('messages.send', { from: 'dm_ann', to: 'dm_bea', text: 'hello bea' }, ann);
      expect((await rpc<{ text: string }[]>('messages.list', { a: 'dm_bea', b: 'dm_ann' }, bea)).map((m) => m.text)).toEqual(['hello bea']);
      const snoop = await call('messages.list', { a: 'dm_ann', b: 'dm_bea' }, cal);
      expect([snoop.status, code(snoop)]).toEqual([403, 'forbidden']);
      expect((await call('conversations.list', { username: 'dm_ann' }, cal)).status).toBe(403);
      expect((await rpc<unknown[]>('conversations.list', { username: 'dm_cal' }, cal))).toEqual([]);
      // Public reads work for anyone signed in.
      expect((await call('feeds.get', { username: 'dm_ann', kind: 'self' }, cal)).status).toBe(200);
    });

    it('a WebSocket of a third user never receives a direct message between two others; theirs do', async () => {
      const [ann, bea, cal] = [await sessionOf('ws_ann'), await sessionOf('ws_bea'), await sessionOf('ws_cal')];
      const sockets = { ann: await openEvents(shell.port, ann), bea: await openEvents(shell.port, bea), cal: await openEvents(shell.port, cal), none: await openEvents(shell.port, null) };
      const got = Object.fromEntries(Object.keys(sockets).map((k) => [k, [] as Event[]])) as Record<keyof typeof sockets, Event[]>;
      for (const [name, ws] of Object.entries(sockets)) ws.on('message', (m) => got[name as keyof typeof sockets].push(JSON.parse(String(m)) as Event));
      const annGets = nextEvent(sockets.ann, 'messages.new');
      const beaGets = nextEvent(sockets.bea, 'messages.new');
      await rpc('messages.send', { from: 'ws_ann', to: 'ws_bea', text: 'just us' }, ann);
      expect((await annGets).data).toMatchObject({ from: 'ws_ann', to: 'ws_bea', text: 'just us' });
      expect((await beaGets).data).toMatchObject({ text: 'just us' });
      // A later event reaches every socket in order: once cal and the session-less socket have it, the DM would have come first.
      const later = [nextEvent(sockets.cal, 'posts.new'), nextEvent(sockets.none, 'posts.new')];
      await rpc('posts.create', { author: 'ws_cal', text: 'after the DM' }, cal);
      await Promise.all(later);
      expect(got.cal.filter((e) => e.event === 'messages.new')).toEqual([]);
      expect(got.none.filter((e) => e.event === 'messages.new')).toEqual([]);
      // A socket that signs in later listens for its new user; one that signs out, for nobody.
      const rebound = nextEvent(sockets.cal, 'session.listening');
      sockets.cal.send(JSON.stringify({ session: bea }));
      expect((await rebound).data).toEqual({ user: 'ws_bea' });
      const calNow = nextEvent(sockets.cal, 'messages.new');
      await rpc('messages.send', { from: 'ws_ann', to: 'ws_bea', text: 'second' }, ann);
      expect((await calNow).data).toMatchObject({ text: 'second' });
      for (const ws of Object.values(sockets)) ws.close();
    });

    /**
     * `from` sends `to` a DM, then posts: the socket gets the post (events arrive in order), so
     * had the DM reached it, it would have come first.
     */
    const expectNoDmOn = async (ws: WebSocket, from: string, session: string, to: string) => {
      const got: Event[] = [];
      ws.on('message', (m) => got.push(JSON.parse(String(m)) as Event));
      const after = nextEvent(ws, 'posts.new');
      await rpc('messages.send', { from, to, text: 'after the sign-out' }, session);
      await rpc('posts.create', { author: from, text: 'marker' }, session);
      await after;
      expect(got.filter((e) => e.event === 'messages.new')).toEqual([]);
    };

    it('a socket whose session is signed out elsewhere stops receiving that user\'s messages by the next heartbeat', async () => {
      const fast = await startWebShell({ router: engine.router, events: engine.events, log: silentLogger, staticDir, port: 0, token: TOKEN, heartbeatMs: 200 });
      try {
        const [ann, bea] = [await sessionOf('hb_ann'), await sessionOf('hb_bea')];
        const ws = await openEvents(fast.port, bea);
        const first = nextEvent(ws, 'messages.new');
        await rpc('messages.send', { from: 'hb_ann', to: 'hb_bea', text: 'while signed in' }, ann);
        expect((await first).data).toMatchObject({ text: 'while signed in' });
        const unbound = nextEvent(ws, 'session.listening');
        await rpc('session.signOut', {}, bea);
        expect((await unbound).data).toEqual({ user: null });
        await expectNoDmOn(ws, 'hb_ann', ann, 'hb_bea');
        ws.close();
      } finally {
        await fast.close();
      }
    });

    it('signing out through the shell unbinds that session\'s sockets at once (its heartbeat is 30 s)', async () => {
      const [ann, cy] = [await sessionOf('so_ann'), await sessionOf('so_cy')];
      const ws = await openEvents(shell.port, cy);
      const unbound = nextEvent(ws, 'session.listening');
      const began = Date.now();
      await rpc('session.signOut', {}, cy);
      expect((await unbound).data).toEqual({ user: null });
      expect(Date.now() - began).toBeLessThan(20_000);
      await expectNoDmOn(ws, 'so_ann', ann, 'so_cy');
      ws.close();
    });

    it('after a FLUSHALL of every master old sessions are refused, and signing in again works', async () => {
      const old = await sessionOf('flushed_user');
      expect((await call('session.me', {}, old)).status).toBe(200);
      await Promise.all(engine.redis.nodes('master').map((n) => n.flushall()));
      const refused = await call('posts.create', { author: 'flushed_user', text: 'after the wipe' }, old);
      expect([refused.status, code(refused)]).toEqual([401, 'unauthorized']);
      const again = await sessionOf('flushed_user');
      expect((await call('posts.create', { author: 'flushed_user', text: 'after the wipe' }, again)).status).toBe(200);
    });

    it('a username is unique regardless of case, and keeps the case its owner typed', async () => {
      await rpc('users.create', { username: 'CaseKeeper', displayName: 'Case Keeper', password: 'password1' });
      for (const username of ['casekeeper', 'CASEKEEPER']) {
        const res = await http(shell.port, '/rpc/users.create', { headers: json, body: JSON.stringify({ username, displayName: 'Nope', password: 'password1' }) });
        expect([res.status, code(res)], username).toEqual([409, 'conflict']);
      }
      expect(await rpc('users.get', { username: 'CaseKeeper' }, await sessionOf('CaseKeeper'))).toMatchObject({ username: 'CaseKeeper', displayName: 'Case Keeper' });
    });

    it('refuses a}b{c, x* and a name with a space with invalid_username and writes nothing', async () => {
      const before = await rpc<{ usersCount: number }>('stats.get', {});
      for (const username of ['a}b{c', 'x*', 'john smith']) {
        const res = await http(shell.port, '/rpc/users.create', { headers: json, body: JSON.stringify({ username, displayName: 'Nope', password: 'password1' }) });
        expect([res.status, code(res)], username).toEqual([400, 'invalid_username']);
      }
      expect(await rpc('stats.get', {})).toEqual(before);
      const keysAfter = await engine.redis.nodes('master')[0]!.keys('*a}b{c*');
      expect(keysAfter).toEqual([]);
    });
  });
});
