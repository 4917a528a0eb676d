/**
 * `npm run seed -- [--users N] [--seed S] [--data-dir D]`: fills the configured stores (embedded
 * by default, or MongoDB/Neo4j from REDK_MONGO_URL/REDK_NEO4J_URL) with demo data, idempotently.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/log';
import { DEMO_PASSWORD, seedDemoData, seedSize } from '../core/seed/demo-data';
import { lockStores, openStores } from '../core/stores';
import { runCli } from './run-cli';

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

runCli(async () => {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '200' },
      seed: { type: 'string', default: '42' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stderr.write('usage: npm run seed -- [--users N (default 200)] [--seed S] [--data-dir DIR]\n');
    return 0;
  }
  const users = Number(values.users);
  if (!Number.isInteger(users) || users < 2 || users > 10_000_000) {
    process.stderr.write(`--users must be a whole number from 2 to 10000000, not "${values.users}"\n`);
    return 2;
  }
  const config = loadConfig(values['data-dir'] ? { dataDir: values['data-dir'] } : {});
  const log = createLogger('seed');
  // Never a second process on a running engine's store (PGlite would be corrupted): refused
  // with the owner's pid and URL, exit 1.
  const lock = await lockStores(config, 'seed', log);
  let stores;
  try {
    stores = await openStores(config, log);
  } catch (err) {
    await lock?.release();
    throw err;
  }
  const began = Date.now();
  const bar = new SingleBar({ format: '{phase} |{bar}| {percentage}% {value}/{total} {duration_formatted}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 }, Presets.shades_classic);
  let current = '';
  try {
    const result = await seedDemoData(stores, seedSize(users), ({ phase, done, total }) => {
      if (phase !== current) {
        if (current) bar.stop();
        current = phase;
        bar.start(total, done, { phase: phase.padEnd(8) });
      } else {
        bar.update(done);
      }
    }, Number(values.seed), { scryptCost: config.accounts.scryptCost });
    bar.stop();
    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    process.stdout.write(
      `seeded ${result.users} users, ${result.follows} follows, ${result.posts} posts, ${result.likes} likes, ${result.comments} comments, ${result.messages} messages ` +
        `(${result.inserted} new rows) in ${seconds} s into ${stores.documents.description} + ${stores.graph.description}\n` +
        `every new demo user signs in with the password "${DEMO_PASSWORD}"\n`,
    );
    const dir = config.stores.embeddedDir ?? join(config.dataDir, 'store');
    if (!config.stores.mongoUrl || !config.stores.neo4jUrl) {
      process.stdout.write(`embedded store size on disk: ${(folderBytes(dir) / 1024 / 1024).toFixed(1)} MB (${dir})\n`);
    }
  } finally {
    bar.stop();
    await stores.close();
    await lock?.release();
  }
  return 0;
});
