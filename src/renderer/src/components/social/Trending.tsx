import { useDiscover, type TrendingWindow } from '../../store/discover';
import { usePosts } from '../../store/posts';
import { ErrorNote } from '../common/ErrorNote';
import { Loading } from '../common/States';
import { Tabs } from '../common/Tabs';
import { UserLink } from '../common/UserLink';

const WINDOWS: { value: TrendingWindow; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: '1h', label: '1h' },
  { value: '24h', label: '24h' },
];

function TrendingRow({ postId, score, rank }: { postId: string; score: number; rank: number }) {
  const post = usePosts((s) => s.byId[postId]);
  if (!post) return null;
  return (
    <li className="trend" data-testid="trending-item" data-post-id={postId}>
      <span className="rank">{rank}</span>
      <div>
        <UserLink username={post.author} />
        <p className="trend-text">{post.text}</p>
        <span className="muted small">♥ {score} in this window</span>
      </div>
    </li>
  );
}

export function Trending() {
  const { window, trending, loadTrending } = useDiscover();
  return (
    <section className="panel rail-panel" aria-label="Trending">
      <header className="rail-head">
        <h2>Trending</h2>
        <Tabs label="Trending window" options={WINDOWS} value={window} onChange={(w) => void loadTrending(w)} testId="trending-tab" />
      </header>
      {trending.status === 'error' && trending.error && <ErrorNote error={trending.error} compact onRetry={() => void loadTrending()} />}
      {trending.status === 'loading' && trending.data.length === 0 && <Loading>Ranking posts…</Loading>}
      {trending.status === 'ready' && trending.data.length === 0 && <p className="muted small">No likes in this window yet: like a post and it shows here.</p>}
      <ol className="trend-list">
        {trending.data.map((e, i) => (
          <TrendingRow key={e.postId} postId={e.postId} score={e.score} rank={i + 1} />
        ))}
      </ol>
    </section>
  );
}
