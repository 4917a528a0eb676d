/**
 * Posts (or any keys) grouped by the master that serves their slot, as the cluster client's slot
 * table has it, for the scripts that read or write the keys of several hash tags of one master
 * in one round trip (post_counts_many.lua, likes_page.lua, likes_settle_many.lua, del_many.lua,
 * get_many.lua). The table may be out of date: a group's script then fails, and its caller goes
 * post by post, which follows redirects.
 */
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import { postHashTag, postTag } from '../keys';

/** Slots of post keys seen lately (a slot never changes for a key): a feed read asks for 50. */
const slots = new Map<string, number>();
const SLOT_CACHE = 20_000;

export function postSlot(postId: string): number {
  let slot = slots.get(postId);
  if (slot === undefined) {
    slot = calculateSlot(postHashTag(postId));
    if (slots.size >= SLOT_CACHE) slots.delete(slots.keys().next().value!);
    slots.set(postId, slot);
  }
  return slot;
}

export interface MasterGroups {
  /** Places in the list given, grouped by the master serving them, at most `maxGroup` each (a master may have several groups). */
  groups: number[][];
  /** Places whose slot the client does not know a master of. */
  single: number[];
}

/** Places of `slots` grouped by the master the client's slot table names for each. */
export function groupByMaster(redis: Cluster, slotList: readonly number[], maxGroup = Infinity): MasterGroups {
  const byNode = new Map<string, number[][]>();
  const single: number[] = [];
  slotList.forEach((slot, i) => {
    const node = redis.slots[slot]?.[0];
    if (node === undefined) {
      single.push(i);
      return;
    }
    const list = byNode.get(node);
    const last = list?.[list.length - 1];
    if (!list) byNode.set(node, [[i]]);
    else if (last!.length < maxGroup) last!.push(i);
    else list.push([i]);
  });
  return { groups: [...byNode.values()].flat(), single };
}

/**
 * `many` once for each group of the posts that one master serves (at most `maxGroup` each), `one`
 * for a post alone in its group or whose master the client does not know, and `one` for each post
 * of a group whose `many` fails. The groups are made before anything is awaited.
 */
export async function perMaster(
  redis: Cluster,
  postIds: readonly string[],
  maxGroup: number,
  one: (i: number) => Promise<void>,
  many: (group: number[]) => Promise<void>,
): Promise<void> {
  const { groups, single } = groupByMaster(redis, postIds.map(postSlot), maxGroup);
  await Promise.all([
    ...single.map(one),
    ...groups.map(async (group) => {
      if (group.length === 1) return one(group[0]!);
      try {
        await many(group);
      } catch {
        await Promise.all(group.map(one));
      }
    }),
  ]);
}

/**
 * What follows the hash tag in each of a post's keys, from keys.ts (the multi-post scripts build
 * each post's key names from its tag and these).
 */
export function keySuffixes(postId: string, postKeys: readonly string[]): string[] {
  const tag = postTag(postId);
  return postKeys.map((key) => {
    if (!key.startsWith(tag)) throw new Error(`key ${key} does not start with the hash tag ${tag}`);
    return key.slice(tag.length);
  });
}
