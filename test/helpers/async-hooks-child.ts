/**
 * Opens an embedded store in the folder given, runs a transaction (recordLikes) and a statement
 * after it, then prints whether async hooks are on: with them off (Node's default), a promise
 * callback runs with executionAsyncId() 0; once any AsyncLocalStorage has run a store, every
 * promise gets an id of its own, a cost on each promise the process makes. `--control` runs an
 * AsyncLocalStorage first, so the test sees that this check can tell.
 */
import { AsyncLocalStorage, executionAsyncId } from 'node:async_hooks';
import { silentLogger } from '../../src/main/core/log';
import { EmbeddedStores } from '../../src/main/core/stores/embedded/embedded-stores';

const [dir, mode] = process.argv.slice(2);
if (!dir) throw new Error('usage: async-hooks-child.ts DIR [--control]');
const hooksOn = async () => (await Promise.resolve().then(() => executionAsyncId())) !== 0;
const atStart = await hooksOn();
if (mode === '--control') await new AsyncLocalStorage<number>().run(1, () => Promise.resolve());
const stores = await EmbeddedStores.open(dir, silentLogger);
try {
  await stores.documents.init();
  await stores.graph.init();
  await stores.documents.recordLikes([{ postId: 'p1', username: 'u1', liked: true, at: 1 }]);
  const likers = await stores.documents.likers('p1');
  process.stdout.write(`${JSON.stringify({ atStart, afterStore: await hooksOn(), likers })}\n`);
} finally {
  await stores.close();
}
