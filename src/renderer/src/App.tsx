import { client } from './api/client';
import { ClusterOverview } from './components/ClusterOverview';

export function App() {
  return (
    <div className="app">
      <header className="topbar">
        <h1>
          Red <span className="k">K</span>
        </h1>
        <nav aria-label="Sections">
          <span className="tab tab-active" aria-current="page">
            Cluster
          </span>
        </nav>
        <span className="muted shell" data-testid="shell-kind">
          {client.transport.kind === 'electron' ? 'desktop' : 'web shell'}
        </span>
      </header>
      <main>
        <ClusterOverview />
      </main>
    </div>
  );
}
