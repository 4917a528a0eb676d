/**
 * Counts the calls made to store adapters (each a query or a batch of them to the system of
 * record), by patching each method of the given objects in place; restore() puts them back.
 * For tests and the bench only: nothing in the engine knows about it. A method an adapter calls
 * on itself synchronously (a private helper) is counted as part of its caller.
 */
export interface StoreCallCounter {
  /** Calls per "<label>.<method>" since the last reset. */
  calls(): Record<string, number>;
  total(): number;
  reset(): void;
  restore(): void;
}

function methodNames(target: object): string[] {
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(target) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function') names.add(name);
    }
  }
  return [...names];
}

export function countStoreCalls(stores: Record<string, object>): StoreCallCounter {
  let counts: Record<string, number> = {};
  // An adapter's own helpers (countPostsBy calling this.count) run inside the call that made
  // them, before its first await: they are part of that call, not another one.
  let inside = false;
  const undo: (() => void)[] = [];
  for (const [label, store] of Object.entries(stores)) {
    const target = store as Record<string, unknown>;
    for (const name of methodNames(store)) {
      const original = target[name] as (...args: unknown[]) => unknown;
      target[name] = function counted(this: unknown, ...args: unknown[]) {
        if (inside) return original.apply(this, args);
        counts[`${label}.${name}`] = (counts[`${label}.${name}`] ?? 0) + 1;
        inside = true;
        try {
          return original.apply(this, args);
        } finally {
          inside = false;
        }
      };
      undo.push(() => delete target[name]);
    }
  }
  return {
    calls: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset: () => {
      counts = {};
    },
    restore: () => undo.splice(0).forEach((fn) => fn()),
  };
}
