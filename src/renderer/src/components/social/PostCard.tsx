import { ago, fullTime } from '../../lib/time';
import { useComments } from '../../store/comments';
import { usePosts } from '../../store/posts';
import { Avatar } from '../common/Avatar';
import { CommentIcon } from '../common/CommentIcon';
import { UserLink } from '../common/UserLink';
import { CommentsPanel } from './CommentsPanel';
import { LikeButton } from './LikeButton';

export function PostCard({ id, position, total }: { id: string; position: number; total: number }) {
  const post = usePosts((s) => s.byId[id]);
  const open = useComments((s) => Boolean(s.open[id]));
  const toggle = useComments((s) => s.toggle);
  if (!post) return null;
  return (
    <article className="post" data-testid="post" data-post-id={id} aria-posinset={position} aria-setsize={total} aria-label={`Post by ${post.author}`}>
      <Avatar username={post.author} />
      <div className="post-body">
        <header className="post-head">
          <UserLink username={post.author} className="author" />
          <time className="muted" dateTime={new Date(post.createdAt).toISOString()} title={fullTime(post.createdAt)}>
            {ago(post.createdAt)}
          </time>
        </header>
        <p className="post-text" data-testid="post-text">
          {post.text}
        </p>
        <footer className="post-actions">
          <LikeButton postId={id} count={post.likesCount} />
          <button type="button" className="action" aria-expanded={open} data-testid="comments-toggle" onClick={() => toggle(id)}>
            <CommentIcon /> <span data-testid="comment-count">{post.commentsCount}</span>
            <span className="sr-only"> comments</span>
          </button>
        </footer>
        {open && <CommentsPanel postId={id} />}
      </div>
    </article>
  );
}
