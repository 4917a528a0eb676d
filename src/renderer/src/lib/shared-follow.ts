/**
 * One subscription shared by every component that wants it: the first caller starts it, the
 * last one to leave stops it. Panels (and React's StrictMode double effects) can each "follow"
 * without opening a second WebSocket listener or a second poll loop.
 */
export function sharedFollow(start: () => () => void): () => () => void {
  let users = 0;
  let stop: (() => void) | null = null;
  return () => {
    if (users++ === 0) stop = start();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--users === 0) {
        stop?.();
        stop = null;
      }
    };
  };
}
