/**
 * The web shell (E3, A1): the built renderer plus the contract over HTTP and a WebSocket,
 * bound to loopback, guarded by a per-run token, a Host check (DNS rebinding) and an Origin
 * check (other sites in the same browser).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { errorStatus, type ErrorCode, type RpcResponse } from '../../shared/errors';
import type { Message } from '../../shared/types';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';
import type { Logger } from '../core/log';
import type { RpcRouter } from '../core/rpc/router';
import { resolveStaticFile, sendStaticFile } from './static-files';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface WebShellOptions {
  router: RpcRouter;
  events: EventBus;
  log: Logger;
  /** Folder with the built renderer (index.html and assets/). */
  staticDir: string;
  port: number;
  token?: string;
  host?: string;
  /** How often every WebSocket is pinged; one that has not answered the previous ping is closed. */
  heartbeatMs?: number;
  /** A WebSocket with more than this waiting to be sent (it stopped reading) is dropped. */
  maxBufferedBytes?: number;
}

/** Defaults: the renderer reconnects by itself, so dropping a socket costs it a reconnect only. */
export const WS_HEARTBEAT_MS = 30_000;
export const WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** An event stream's listener: the user of its session (null: operator events only), and the session, checked again on every heartbeat. */
interface Listener {
  user: string | null;
  session: string | null;
  /** Session checks sent, so only the latest one's answer binds. */
  asked: number;
}

/** A WebSocket that has not shown the shell token this long after it opened is closed. */
export const AUTH_TIMEOUT_MS = 10_000;

function parseSocketMessage(text: string): { token?: unknown; session?: unknown } | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { token?: unknown; session?: unknown }) : null;
  } catch {
    return null;
  }
}

