/**
 * What travels over Electron IPC. Kept free of runtime dependencies so the sandboxed preload
 * bundle stays tiny (the preload never validates: the main process does, at the boundary).
 */
export const IPC_CHANNELS = { rpc: 'redk:rpc', event: 'redk:event' } as const;

/** The raw bridge the preload exposes as `window.redkBridge`; the renderer wraps it in a RedkClient. */
export interface RedkBridge {
  /** `session`: the signed-in session's token (A1), or null; the main process resolves it to a user. */
  invoke(method: string, input: unknown, session: string | null): Promise<unknown>;
  subscribe(listener: (event: unknown) => void): () => void;
}
