/** Helpers every adapter's bulk path shares, so batching and "last change wins" mean the same everywhere. */

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Keeps the last item per key, in the order of those last items. A batch of like changes or
 * counter values may mention one post twice; only the final state is what the caller means,
 * and set-based SQL/bulk writes must not see two rows for one key.
 */
export function lastPerKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k);
    byKey.set(k, item);
  }
  return [...byKey.values()];
}

/** Self-follows are refused by the service; adapters drop them so bulk seeds can't create them. */
export function withoutSelfFollows<E extends { follower: string; followee: string }>(edges: readonly E[]): E[] {
  return edges.filter((e) => e.follower !== e.followee);
}
