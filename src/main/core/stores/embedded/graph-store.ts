import { chunks, withoutSelfFollows } from '../batches';
import { bySuggestionRank } from '../suggestions';
import { suggestionScore, type GraphStore, type SuggestionDoc } from '../ports';
import { graphSchema } from './schema';
import type { SqlDb } from './sql-db';
import type { PlannerStatistics } from './statistics';

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
      const result = await this.db.query(
        'INSERT INTO follows (follower, followee) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING',
        [batch.map((e) => e.follower), batch.map((e) => e.followee)],
      );
      created += result.affectedRows ?? 0;
    }
    await this.stats.noteChanges('follows', created);
    return created;
  }

  async unfollow(follower: string, followee: string): Promise<boolean> {
    const result = await this.db.query('DELETE FROM follows WHERE follower = $1 AND followee = $2', [follower, followee]);
    return (result.affectedRows ?? 0) > 0;
  }

  async isFollowing(follower: string, followee: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM follows WHERE follower = $1 AND followee = $2', [follower, followee]);
    return rows.length > 0;
  }

  async followers(username: string, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ follower: string }>(
      'SELECT follower FROM follows WHERE followee = $1 ORDER BY follower LIMIT $2',
      [username, limit],
    );
    return rows.map((r) => r.follower);
  }

  async following(username: string, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ followee: string }>(
      'SELECT followee FROM follows WHERE follower = $1 ORDER BY followee LIMIT $2',
      [username, limit],
    );
    return rows.map((r) => r.followee);
  }

  async counts(username: string): Promise<{ followers: number; following: number }> {
    const { rows } = await this.db.query<{ followers: number; following: number }>(
      `SELECT (SELECT count(*) FROM follows WHERE followee = $1) AS followers,
              (SELECT count(*) FROM follows WHERE follower = $1) AS following`,
      [username],
    );
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
       SELECT c.username, c.mutual, counted.followers
       FROM candidates c
       CROSS JOIN LATERAL (SELECT count(*) AS followers FROM follows f WHERE f.followee = c.username) counted
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
