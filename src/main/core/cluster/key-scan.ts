/**
 * A SCAN across the cluster for the key explorer: a cluster SCAN must visit each master, so the
 * cursor carries which master (in address order) and that master's own cursor. Each page does
 * a bounded number of SCAN rounds, so a pattern that matches nothing cannot hang the call.
 */
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import type { KeyScanPage, ScannedKey } from '../../../shared/types';
import { AppError } from '../errors';

export const MAX_ROUNDS_PER_PAGE = 50;

export async function scanCluster(
  redis: Cluster,
  opts: { pattern: string; type?: string; cursor?: string; limit: number },
): Promise<KeyScanPage> {
  const masters = redis.nodes('master').sort((a, b) => `${a.options.host}:${a.options.port}`.localeCompare(`${b.options.host}:${b.options.port}`));
  const [first, rest] = (opts.cursor ?? '0:0').split(':') as [string, string];
  let index = Number(first);
  // A master's SCAN cursor goes up to 2^64: kept as the text Redis gave, never as a double.
  let cursor = rest;
  if (index > masters.length) throw new AppError('invalid_input', `The cursor names master ${index}, but the cluster has ${masters.length}: start the scan again.`);
  const keys: ScannedKey[] = [];
  let rounds = 0;
  while (index < masters.length && keys.length < opts.limit && rounds < MAX_ROUNDS_PER_PAGE) {
    const node = masters[index]!;
    const args: (string | number)[] = [cursor, 'MATCH', opts.pattern, 'COUNT', opts.limit];
    if (opts.type) args.push('TYPE', opts.type);
    const [next, found] = (await node.call('SCAN', ...args)) as [string, string[]];
    rounds++;
    if (found.length > 0) {
      // A round is kept whole (the cursor has moved past all of it), so a page may exceed the limit a little.
      const batch = found;
      const pipeline = node.pipeline();
      for (const key of batch) pipeline.type(key).pttl(key);
      const replies = (await pipeline.exec()) ?? [];
      batch.forEach((key, i) => {
        keys.push({
          key,
          type: String(replies[i * 2]?.[1] ?? 'none'),
          slot: calculateSlot(key),
          node: `${node.options.host}:${node.options.port}`,
          ttlMs: Number(replies[i * 2 + 1]?.[1] ?? -1),
        });
      });
    }
    cursor = next;
    if (cursor === '0') index++;
  }
  return {
    keys,
    cursor: index < masters.length ? `${index}:${cursor}` : null,
    mastersDone: index,
    masters: masters.length,
  };
}
