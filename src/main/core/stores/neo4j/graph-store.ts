import neo4j, { type Driver, type EagerResult, type RoutingControl } from 'neo4j-driver';
import type { Logger } from '../../log';
import { chunks, withoutSelfFollows } from '../batches';
import { suggestionScore, type GraphStore, type SuggestionDoc } from '../ports';
import { bySuggestionRank } from '../suggestions';
import { guardOutages, redactUrl } from '../unavailable';
import { connectNeo4j, isNeo4jOutage, type Neo4jConnectOptions } from './connect';

/** Rows per UNWIND: big enough to amortise a round trip, small enough for one transaction's memory. */
const BATCH = 5000;

/**
 * The GraphStore port on Neo4j: (:User {username})-[:FOLLOWS]->(:User). Every query goes through
 * driver.executeQuery, which opens, retries and closes its own session, so none can leak.
 */
class Neo4jGraphStore implements GraphStore {
  readonly description: string;

  constructor(private readonly driver: Driver, url: string, private readonly opts: Neo4jConnectOptions, private readonly log: Logger) {
    this.description = `neo4j ${redactUrl(url)}`;
  }

  private run(cypher: string, params: Record<string, unknown>, routing: RoutingControl = neo4j.routing.WRITE): Promise<EagerResult> {
    return this.driver.executeQuery(cypher, params, { routing, database: this.opts.database });
  }

  private read(cypher: string, params: Record<string, unknown>): Promise<EagerResult> {
    return this.run(cypher, params, neo4j.routing.READ);
  }

  async init(): Promise<void> {
    await this.run('CREATE CONSTRAINT user_username IF NOT EXISTS FOR (u:User) REQUIRE u.username IS UNIQUE', {});
    this.log.debug('Neo4j constraint on :User(username) ensured');
  }

  async ping(): Promise<void> {
    await this.read('RETURN 1', {});
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  async addUser(username: string): Promise<void> {
    await this.addUsers([username]);
  }

  async addUsers(usernames: string[]): Promise<void> {
    for (const batch of chunks(usernames, BATCH)) {
      await this.run('UNWIND $usernames AS username MERGE (:User {username: username})', { usernames: batch });
    }
  }

  async follow(follower: string, followee: string): Promise<boolean> {
    return (await this.followMany([{ follower, followee }])) === 1;
  }

  async followMany(edges: { follower: string; followee: string }[]): Promise<number> {
    let created = 0;
    for (const batch of chunks(withoutSelfFollows(edges), BATCH)) {
      const { summary } = await this.run(
        `UNWIND $edges AS edge
         MERGE (a:User {username: edge.follower})
         MERGE (b:User {username: edge.followee})
         MERGE (a)-[:FOLLOWS]->(b)`,
        { edges: batch },
      );
      created += summary.counters.updates().relationshipsCreated;
    }
    return created;
  }

  async unfollow(follower: string, followee: string): Promise<boolean> {
    const { summary } = await this.run(
      'MATCH (:User {username: $follower})-[r:FOLLOWS]->(:User {username: $followee}) DELETE r',
      { follower, followee },
    );
    return summary.counters.updates().relationshipsDeleted > 0;
  }

  async isFollowing(follower: string, followee: string): Promise<boolean> {
    const { records } = await this.read(
      'RETURN EXISTS { (:User {username: $follower})-[:FOLLOWS]->(:User {username: $followee}) } AS following',
      { follower, followee },
    );
    return records[0]?.get('following') === true;
  }

  async followers(username: string, limit: number): Promise<string[]> {
    const { records } = await this.read(
      'MATCH (f:User)-[:FOLLOWS]->(:User {username: $username}) RETURN f.username AS name ORDER BY name LIMIT $limit',
      { username, limit: neo4j.int(limit) },
    );
    return records.map((r) => r.get('name') as string);
  }

  async following(username: string, limit: number): Promise<string[]> {
    const { records } = await this.read(
      'MATCH (:User {username: $username})-[:FOLLOWS]->(f:User) RETURN f.username AS name ORDER BY name LIMIT $limit',
      { username, limit: neo4j.int(limit) },
    );
    return records.map((r) => r.get('name') as string);
  }

  async counts(username: string): Promise<{ followers: number; following: number }> {
    const { records } = await this.read(
      `MATCH (u:User {username: $username})
       RETURN COUNT { (:User)-[:FOLLOWS]->(u) } AS followers, COUNT { (u)-[:FOLLOWS]->(:User) } AS following`,
      { username },
    );
    const row = records[0];
    return row ? { followers: row.get('followers') as number, following: row.get('following') as number } : { followers: 0, following: 0 };
  }

  async suggestions(username: string, limit: number): Promise<SuggestionDoc[]> {
    // The score is computed in Cypher only to rank and cut at `limit`; floor(x + 0.5) is
    // Math.round for positive x, so the order matches suggestionScore() exactly.
    const { records } = await this.read(
      `MATCH (me:User {username: $username})-[:FOLLOWS]->(friend:User)-[:FOLLOWS]->(candidate:User)
       WHERE candidate <> me AND NOT EXISTS { (me)-[:FOLLOWS]->(candidate) }
       WITH candidate, count(DISTINCT friend) AS mutual_connections
       WITH candidate, mutual_connections, COUNT { (:User)-[:FOLLOWS]->(candidate) } AS followers_count
       RETURN candidate.username AS username, mutual_connections, followers_count
       ORDER BY floor((mutual_connections * 10 + log10(1 + followers_count)) * 100 + 0.5) DESC, username
       LIMIT $limit`,
      { username, limit: neo4j.int(limit) },
    );
    return records
      .map((r) => {
        const mutualConnections = r.get('mutual_connections') as number;
        const followersCount = r.get('followers_count') as number;
        return { username: r.get('username') as string, mutualConnections, followersCount, score: suggestionScore(mutualConnections, followersCount) };
      })
      .sort(bySuggestionRank);
  }
}

/**
 * Connects to Neo4j (throws store_unavailable naming the URL when it can't, or when the
 * credentials are refused) and returns the GraphStore; call init() to create the constraint.
 */
export async function createNeo4jGraphStore(
  url: string,
  user: string | undefined,
  password: string | undefined,
  log: Logger,
  opts: Neo4jConnectOptions = {},
): Promise<GraphStore> {
  const driver = await connectNeo4j(url, user, password, opts);
  log.debug(`connected to Neo4j at ${redactUrl(url)}`);
  return guardOutages(new Neo4jGraphStore(driver, url, opts, log), isNeo4jOutage, 'Neo4j', url);
}
