import { chunks, withoutSelfFollows } from '../batches';
import { bySuggestionRank } from '../suggestions';
import { suggestionScore, type GraphStore, type SuggestionDoc } from '../ports';
import { graphSchema } from './schema';
import type { SqlDb } from './sql-db';
import type { PlannerStatistics } from './statistics';

/** Each user's followers and following among the edges of `edges` (a table or CTE with follower, followee), one row per user. */
const countsOf = (edges: string) =>
  `SELECT username, sum(followers), sum(following) FROM (
     SELECT followee AS username, 1 AS followers, 0 AS following FROM ${edges} UNION ALL SELECT follower, 0, 1 FROM ${edges}
   ) edges GROUP BY username`;

/** Edges per INSERT ... SELECT FROM unnest(...); measured flat between 5k and 50k rows. */
const BATCH = 10_000;

/**
 * The GraphStore port on the embedded PGlite database: follows is an edge table with an index
 * each way, and friends-of-friends is one SQL query.
 */
export class EmbeddedGraphStore implements GraphStore {
  readonly description: string;

  constructor(private readonly db: SqlDb, private readonly stats: PlannerStatistics, dataDir: string) {
    this.description = `embedded ${dataDir}`;
  }

  async init(): Promise<void> {
    await this.db.exec(graphSchema);
    const { rows } = await this.db.query<{ value: string }>(`SELECT value FROM graph_meta WHERE key = 'follow_counts'`);
    if (rows[0]?.value === '1') return;
    // A store from before follow_counts (or a new one): counted once from the edges.
    await this.db.transaction(async (tx) => {
      await tx.exec('DELETE FROM follow_counts');
      await tx.exec(`INSERT INTO follow_counts (username, followers, following) ${countsOf('follows')}`);
      await tx.exec(`INSERT INTO graph_meta (key, value) VALUES ('follow_counts', '1') ON CONFLICT (key) DO UPDATE SET value = '1'`);
    });
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  /** The database is shared with the document store; EmbeddedStores.close() closes it. */
  async close(): Promise<void> {}

  async addUser(username: string): Promise<void> {
    await this.addUsers([username]);
  }

  async addUsers(usernames: string[]): Promise<void> {
    let added = 0;
    for (const batch of chunks(usernames, BATCH)) {
      const result = await this.db.query('INSERT INTO graph_users (username) SELECT * FROM unnest($1::text[]) ON CONFLICT DO NOTHING', [batch]);
      added += result.affectedRows ?? 0;
    }
    await this.stats.noteChanges('graph_users', added);
  }

  async follow(follower: string, followee: string): Promise<boolean> {
    return (await this.followMany([{ follower, followee }])) === 1;
  }

  async followMany(edges: { follower: string; followee: string }[]): Promise<number> {
    let created = 0;
    for (const batch of chunks(withoutSelfFollows(edges), BATCH)) {
      // No foreign key to graph_users and no insert there: nothing reads user rows through
      // follows, and keeping them in step cost 40% of the seeder's follow throughput.
      // One statement: the edges that were new, and the counts of both ends raised by exactly those
      // (one upsert per user: GROUP BY, so no row is touched twice), so a follow sent twice counts once.
      const { rows } = await this.db.query<{ created: number }>(
        `WITH ins AS (
           INSERT INTO follows (follower, followee) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING RETURNING follower, followee
         ), counted AS (
           INSERT INTO follow_counts (username, followers, following) ${countsOf('ins')}
           ON CONFLICT (username) DO UPDATE SET followers = follow_counts.followers + EXCLUDED.followers, following = follow_counts.following + EXCLUDED.following
           RETURNING 1
         )
         SELECT count(*)::int AS created FROM ins`,
        [batch.map((e) => e.follower), batch.map((e) => e.followee)],
      );
      created += Number(rows[0]?.created ?? 0);
    }
    await this.stats.noteChanges('follows', created);
    return created;
  }

  async unfollow(follower: string, followee: string): Promise<boolean> {
    // The counts drop only when the edge was there (follower and followee differ: two rows).
    const { rows } = await this.db.query<{ removed: number }>(
      `WITH del AS (DELETE FROM follows WHERE follower = $1 AND followee = $2 RETURNING follower, followee),
            a AS (UPDATE follow_counts SET following = following - 1 WHERE username IN (SELECT follower FROM del) RETURNING 1),
            b AS (UPDATE follow_counts SET followers = followers - 1 WHERE username IN (SELECT followee FROM del) RETURNING 1)
       SELECT count(*)::int AS removed FROM del`,
      [follower, followee],
    );
    return Number(rows[0]?.removed ?? 0) > 0;
  }

  async isFollowing(follower: string, followee: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM follows WHERE follower = $1 AND followee = $2', [follower, followee]);
    return rows.length > 0;
  }

  async followers(username: string, limit: number): Promise<string[]> {
    // One row holding the array: a row per follower cost the worker and the client a message each.
    const { rows } = await this.db.query<{ followers: string[] | null }>(
      'SELECT array(SELECT follower FROM follows WHERE followee = $1 ORDER BY follower LIMIT $2) AS followers',
      [username, limit],
    );
    return rows[0]?.followers ?? [];
  }

  async following(username: string, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ followee: string }>(
      'SELECT followee FROM follows WHERE follower = $1 ORDER BY followee LIMIT $2',
      [username, limit],
    );
    return rows.map((r) => r.followee);
  }

  async counts(username: string): Promise<{ followers: number; following: number }> {
    const { rows } = await this.db.query<{ followers: number; following: number }>('SELECT followers, following FROM follow_counts WHERE username = $1', [username]);
    return { followers: Number(rows[0]?.followers ?? 0), following: Number(rows[0]?.following ?? 0) };
  }

  async suggestions(username: string, limit: number): Promise<SuggestionDoc[]> {
    // The score is computed in SQL only to rank and cut at `limit`; floor(x + 0.5) is
    // Math.round for positive x, so the order matches suggestionScore() exactly.
    const { rows } = await this.db.query<{ username: string; mutual: number; followers: number }>(
      `WITH candidates AS (
         SELECT theirs.followee AS username, count(*) AS mutual
         FROM follows mine
         JOIN follows theirs ON theirs.follower = mine.followee
         WHERE mine.follower = $1
           AND theirs.followee <> $1
           AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower = $1 AND f.followee = theirs.followee)
         GROUP BY theirs.followee
       )
       SELECT c.username, c.mutual, coalesce(fc.followers, 0) AS followers
       FROM candidates c
       LEFT JOIN follow_counts fc ON fc.username = c.username
       ORDER BY floor((mutual * 10 + log((1 + followers)::float8)) * 100 + 0.5) DESC, username
       LIMIT $2`,
      [username, limit],
    );
    return rows
      .map((r) => {
        const mutualConnections = Number(r.mutual);
        const followersCount = Number(r.followers);
        return { username: r.username, mutualConnections, followersCount, score: suggestionScore(mutualConnections, followersCount) };
      })
      .sort(bySuggestionRank);
  }
}
