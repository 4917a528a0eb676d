/**
 * U6: who to follow. The friends-of-friends candidates and their mutual connections come from
 * the graph store and are cached 600 s; followers counts are read live from the profiles, so a
 * follow elsewhere never shows a stale count, and the score is computed at read time.
 */
import type { Cluster } from 'ioredis';
import type { Suggestion } from '../../../shared/types';
import { suggestionScore, type GraphStore } from '../stores/ports';
import { keys, TTL } from '../keys';
import { cachedList, deleteKeys } from './cached-list';
import type { ProfileCache } from './profiles';

/** Candidates kept per user, more than shown, so live re-scoring rarely changes who is in. */
export const CANDIDATES = 50;
export const SHOWN = 10;

interface Candidate {
  username: string;
  mutualConnections: number;
}

export class SuggestionCache {
  constructor(
    private readonly redis: Cluster,
    private readonly graph: GraphStore,
    private readonly profiles: ProfileCache,
  ) {}

  async get(username: string): Promise<Suggestion[]> {
    const candidates = await cachedList<Candidate>(this.redis, keys.suggestions(username), TTL.suggestions, async () =>
      (await this.graph.suggestions(username, CANDIDATES)).map((s) => ({ username: s.username, mutualConnections: s.mutualConnections })),
    );
    const scored = await Promise.all(
      candidates.map(async (c) => {
        const followersCount = (await this.profiles.get(c.username))?.followers ?? 0;
        return { ...c, followersCount, score: suggestionScore(c.mutualConnections, followersCount) };
      }),
    );
    return scored.sort((a, b) => b.score - a.score || (a.username < b.username ? -1 : 1)).slice(0, SHOWN);
  }

  /**
   * When `follower` follows or unfollows someone, their own candidates change, and so do those of
   * everyone who follows them (the friends-of-friends path runs through `follower`).
   */
  async invalidateForFollow(follower: string): Promise<void> {
    const viaFollower = await this.graph.followers(follower, 100_000);
    await deleteKeys(this.redis, [follower, ...viaFollower].map((u) => keys.suggestions(u)));
  }
}
