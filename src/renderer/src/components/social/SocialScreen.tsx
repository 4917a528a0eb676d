import { useNav } from '../../store/nav';
import { useSession } from '../../store/session';
import { ClusterOverview } from '../ClusterOverview';
import { MessagesScreen } from '../messages/MessagesScreen';
import { HomeFeed } from './HomeFeed';
import { Profile } from './Profile';
import { SideNav } from './SideNav';
import { SignIn } from './SignIn';
import { Suggestions } from './Suggestions';
import { Trending } from './Trending';

/** Signed out: sign in, next to the live cluster that will serve you. Signed in: the three columns. */
export function SocialScreen() {
  const username = useSession((s) => s.user?.username);
  const screen = useNav((s) => s.screen);

  if (!username) {
    return (
      <div className="welcome">
        <SignIn />
        <ClusterOverview />
      </div>
    );
  }
  return (
    <div className="social">
      <SideNav />
      <div className="center">
        {screen.name === 'home' && <HomeFeed />}
        {screen.name === 'profile' && <Profile username={screen.username} />}
        {screen.name === 'messages' && <MessagesScreen />}
      </div>
      <aside className="rail" aria-label="Discover">
        <Trending />
        <Suggestions />
      </aside>
    </div>
  );
}
