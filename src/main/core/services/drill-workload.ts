/**
 * The failover drill's load, through the engine's own like path (SocialService.like: the Lua
 * like or unlike, WAIT for a replica, trending, the write-back to the store), on real posts and
 * users of the store. They are made once and reused by every later drill: posts whose like keys
 * hash into the drilled master's slots, by writers named `drill-writer-N`, and the drill takes
 * its likes back at the end, so the posts rest at 0 likes and out of trending.
 */
import calculateSlot from 'cluster-key-slot';
import type { SlotRange } from '../../../shared/types';
import { AppError } from '../errors';
import type { Clock } from '../ids';
import { keys } from '../keys';
import type { DocumentStore } from '../stores/ports';
import type { SocialService } from './social-service';

export interface DrillWorkload {
  /** Posts whose like keys hash into `ranges`, and the writers' usernames, all existing in the store. */
  prepare(ranges: SlotRange[], posts: number, writers: number): Promise<{ posts: string[]; users: string[] }>;
  /** One like or unlike as the app makes it; `durable` once a replica acknowledged it (R3). */
  like(postId: string, username: string, liked: boolean): Promise<{ durable: boolean }>;
  /** Whether the like is there now (the like set; rebuilt from the store when missing). */
  isLiked(postId: string, username: string): Promise<boolean>;
}

export const DRILL_WRITER = (n: number) => `drill-writer-${n + 1}`;

/** Post ids whose like keys hash into the ranges: the same ids for the same ranges, every time. */
export function drillPostIds(ranges: SlotRange[], count: number): string[] {
  const ids: string[] = [];
  const tag = ranges[0]?.start ?? 0;
  for (let i = 0; ids.length < count && i < 200_000; i++) {
    const id = `drill-${tag}-${i}`;
    const slot = calculateSlot(keys.likesCount(id));
    if (ranges.some((r) => r.start <= slot && slot <= r.end)) ids.push(id);
  }
  return ids;
}

export function socialDrillWorkload(social: SocialService, documents: DocumentStore, clock: Clock): DrillWorkload {
  return {
    async prepare(ranges, postCount, writers) {
      const users = Array.from({ length: writers }, (_, w) => DRILL_WRITER(w));
      for (const [w, username] of users.entries()) {
        if (await documents.getUser(username)) continue;
        await social.createUser(username, `Drill writer ${w + 1}`).catch((err: unknown) => {
          if (!(err instanceof AppError && err.code === 'conflict')) throw err;
        });
      }
      const posts = drillPostIds(ranges, postCount);
      const existing = new Set((await documents.getPosts(posts)).map((p) => p.id));
      for (const id of posts) {
        if (existing.has(id)) continue;
        const text = 'Failover drill: the drill\u2019s writers like and unlike this post while a master fails, then take their likes back.';
        const post = { id, author: users[0]!, text, createdAt: clock(), likesCount: 0 };
        if (await social.stats.created('post', () => documents.createPost(post), id)) {
          // Fanned out on write whatever the writer's size (0: the followers are read from the graph).
          await Promise.all([social.feeds.onPost(post, 0), social.profiles.postAdded(users[0]!)]);
        }
      }
      return { posts, users };
    },
    like: (postId, username, liked) => social.like(postId, username, liked),
    isLiked: (postId, username) => social.likes.likedBy(postId, username),
  };
}
