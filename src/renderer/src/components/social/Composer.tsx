import { useState, type FormEvent } from 'react';
import { submitOnEnter } from '../../lib/keyboard';
import { useFeed } from '../../store/feed';
import { useSession } from '../../store/session';
import { Avatar } from '../common/Avatar';
import { ErrorNote } from '../common/ErrorNote';

const MAX = 500;

/** What's happening? Enter posts, Shift+Enter adds a line. */
export function Composer() {
  const username = useSession((s) => s.user?.username ?? '');
  const posting = useFeed((s) => s.posting);
  const error = useFeed((s) => s.postError);
  const publish = useFeed((s) => s.publish);
  const [text, setText] = useState('');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() && (await publish(text))) setText('');
  };
  return (
    <form className="composer" onSubmit={(e) => void onSubmit(e)} aria-label="New post">
      <Avatar username={username} />
      <div className="composer-body">
        <textarea
          aria-label="What's happening?"
          placeholder="What's happening?"
          rows={2}
          maxLength={MAX}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={submitOnEnter}
          data-testid="composer-text"
        />
        {error && <ErrorNote error={error} compact />}
        <div className="composer-foot">
          <span className={`muted small${text.length > MAX - 50 ? ' warn' : ''}`}>
            {text.length}/{MAX} · Enter to post, Shift+Enter for a new line
          </span>
          <button type="submit" className="primary" disabled={posting || !text.trim()} data-testid="composer-submit">
            {posting ? 'Posting…' : 'Post'}
          </button>
        </div>
      </div>
    </form>
  );
}
