import { client } from '../api/client';
import { useUnreadTotal } from '../store/messages';
import { useNav, type Section } from '../store/nav';
import { useSession } from '../store/session';
import { useTrace } from '../store/trace';
import { Avatar } from './common/Avatar';
import { DRAWER_TOGGLE_ID } from './trace/RedisDrawer';

const SECTIONS: { id: Section; label: string }[] = [
  { id: 'social', label: 'Social' },
  { id: 'cluster', label: 'Cluster' },
];

export function TopBar() {
  const section = useNav((s) => s.section);
  const go = useNav((s) => s.go);
  const user = useSession((s) => s.user);
  const signOut = useSession((s) => s.signOut);
  const drawerOpen = useTrace((s) => s.open);
  const traced = useTrace((s) => s.calls.length);
  const setDrawer = useTrace((s) => s.setOpen);
  const unread = useUnreadTotal();
  return (
    <header className="topbar">
      <h1>
        Red <span className="k">K</span>
      </h1>
      <nav aria-label="Sections" className="sections">
        {SECTIONS.map((s) => (
          <button
            key={s.id}
            type="button"
            className={`tab${section === s.id ? ' tab-active' : ''}`}
            aria-current={section === s.id ? 'page' : undefined}
            data-testid={`section-${s.id}`}
            onClick={() => go(s.id)}
          >
            {s.label}
            {s.id === 'social' && section !== 'social' && unread > 0 && (
              <span className="badge" aria-label={`${unread} unread messages`}>
                {unread}
              </span>
            )}
          </button>
        ))}
      </nav>
      <div className="topbar-right">
        <button
          id={DRAWER_TOGGLE_ID}
          type="button"
          className={`drawer-toggle${drawerOpen ? ' tab-active' : ''}`}
          aria-expanded={drawerOpen}
          aria-controls="redis-drawer"
          data-testid="drawer-toggle"
          onClick={() => setDrawer(!drawerOpen)}
        >
          Redis<span className="muted small"> · {traced}</span>
        </button>
        {user && (
          <span className="who">
            <Avatar username={user.username} size="sm" />
            <span data-testid="signed-in-as">@{user.username}</span>
            <button type="button" className="ghost" onClick={() => void signOut()} data-testid="sign-out">
              Sign out
            </button>
          </span>
        )}
        <span className="muted shell" data-testid="shell-kind">
          {client.transport.kind === 'electron' ? 'desktop' : 'web shell'}
        </span>
      </div>
    </header>
  );
}
