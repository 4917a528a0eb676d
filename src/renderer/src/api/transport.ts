/**
 * How the renderer reaches the engine: the preload bridge inside Electron, or HTTP + WebSocket
 * in the web shell. Both carry the same contract and the same {ok, data | error} envelopes.
 */
import type { EngineEvent } from '../../../shared/contract';
import type { RpcResponse } from '../../../shared/errors';
import type { RedkBridge } from '../../../shared/ipc';
import { onSessionToken, sessionToken } from './session-token';

export interface Transport {
  kind: 'electron' | 'web';
  invoke(method: string, input: unknown): Promise<RpcResponse<unknown>>;
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Connection state of the event stream, for the status bar. */
  onStatus?(listener: (connected: boolean) => void): () => void;
}

declare global {
  interface Window {
    redkBridge?: RedkBridge;
  }
}

function bridgeTransport(bridge: RedkBridge): Transport {
  return {
    kind: 'electron',
    invoke: async (method, input) => (await bridge.invoke(method, input, sessionToken())) as RpcResponse<unknown>,
    subscribe: (listener) => bridge.subscribe((event) => listener(event as EngineEvent)),
  };
}

const TOKEN_KEY = 'redk.token';

/** The token arrives once in ?token=; keep it for reloads and take it out of the address bar. */
function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function webTransport(): Transport {
  const token = takeToken();
  const listeners = new Set<(event: EngineEvent) => void>();
  const statusListeners = new Set<(connected: boolean) => void>();
  let socket: WebSocket | null = null;
  let retry = 0;

  // The stream learns who is listening from its first message (the shell token and the session),
  // and again whenever the session changes: a direct message reaches only its two people.
  onSessionToken((session) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ session }));
  });

  const connect = () => {
    const wsUrl = new URL('/events', window.location.href);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    const opened = new WebSocket(wsUrl);
    socket = opened;
    opened.onopen = () => {
      retry = 0;
      opened.send(JSON.stringify({ token, session: sessionToken() }));
      statusListeners.forEach((l) => l(true));
    };
    opened.onmessage = (message) => {
      try {
        const event = JSON.parse(String(message.data)) as EngineEvent;
        listeners.forEach((l) => l(event));
      } catch {
        /* a malformed frame is dropped, the stream goes on */
      }
    };
    opened.onclose = () => {
      statusListeners.forEach((l) => l(false));
      if (socket === opened) socket = null;
      if (listeners.size > 0) setTimeout(connect, Math.min(10_000, 500 * 2 ** retry++));
    };
  };

  return {
    kind: 'web',
    invoke: async (method, input) => {
      let response: Response;
      try {
        response = await fetch(`/rpc/${encodeURIComponent(method)}`, {
          method: 'POST',
          // x-redk-trace: answer with the call's Redis trace, for the drawer.
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            'x-redk-trace': '1',
            ...(sessionToken() ? { 'x-redk-session': sessionToken() as string } : {}),
          },
          body: JSON.stringify(input ?? {}),
        });
      } catch (err) {
        return { ok: false, error: { code: 'cluster_unavailable', message: `The engine does not answer (${(err as Error).message}). Is "npm run serve" still running?` } };
      }
      try {
        return (await response.json()) as RpcResponse<unknown>;
      } catch {
        return { ok: false, error: { code: 'internal', message: `The engine answered ${response.status} without a JSON body.` } };
      }
    },
    subscribe: (listener) => {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
    onStatus: (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
}

export function detectTransport(): Transport {
  return window.redkBridge ? bridgeTransport(window.redkBridge) : webTransport();
}
