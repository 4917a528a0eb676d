/** What signing in starts and signing out clears, across the social stores. */
import { useComments } from './comments';
import { useDiscover } from './discover';
import { useFeed } from './feed';
import { useFollows } from './follows';
import { useLikes } from './likes';
import { useMessages } from './messages';
import { useNav } from './nav';
import { usePosts } from './posts';
import { useProfile } from './profile';

const TRENDING_REFRESH_MS = 60_000;

/** Loads what the signed-in screens show and follows live messages; returns the stop. */
export function startSocialSession(username: string): () => void {
  useLikes.getState().load(username);
  useFollows.getState().load(username);
  void useFeed.getState().load();
  void useDiscover.getState().loadTrending();
  void useDiscover.getState().loadSuggestions();
  const stopMessages = useMessages.getState().follow();
  const stopPosts = useFeed.getState().follow();
  // Other people's likes move trending too; there is no event for it, so look again now and then.
  const trendingTimer = setInterval(() => void useDiscover.getState().loadTrending(), TRENDING_REFRESH_MS);
  return () => {
    clearInterval(trendingTimer);
    stopMessages();
    stopPosts();
    resetSocialStores();
  };
}

/** Nothing of one user's session shows to the next one. */
export function resetSocialStores(): void {
  for (const store of [useFeed, useLikes, useFollows, useComments, useMessages, useProfile, useDiscover, usePosts, useNav]) store.getState().reset();
}