export interface WebShell {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: RpcResponse<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function sendError(res: ServerResponse, code: ErrorCode, message: string): void {
  sendJson(res, errorStatus[code], { ok: false, error: { code, message } });
}

/** Reads the body up to `limit` bytes; past it, answers 413 without buffering the rest. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new AppError('payload_too_large', `Request body is ${declared} bytes; the limit is ${limit}.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new AppError('payload_too_large', `Request body is over the ${limit}-byte limit.`));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  return JSON.parse(text);
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const log = opts.log;
  if (!existsSync(join(opts.staticDir, 'index.html'))) {
    throw new AppError('not_found', `The renderer is not built (${join(opts.staticDir, 'index.html')} is missing). Run "npm run build" first.`);
  }
  let port = opts.port;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  /** Shared by HTTP and WebSocket: Host must be ours; Origin, when a browser sends one, too. */
  const checkHostAndOrigin = (req: IncomingMessage): AppError | null => {
    if (!allowedHosts().has(req.headers.host ?? '')) {
      return new AppError('forbidden', `Host "${req.headers.host ?? ''}" is not this web shell.`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return new AppError('forbidden', `Origin "${origin}" may not call this engine.`);
    }
    return null;
  };

  const bearer = (req: IncomingMessage): string => {
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  };

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, method: string) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendError(res, 'method_not_allowed', 'Use POST /rpc/<method> with a JSON body.');
    }
    if (!sameSecret(bearer(req), token)) {
      return sendError(res, 'unauthorized', 'Missing or wrong token: send "Authorization: Bearer <token>" (the token is in the URL the engine printed).');
    }
    const type = req.headers['content-type'];
    if (type !== undefined && !/^application\/json\b/i.test(type)) {
      return sendError(res, 'unsupported_media_type', `Content-Type must be application/json, not "${type}".`);
    }
    let input: unknown;
    try {
      input = parseJsonBody(await readBody(req, MAX_BODY_BYTES));
    } catch (err) {
      if (err instanceof AppError) {
        res.setHeader('connection', 'close');
        return sendError(res, err.code, err.message);
      }
      return sendError(res, 'bad_request', `The body is not valid UTF-8 JSON: ${(err as Error).message}`);
    }
    // The renderer asks for each call's Redis trace (its drawer shows them); API clients may.
    // The signed-in session travels in its own header (A1), never in the URL.
    const session = req.headers['x-redk-session'];
    const carried = typeof session === 'string' ? session.trim() : null;
    const result = await opts.router.dispatch(method, input, {
      trace: req.headers['x-redk-trace'] === '1',
      caller: { kind: 'client', session: carried, client: `web ${req.socket.remoteAddress ?? '?'}` },
    });
    // A session signed out here stops the event streams bound to it at once, not at their next heartbeat.
    if (method === 'session.signOut' && result.body.ok && carried) {
      for (const [ws, entry] of sockets) if (entry.session === carried) bind(ws, entry, null, true);
    }
    sendJson(res, result.status, result.body);
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const refused = checkHostAndOrigin(req);
    if (refused) return sendError(res, refused.code, refused.message);
    if (url.startsWith('/rpc/')) {
      let method: string;
      try {
        method = decodeURIComponent(url.slice(5).split('?')[0] ?? '');
      } catch {
        return sendError(res, 'bad_request', 'The method name in the URL is not valid.');
      }
      handleRpc(req, res, method).catch((err: unknown) => {
        log.error(`rpc ${method.slice(0, 80)}: ${(err as Error).message}`);
        if (!res.headersSent) sendError(res, 'internal', 'The engine could not answer this request.');
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 'method_not_allowed', `${req.method} is not served here.`);
    }
    const file = resolveStaticFile(opts.staticDir, url);
    if (!file) return sendError(res, 'not_found', `Nothing at ${url.slice(0, 200)}.`);
    sendStaticFile(res, file);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  /** Sockets that have shown the token, each with the user of its session (null: none, operator events only). */
  const sockets = new Map<WebSocket, Listener>();
  /** Sockets that have not answered the last ping yet (the heartbeat below); weak, so a closed one needs no cleanup. */
  const unanswered = new WeakSet<WebSocket>();
  const maxBuffered = opts.maxBufferedBytes ?? WS_MAX_BUFFERED_BYTES;
  const drop = (ws: WebSocket, why: string) => {
    if (!sockets.delete(ws)) return;
    log.warn(`web shell: a WebSocket was dropped: ${why}`);
    ws.terminate();
  };
  const unsubscribe = opts.events.on((event) => {
    const text = JSON.stringify(event);
    // A direct message reaches only its two people's connections; every other event is the network's or the cluster's.
    const only = event.event === 'messages.new' ? new Set([(event.data as Message).from, (event.data as Message).to]) : null;
    for (const [ws, { user }] of sockets) {
      if (ws.readyState !== ws.OPEN) continue;
      if (only && (user === null || !only.has(user))) continue;
      // A client that stops reading would make us hold every event for it, without end.
      if (ws.bufferedAmount > maxBuffered) drop(ws, `it stopped reading (${ws.bufferedAmount} bytes waiting, the bound is ${maxBuffered})`);
      else ws.send(text);
    }
  });
  /**
   * Resolves the socket's session to its user (again on every heartbeat, so a session that ended
   * elsewhere stops receiving within one period). In order: a later session wins over an earlier
   * one whose check answers last.
   */
  const bind = (ws: WebSocket, entry: Listener, session: string | null, tell: boolean) => {
    const asked = ++entry.asked;
    entry.session = session;
    void (session ? opts.router.sessionUser(session).catch(() => entry.user) : Promise.resolve(null)).then((user) => {
      if (asked !== entry.asked || sockets.get(ws) !== entry) return;
      const changed = user !== entry.user;
      entry.user = user;
      if ((tell || changed) && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event: 'session.listening', data: { user } }));
    });
  };
  /**
   * A socket's first message is `{"token": <shell token>, "session": <session token> | null}`
   * (neither ever travels in the URL, where logs and history keep it); until then it gets
   * nothing, and one that does not send it within AUTH_TIMEOUT_MS is closed. Later messages
   * `{"session": ...}` say who listens after a sign-in or sign-out.
   */
  const listen = (ws: WebSocket) => {
    let entry: Listener | null = null;
    const timer = setTimeout(() => ws.close(4401, 'send the token first'), AUTH_TIMEOUT_MS);
    timer.unref();
    const forget = () => {
      clearTimeout(timer);
      sockets.delete(ws);
    };
    ws.on('close', forget);
    ws.on('error', forget);
    ws.on('pong', () => unanswered.delete(ws));
    ws.on('message', (raw) => {
      const said = parseSocketMessage(raw.toString());
      if (!entry) {
        if (!said || typeof said.token !== 'string' || !sameSecret(said.token, token)) return ws.close(4401, 'missing or wrong token');
        clearTimeout(timer);
        entry = { user: null, session: null, asked: 0 };
        sockets.set(ws, entry);
      }
      if (!said || !('session' in said)) return;
      bind(ws, entry, typeof said.session === 'string' ? said.session : null, true);
    });
  };
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused = checkHostAndOrigin(req);
    if (url.pathname !== '/events' || refused) {
      const status = url.pathname !== '/events' ? '404 Not Found' : '403 Forbidden';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, listen);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new AppError('conflict', `Port ${port} on ${host} is already in use; set REDK_HTTP_PORT to another port (0 picks a free one).`)
          : err,
      );
    });
    server.listen({ host, port }, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const heartbeatMs = opts.heartbeatMs ?? WS_HEARTBEAT_MS;
  const pingTimer = setInterval(() => {
    for (const ws of [...sockets.keys()]) {
      if (unanswered.has(ws)) {
        drop(ws, `it did not answer a ping within ${heartbeatMs} ms`);
        continue;
      }
      unanswered.add(ws);
      ws.ping();
      const entry = sockets.get(ws);
      if (entry?.session) bind(ws, entry, entry.session, false);
    }
  }, heartbeatMs);
  pingTimer.unref();

  return {
    url: `http://${host}:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    close: async () => {
      clearInterval(pingTimer);
      unsubscribe();
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
