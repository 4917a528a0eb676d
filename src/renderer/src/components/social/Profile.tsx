import { useEffect, useCallback } from 'react';
import { useMessages } from '../../store/messages';
import { useNav } from '../../store/nav';
import { useProfile } from '../../store/profile';
import { useSession } from '../../store/session';
import { Avatar } from '../common/Avatar';
import { ErrorNote } from '../common/ErrorNote';
import { Loading } from '../common/States';
import { FeedBody } from './FeedBody';
import { FollowButton } from './FollowButton';

export function Profile({ username }: { username: string }) {
  const { user, postIds, status, error, paging, loadMore } = useProfile();
  const onMore = useCallback(() => void loadMore(), [loadMore]);
  const open = useProfile((s) => s.open);
  const myName = useSession((s) => s.user?.username);
  const show = useNav((s) => s.show);
  useEffect(() => void open(username), [open, username]);

  if (!user || user.username !== username) {
    return (
      <section className="panel column-panel" aria-label={`Profile of ${username}`}>
        {status === 'error' && error ? <ErrorNote error={error} onRetry={() => void open(username)} /> : <Loading>Loading @{username}…</Loading>}
      </section>
    );
  }
  const isMe = user.username === myName;
  const message = () => {
    show({ name: 'messages' });
    void useMessages.getState().open(user.username);
  };
  return (
    <section className="panel column-panel" aria-label={`Profile of ${username}`} data-testid="profile" data-username={username}>
      <header className="profile-head">
        <Avatar username={user.username} size="lg" />
        <div className="profile-names">
          <h2>{user.displayName}</h2>
          <span className="muted">@{user.username}</span>
        </div>
        {!isMe && (
          <div className="profile-actions">
            <button type="button" onClick={message} data-testid="profile-message">
              Message
            </button>
            <FollowButton username={user.username} />
          </div>
        )}
      </header>
      <dl className="counts">
        <div>
          <dt>Posts</dt>
          <dd data-testid="count-posts">{user.posts}</dd>
        </div>
        <div>
          <dt>Followers</dt>
          <dd data-testid="count-followers">{user.followers}</dd>
        </div>
        <div>
          <dt>Following</dt>
          <dd data-testid="count-following">{user.following}</dd>
        </div>
      </dl>
      <h3 className="section-title">{isMe ? 'Your posts' : 'Posts'}</h3>
      <FeedBody
        list={{ data: postIds, status, error }}
        label={`Posts by ${user.username}`}
        onRetry={() => void open(username)}
        paging={{ ...paging, onMore }}
        empty={{ title: isMe ? 'You have not posted yet' : `@${user.username} has not posted yet`, hint: isMe ? 'Go Home and write your first post.' : '' }}
      />
    </section>
  );
}
