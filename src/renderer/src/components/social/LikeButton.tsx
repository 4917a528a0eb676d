import { useLikes } from '../../store/likes';
import { ErrorNote } from '../common/ErrorNote';

const SAVE_TEXT = { saving: 'saving…', saved: '✓ saved', unconfirmed: 'not yet on a replica' } as const;
const SAVE_TITLE = {
  saving: 'Waiting for the engine',
  saved: 'A replica acknowledged this like: a failover cannot lose it',
  unconfirmed: 'The master counted it, but no replica acknowledged it in time',
} as const;

/** ♥ with the count; toggles at once and settles with the engine's answer (or rolls back). */
export function LikeButton({ postId, count }: { postId: string; count: number }) {
  const liked = useLikes((s) => Boolean(s.liked[postId]));
  const save = useLikes((s) => s.save[postId]);
  const error = useLikes((s) => s.errors[postId]);
  const toggle = useLikes((s) => s.toggle);
  return (
    <>
      <button
        type="button"
        className={`action like${liked ? ' liked' : ''}`}
        aria-pressed={liked}
        aria-label={liked ? `Unlike (${count} likes)` : `Like (${count} likes)`}
        data-testid="like-button"
        onClick={() => void toggle(postId)}
      >
        <span aria-hidden="true">{liked ? '♥' : '♡'}</span> <span data-testid="like-count">{count}</span>
      </button>
      {save && (
        <span className={`save save-${save}`} data-testid="like-saved" data-state={save} title={SAVE_TITLE[save]}>
          {SAVE_TEXT[save]}
        </span>
      )}
      {error && <ErrorNote error={error} compact />}
    </>
  );
}
