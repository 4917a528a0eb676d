/**
 * `npm run cluster -- drill`: the drill runs in an engine, because its load goes through the
 * app's own like path (which needs the store). When an engine already serves this data folder,
 * the drill is asked of it over its web shell (never a second process on its store); otherwise
 * an engine is started here for the drill and stopped after it (the cluster is left running).
 */
import WebSocket from 'ws';
import type { Config } from '../core/config';
import { describeOwner, readLockOwner } from '../core/data-lock';
import { Engine } from '../core/engine';
import { AppError } from '../core/errors';
import type { Logger } from '../core/log';
import { processAlive } from '../core/cluster/process-alive';
import { embeddedStoreDir } from '../core/stores';
import type { DrillFault, DrillResult, DrillStep } from '../../shared/types';

export interface DrillRequest {
  port?: number;
  fault: DrillFault;
  native: boolean;
}

export function drillLine(s: DrillStep): string {
  return `  +${(s.t / 1000).toFixed(2).padStart(6)} s  ${s.step.padEnd(16)} ${s.detail}`;
}

export function drillSummary(r: DrillResult): string {
  return (
    `fault ${r.fault} on :${r.stoppedPort}: unavailable for ${r.unavailableMs ?? '?'} ms (slowest write ${r.slowestWriteMs} ms), ` +
    `restored as a replica in ${r.restoredMs === null ? 'never' : `${r.restoredMs} ms`}; ${r.attempted} likes/unlikes attempted, ${r.acked} acknowledged by a replica ` +
    `(${r.lostAcked} lost), ${r.ackedWithoutReplica} answered without one (${r.lostWithoutReplica} lost), ${r.failed} failed`
  );
}

/** Runs the drill where it belongs; `onStep` sees each step as it happens. */
export async function runDrill(config: Config, request: DrillRequest, log: Logger, onStep: (s: DrillStep) => void): Promise<DrillResult> {
  const storeDir = embeddedStoreDir(config);
  const owner = storeDir ? readLockOwner(storeDir) : null;
  if (storeDir && owner && owner.pid !== process.pid && processAlive(owner.pid)) {
    if (!owner.url) throw new AppError('conflict', `${describeOwner(storeDir, owner)} Run the drill from its cluster panel.`);
    return drillThrough(owner.url, request, onStep);
  }
  // The drill's own engine: the cluster it may have started stays up for the next command.
  const engine = await Engine.start({ ...config, redis: { ...config.redis, keepRunning: true } }, { log, shell: 'web' });
  const off = engine.events.on((e) => {
    if (e.event === 'cluster.failover') onStep(e.data as DrillStep);
  });
  try {
    const res = await engine.router.dispatch('cluster.drill', request);
    if (!res.body.ok) throw new AppError(res.body.error.code, res.body.error.message);
    return res.body.data as DrillResult;
  } finally {
    off();
    await engine.stop();
  }
}

/** Asks the engine serving at `shellUrl` (its web shell URL with the token) for the drill. */
async function drillThrough(shellUrl: string, request: DrillRequest, onStep: (s: DrillStep) => void): Promise<DrillResult> {
  const url = new URL(shellUrl);
  const token = url.searchParams.get('token') ?? '';
  // The event stream takes the token in its first message (never in the URL) and says when it
  // listens; the drill's steps come over it once it does.
  const ws = new WebSocket(`ws://${url.host}/events`, { headers: { origin: url.origin } });
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  ws.on('message', (raw: Buffer) => {
    const event = JSON.parse(raw.toString()) as { event: string; data: DrillStep };
    if (event.event === 'session.listening') listening();
    if (event.event === 'cluster.failover') onStep(event.data);
  });
  ws.on('error', () => listening());
  ws.on('close', () => listening());
  ws.once('open', () => ws.send(JSON.stringify({ token, session: null })));
  // Bounded: without the stream the drill still runs, its steps just are not printed live.
  await Promise.race([ready, new Promise<void>((resolve) => setTimeout(resolve, 5000).unref())]);
  try {
    const res = await fetch(`${url.origin}/rpc/cluster.drill`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as { ok: true; data: DrillResult } | { ok: false; error: { code: string; message: string } };
    if (!body.ok) throw new AppError(body.error.code as never, `the running engine refused the drill: ${body.error.message}`);
    return body.data;
  } finally {
    ws.terminate();
  }
}
