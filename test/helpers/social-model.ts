/**
 * A plain in-memory model of Red K's social rules, independent of Redis and the stores: the
 * coherence test applies the same random steps to it and to the engine and compares every view.
 */
import { suggestionScore } from '../../src/main/core/stores/ports';
import type { Engine } from '../../src/main/core/engine';

export interface ModelPost {
  id: string;
  author: string;
  createdAt: number;
  likers: Set<string>;
  comments: number;
}

export class SocialModel {
  readonly users = new Set<string>();
  readonly follows = new Set<string>();
  readonly posts: ModelPost[] = [];
  /** "<owner>|<other>" -> last message time */
  readonly lastMessage = new Map<string, number>();
  /** "<owner>|<other>" -> unread count of owner */
  readonly unread = new Map<string, number>();

  following(u: string): string[] {
    return [...this.users].filter((v) => this.follows.has(`${u}>${v}`));
  }

  followers(u: string): string[] {
    return [...this.users].filter((v) => this.follows.has(`${v}>${u}`));
  }

  post(id: string): ModelPost | undefined {
    return this.posts.find((p) => p.id === id);
  }

  feed(u: string, kind: 'all' | 'following' | 'self', limit = 50): ModelPost[] {
    const authors = new Set(kind === 'self' ? [u] : this.following(u));
    if (kind === 'all') authors.add(u);
    return this.posts
      .filter((p) => authors.has(p.author))
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit);
  }

  /** Like ZREVRANGE: score desc, equal scores by member desc. */
  trending(limit = 10): { postId: string; score: number }[] {
    return this.posts
      .filter((p) => p.likers.size > 0)
      .map((p) => ({ postId: p.id, score: p.likers.size }))
      .sort((a, b) => b.score - a.score || (a.postId < b.postId ? 1 : -1))
      .slice(0, limit);
  }

  suggestions(u: string, limit = 10) {
    const mine = new Set(this.following(u));
    const mutual = new Map<string, number>();
    for (const f of mine) {
      for (const c of this.following(f)) {
        if (c === u || mine.has(c)) continue;
        mutual.set(c, (mutual.get(c) ?? 0) + 1);
      }
    }
    return [...mutual]
      .map(([username, mutualConnections]) => {
        const followersCount = this.followers(username).length;
        return { username, mutualConnections, followersCount, score: suggestionScore(mutualConnections, followersCount) };
      })
      .sort((a, b) => b.score - a.score || (a.username < b.username ? -1 : 1))
      .slice(0, limit);
  }

  conversations(u: string) {
    return [...this.lastMessage]
      .filter(([k]) => k.startsWith(`${u}|`))
      .map(([k, at]) => ({ with: k.split('|')[1] as string, lastMessageAt: at, unread: this.unread.get(k) ?? 0 }))
      .sort((a, b) => b.lastMessageAt - a.lastMessageAt);
  }
}

/**
 * Counts which fan-out path (F1) each post of `engine` takes, into `paths`: the coherence tests
 * show both were checked against the model.
 */
export function countFanoutPaths(engine: Engine, paths: { small: number; large: number }): void {
  const feeds = engine.social.feeds;
  const onPost = feeds.onPost.bind(feeds);
  feeds.onPost = async (post, followers) => {
    const outcome = await onPost(post, followers);
    paths[outcome.large ? 'large' : 'small']++;
    return outcome;
  };
}
