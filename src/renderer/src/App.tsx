import { lazy, Suspense, useEffect } from 'react';
import { ErrorBoundary } from './components/common/ErrorBoundary';
import { Loading } from './components/common/States';
import { SocialScreen } from './components/social/SocialScreen';
import { RedisDrawer } from './components/trace/RedisDrawer';
import { TopBar } from './components/TopBar';
import { startSocialSession } from './store/lifecycle';
import { useNav } from './store/nav';
import { useSession } from './store/session';
import { useTrace } from './store/trace';

// The inspector brings the graph and chart libraries: load them when the Cluster section opens.
const ClusterScreen = lazy(() => import('./components/cluster/ClusterScreen').then((m) => ({ default: m.ClusterScreen })));

export function App() {
  const section = useNav((s) => s.section);
  const drawerOpen = useTrace((s) => s.open);
  const username = useSession((s) => s.user?.username);
  const screen = useNav((s) => s.screen);
  useEffect(() => void useSession.getState().restore(), []);
  // The session lives above the sections: live messages keep arriving while the Cluster tab is open.
  useEffect(() => (username ? startSocialSession(username) : undefined), [username]);
  return (
    <div className={`app${drawerOpen ? ' with-drawer' : ''}`}>
      <TopBar />
      <div className="workspace">
        <main className={`main-${section}`}>
          {/* Moving to another screen leaves a crashed one behind. */}
          <ErrorBoundary resetKey={`${section}:${JSON.stringify(screen)}:${username ?? ''}`}>
            {section === 'social' ? (
              <SocialScreen />
            ) : (
              <Suspense fallback={<Loading>Opening the cluster inspector…</Loading>}>
                <ClusterScreen />
              </Suspense>
            )}
          </ErrorBoundary>
        </main>
        <RedisDrawer />
      </div>
    </div>
  );
}
