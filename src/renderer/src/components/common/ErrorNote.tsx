import type { ReadableError } from '../../api/errors';

interface Props {
  error: ReadableError;
  onRetry?: () => void;
  compact?: boolean;
}

/** An error a person can read: what went wrong, the engine's words, and a way to try again. */
export function ErrorNote({ error, onRetry, compact }: Props) {
  return (
    <div className={`error${compact ? ' error-compact' : ''}`} role="alert" data-testid="error" data-code={error.code ?? 'client'}>
      <span>
        <strong>{error.title}.</strong> {error.detail}
      </span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
