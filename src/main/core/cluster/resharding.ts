/**
 * Live resharding on Redis 7.0 (no atomic slot migration): per slot, CLUSTER SETSLOT IMPORTING on
 * the target and MIGRATING on the source, MIGRATE ... KEYS in batches, then SETSLOT NODE on the
 * target, the source and every other master. While a slot is open the source answers ASK for
 * keys it no longer has and clients follow it; a multi-key script whose keys are split between
 * the two nodes gets TRYAGAIN and is retried.
 *
 * Also the operator's `check` (open slots, uncovered slots, nodes that disagree about owners, as
 * `redis-cli --cluster check` reports them) and `fix` (every open slot closed, no key lost).
 */
import type { Redis } from 'ioredis';
import type { SlotRange } from '../../../shared/types';
import { AppError } from '../errors';
import { parseClusterNodes, slotCount } from './nodes-parser';
import { textCommand } from './node-client';

export const SLOTS = 16384;

/** A master as it sees itself: its slots and the migrations it has open. */
export interface MasterState {
  id: string;
  address: string;
  host: string;
  port: number;
  slots: SlotRange[];
  /** Its config epoch: of two masters claiming a slot, the higher one wins (as gossip decides). */
  epoch: number;
  /** slot -> id of the node it is being migrated to. */
  migrating: Map<number, string>;
  /** slot -> id of the node it is being imported from. */
  importing: Map<number, string>;
}

export interface OpenSlot {
  slot: number;
  /** The node holding the slot open. */
  node: string;
  state: 'migrating' | 'importing';
  /** The other end: the node it migrates to or imports from (address, or id when unknown). */
  peer: string;
  /** Keys of the slot on `node` right now. */
  keys: number;
}

export interface ClusterCheck {
  ok: boolean;
  masters: number;
  openSlots: OpenSlot[];
  uncovered: SlotRange[];
  /** Nodes whose view of the slot owners differs from the first master's. */
  disagreeing: string[];
  /** One line per problem, as an operator reads them. */
  problems: string[];
}

/** How the caller reaches a node by the address the cluster announces. */
export type Connect = (address: string) => Promise<Redis>;

/** `[slot->-id]` (migrating to) and `[slot-<-id]` (importing from) fields of a CLUSTER NODES line. */
export function openSlotFields(line: string): { migrating: Map<number, string>; importing: Map<number, string> } {
  const migrating = new Map<number, string>();
  const importing = new Map<number, string>();
  for (const field of line.trim().split(' ').slice(8)) {
    const m = /^\[(\d+)-([<>])-([0-9a-f]+)\]$/.exec(field);
    if (!m) continue;
    (m[2] === '>' ? migrating : importing).set(Number(m[1]), m[3]!);
  }
  return { migrating, importing };
}

/** Each master's own view of itself (open slots are only listed on a node's `myself` line). */
export async function readMasters(connect: Connect, seedAddresses: string[]): Promise<{ masters: MasterState[]; views: Map<string, string>; texts: Map<string, string> }> {
  let nodesText: string | null = null;
  const tried: string[] = [];
  for (const address of seedAddresses) {
    try {
      nodesText = await textCommand(await connect(address), 'CLUSTER', 'NODES');
      break;
    } catch (err) {
      tried.push(`${address} (${(err as Error).message})`);
    }
  }
  if (nodesText === null) throw new AppError('cluster_unavailable', `No Redis node answers CLUSTER NODES; tried ${tried.join(', ')}.`);
  const known = parseClusterNodes(nodesText).filter((n) => n.role === 'master' && !n.flags.includes('fail') && !n.flags.includes('noaddr'));
  const views = new Map<string, string>();
  const texts = new Map<string, string>();
  const masters = await Promise.all(
    known.map(async (n) => {
      const text = await textCommand(await connect(n.address), 'CLUSTER', 'NODES');
      views.set(n.address, ownersSignature(text));
      texts.set(n.address, text);
      const mine = text.split('\n').find((line) => line.split(' ')[2]?.includes('myself')) ?? '';
      const self = parseClusterNodes(mine)[0];
      return { id: n.id, address: n.address, host: n.host, port: n.port, slots: self?.slots ?? n.slots, epoch: self?.configEpoch ?? n.configEpoch, ...openSlotFields(mine) };
    }),
  );
  return { masters: masters.sort((a, b) => a.port - b.port), views, texts };
}

/** The first slot two nodes' CLUSTER NODES give different owners, as "slot N: A says X, B says Y". */
export function firstDisagreement(texts: Map<string, string>): string | null {
  const owners = [...texts].map(([address, text]) => {
    const nodes = parseClusterNodes(text);
    const of = new Map<number, string>();
    for (const n of nodes) if (n.role === 'master') for (const s of slotsIn(n.slots)) of.set(s, n.address);
    return { address, of };
  });
  for (let slot = 0; slot < SLOTS; slot++) {
    const seen = new Set(owners.map((o) => o.of.get(slot) ?? 'nobody'));
    if (seen.size > 1) return `slot ${slot}: ${owners.map((o) => `${o.address} says ${o.of.get(slot) ?? 'nobody'}`).join(', ')}`;
  }
  return null;
}

/** Which master owns which slots, as one node's CLUSTER NODES says it. */
function ownersSignature(text: string): string {
  return parseClusterNodes(text)
    .filter((n) => n.role === 'master' && n.slots.length > 0)
    .map((n) => `${n.id}:${n.slots.map((r) => `${r.start}-${r.end}`).join(',')}`)
    .sort()
    .join(' ');
}

/** slot -> the master serving it: of two claiming one, the higher config epoch wins (as gossip decides). */
export function ownersByEpoch(masters: MasterState[]): Map<number, MasterState> {
  const ownerOf = new Map<number, MasterState>();
  for (const m of masters) {
    for (const s of slotsIn(m.slots)) {
      const other = ownerOf.get(s);
      if (!other || other.epoch < m.epoch) ownerOf.set(s, m);
    }
  }
  return ownerOf;
}

export function rangesOf(slots: number[]): SlotRange[] {
  const sorted = [...new Set(slots)].sort((a, b) => a - b);
  const out: SlotRange[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && last.end === s - 1) last.end = s;
    else out.push({ start: s, end: s });
  }
  return out;
}

export function slotsIn(ranges: SlotRange[]): number[] {
  return ranges.flatMap((r) => Array.from({ length: r.end - r.start + 1 }, (_, i) => r.start + i));
}

export async function checkCluster(connect: Connect, seedAddresses: string[]): Promise<ClusterCheck> {
  const { masters, views, texts } = await readMasters(connect, seedAddresses);
  const byId = new Map(masters.map((m) => [m.id, m]));
  const openSlots: OpenSlot[] = [];
  for (const m of masters) {
    const node = await connect(m.address);
    for (const [state, map] of [['migrating', m.migrating], ['importing', m.importing]] as const) {
      for (const [slot, peer] of map) {
        const keys = Number(await node.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)));
        openSlots.push({ slot, node: m.address, state, peer: byId.get(peer)?.address ?? peer, keys });
      }
    }
  }
  openSlots.sort((a, b) => a.slot - b.slot || a.node.localeCompare(b.node));
  const covered = new Set(masters.flatMap((m) => slotsIn(m.slots)));
  const uncovered = rangesOf(Array.from({ length: SLOTS }, (_, s) => s).filter((s) => !covered.has(s)));
  const signatures = [...views.values()];
  const disagreeing = [...views].filter(([, sig]) => sig !== signatures[0]).map(([address]) => address);
  const problems = [
    ...openSlots.map((o) => `slot ${o.slot} is open on ${o.node}: ${o.state} ${o.state === 'migrating' ? 'to' : 'from'} ${o.peer} (${o.keys} keys there)`),
    ...uncovered.map((r) => `slots ${r.start === r.end ? r.start : `${r.start}-${r.end}`} are served by no master`),
    ...(disagreeing.length > 0 ? [`${disagreeing.join(', ')} disagree with ${[...views.keys()][0]} about which master owns which slots (${firstDisagreement(texts) ?? 'no slot named'})`] : []),
  ];
  return { ok: problems.length === 0, masters: masters.length, openSlots, uncovered, disagreeing, problems };
}

export interface MigrateOptions {
  /** Keys per MIGRATE. */
  batch: number;
  /** MIGRATE's own timeout (ms). */
  timeoutMs: number;
  password?: string;
}

export const DEFAULT_MIGRATE: MigrateOptions = { batch: 100, timeoutMs: 10_000 };

/**
 * Moves every key of `slot` that `from` still has to `to` (both must hold the slot open, or `to`
 * must own it). A key that exists on both (a MIGRATE cut off after the target restored it) is
 * sent again with REPLACE: while the source has the key it is the one clients write to.
 * Returns the keys moved.
 */
export async function migrateKeys(source: Redis, to: { host: string; port: number }, slot: number, opts: MigrateOptions, onBatch?: (moved: number) => Promise<void> | void): Promise<number> {
  let moved = 0;
  for (;;) {
    const keys = (await source.call('CLUSTER', 'GETKEYSINSLOT', String(slot), String(opts.batch))) as string[];
    if (keys.length === 0) return moved;
    const auth = opts.password ? ['AUTH', opts.password] : [];
    const migrate = (replace: boolean) => source.call('MIGRATE', to.host, String(to.port), '', '0', String(opts.timeoutMs), ...(replace ? ['REPLACE'] : []), ...auth, 'KEYS', ...keys);
    try {
      await migrate(false);
    } catch (err) {
      if (!/BUSYKEY/.test((err as Error).message)) throw err;
      await migrate(true);
    }
    moved += keys.length;
    await onBatch?.(moved);
  }
}

/**
 * Moves every key of `slot` that `from` holds without owning it to the slot's keeper, where the
 * keeper's copy wins: a node left with a copy of keys it does not serve (the replica that took
 * over a target mid-move has the keys restored so far, while the source kept serving any key
 * whose MIGRATE was cut off). `from` must hold the slot open (MIGRATE is then run locally); a key
 * the keeper has too is dropped from `from`. Returns the keys moved and dropped.
 */
export async function returnStrayKeys(source: Redis, keeper: { host: string; port: number }, slot: number, opts: MigrateOptions): Promise<{ moved: number; dropped: number }> {
  let moved = 0;
  let dropped = 0;
  const auth = opts.password ? ['AUTH', opts.password] : [];
  const migrate = (keys: string[]) => source.call('MIGRATE', keeper.host, String(keeper.port), '', '0', String(opts.timeoutMs), ...auth, 'KEYS', ...keys);
  for (;;) {
    const keys = (await source.call('CLUSTER', 'GETKEYSINSLOT', String(slot), String(opts.batch))) as string[];
    if (keys.length === 0) return { moved, dropped };
    try {
      await migrate(keys);
      moved += keys.length;
      continue;
    } catch (err) {
      if (!/BUSYKEY/.test((err as Error).message)) throw err;
    }
    // Some of the batch went before the key the keeper has; the rest one at a time.
    for (const key of keys) {
      try {
        if ((await migrate([key])) !== 'NOKEY') moved++;
      } catch (err) {
        if (!/BUSYKEY/.test((err as Error).message)) throw err;
        // ASKING: the slot is importing here, and a DEL would otherwise be redirected.
        const [, del] = (await source.pipeline().call('ASKING').call('DEL', key).exec()) ?? [];
        if (del?.[0]) throw del[0];
        dropped++;
      }
    }
  }
}

/**
 * Gives `slot` to `ownerId` on every master: the new owner first (it bumps its config epoch and
 * stops answering ASK-only), then the old one, then the others (which would learn it by gossip).
 */
export async function assignSlot(connect: Connect, masters: MasterState[], slot: number, ownerId: string, previousId: string | null): Promise<void> {
  const setOn = async (m: MasterState) => (await connect(m.address)).call('CLUSTER', 'SETSLOT', String(slot), 'NODE', ownerId);
  const owner = masters.find((m) => m.id === ownerId);
  const previous = masters.find((m) => m.id === previousId);
  if (owner) await setOn(owner);
  if (previous && previous !== owner) await setOn(previous);
  // The others at once; one that is unreachable learns it from gossip.
  await Promise.all(masters.filter((m) => m !== owner && m !== previous).map((m) => setOn(m).catch(() => undefined)));
}

/** One slot from `from` to `to`, start to end; returns the keys moved. */
export async function moveSlot(connect: Connect, masters: MasterState[], slot: number, from: MasterState, to: MasterState, opts: MigrateOptions, onBatch?: (moved: number) => Promise<void> | void): Promise<number> {
  const target = await connect(to.address);
  const source = await connect(from.address);
  await target.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', from.id);
  await source.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', to.id);
  const moved = await migrateKeys(source, to, slot, opts, onBatch);
  await assignSlot(connect, masters, slot, to.id, from.id);
  return moved;
}

export interface FixReport {
  /** What was done, a line per slot. */
  actions: string[];
  keysMoved: number;
  after: ClusterCheck;
}

/**
 * Closes every open slot and serves every uncovered one, losing no key (the cases of
 * `redis-cli --cluster fix`):
 * - migrating on its owner and importing on the peer: the move is finished (its remaining keys
 *   sent, the peer made owner everywhere);
 * - importing only, or migrating to a node that does not import it: the keys the importing side
 *   holds go to the owner, and both sides are made stable;
 * - served by no master: given to the master holding keys of it, or else the one with the fewest slots.
 */
export async function fixCluster(connect: Connect, seedAddresses: string[], opts: MigrateOptions = DEFAULT_MIGRATE): Promise<FixReport> {
  const { masters } = await readMasters(connect, seedAddresses);
  const byId = new Map(masters.map((m) => [m.id, m]));
  const ownerOf = ownersByEpoch(masters);
  const actions: string[] = [];
  let keysMoved = 0;
  const open = new Set<number>();
  for (const m of masters) for (const s of [...m.migrating.keys(), ...m.importing.keys()]) open.add(s);
  for (const slot of [...open].sort((a, b) => a - b)) {
    const owner = ownerOf.get(slot) ?? null;
    const importers = masters.filter((m) => m.importing.has(slot));
    const migratingTo = owner?.migrating.get(slot);
    let peer = migratingTo ? byId.get(migratingTo) : undefined;
    if (owner && migratingTo && !peer) {
      // The node it migrates to is no longer a master (it failed over mid-move). The replica that
      // took its place holds the keys restored so far without serving the slot: the move goes on
      // to it, so nothing it holds is lost and the owner's copy wins where both have a key.
      const holders = await holdersOf(connect, masters.filter((x) => x.id !== owner.id && !x.importing.has(slot) && !x.migrating.has(slot)), slot);
      if (holders.length === 1) {
        const heir = holders[0]!;
        await (await connect(heir.address)).call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', owner.id);
        await (await connect(owner.address)).call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', heir.id);
        heir.importing.set(slot, owner.id);
        owner.migrating.set(slot, heir.id);
        importers.push(heir);
        peer = heir;
        actions.push(`slot ${slot}: ${owner.address} was migrating it to ${migratingTo}, no longer a master; ${heir.address} holds keys of it and takes the move over`);
      }
    }
    if (owner && peer && peer.importing.get(slot) === owner.id) {
      const n = await migrateKeys(await connect(owner.address), peer, slot, opts);
      await assignSlot(connect, masters, slot, peer.id, owner.id);
      for (const other of importers.filter((m) => m.id !== peer.id)) await setStable(connect, other, slot);
      keysMoved += n;
      actions.push(`slot ${slot}: finished its move from ${owner.address} to ${peer.address} (${n} keys sent)`);
      continue;
    }
    // No complete pair: the owner keeps the slot; whatever keys the other open sides hold go to
    // it (MIGRATE runs on a node whatever its slots while the slot is open there), then they are
    // made stable. An importing side's copy of a key wins: clients wrote there once the source
    // had given the key away (the source's replica, promoted, may lack that DEL).
    const keeper = owner ?? (await fullestOf(connect, importers, slot)) ?? masters[0]!;
    // A keeper still migrating would answer the RESTOREs of keys it lacks with ASK.
    if (keeper.migrating.has(slot)) {
      await setStable(connect, keeper, slot);
      keeper.migrating.delete(slot);
      actions.push(`slot ${slot}: made stable on ${keeper.address}`);
    }
    for (const m of masters.filter((x) => x.id !== keeper.id && (x.importing.has(slot) || x.migrating.has(slot)))) {
      // A node importing a slot ignores news of its owner: after the owner failed over it may
      // think the slot served by nobody, and then refuses even MIGRATE (CLUSTERDOWN). Told the
      // owner, it sends its keys there.
      if (owner) await (await connect(m.address)).call('CLUSTER', 'SETSLOT', String(slot), 'NODE', keeper.id).catch(() => undefined);
      const n = await migrateKeys(await connect(m.address), keeper, slot, opts);
      keysMoved += n;
      await setStable(connect, m, slot);
      actions.push(`slot ${slot}: ${n} keys sent from ${m.address} (${m.importing.has(slot) ? 'importing' : 'migrating'}) to ${keeper.address}, which keeps the slot`);
    }
    // Masters with keys of the slot that neither own it nor hold it open: the replica of a target
    // that failed over mid-move. The keeper's copy wins there (it served any key it still had).
    for (const m of masters.filter((x) => x.id !== keeper.id && !x.importing.has(slot) && !x.migrating.has(slot))) {
      const node = await connect(m.address);
      if (Number(await node.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot))) === 0) continue;
      await node.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', keeper.id);
      const { moved, dropped } = await returnStrayKeys(node, keeper, slot, opts);
      await setStable(connect, m, slot);
      keysMoved += moved;
      actions.push(`slot ${slot}: ${moved} keys that ${m.address} held without serving the slot sent to ${keeper.address}${dropped > 0 ? ` (${dropped} it had too, where its copy was kept)` : ''}`);
    }
    if (!owner) await assignSlot(connect, masters, slot, keeper.id, null);
    if (keeper.migrating.has(slot) || keeper.importing.has(slot)) {
      await setStable(connect, keeper, slot);
      actions.push(`slot ${slot}: made stable on ${keeper.address}`);
    }
  }
  const covered = new Set(ownerOf.keys());
  const uncovered = Array.from({ length: SLOTS }, (_, s) => s).filter((s) => !covered.has(s) && !open.has(s));
  for (const range of rangesOf(uncovered)) {
    for (const slot of slotsIn([range])) {
      const keeper = (await fullestOf(connect, masters, slot)) ?? [...masters].sort((a, b) => slotCount(a.slots) - slotCount(b.slots))[0]!;
      await (await connect(keeper.address)).call('CLUSTER', 'ADDSLOTS', String(slot));
      keeper.slots.push({ start: slot, end: slot });
    }
    actions.push(`slots ${range.start}-${range.end}: were served by no master, now assigned`);
  }
  return { actions, keysMoved, after: await settledCheck(connect, seedAddresses) };
}

async function setStable(connect: Connect, m: MasterState, slot: number): Promise<void> {
  await (await connect(m.address)).call('CLUSTER', 'SETSLOT', String(slot), 'STABLE');
}

/** The candidates holding keys of `slot`. */
async function holdersOf(connect: Connect, candidates: MasterState[], slot: number): Promise<MasterState[]> {
  const counts = await Promise.all(candidates.map(async (m) => Number(await (await connect(m.address)).call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)))));
  return candidates.filter((_, i) => counts[i]! > 0);
}

/** The master holding the most keys of `slot`, or null when none holds any. */
async function fullestOf(connect: Connect, candidates: MasterState[], slot: number): Promise<MasterState | null> {
  let best: MasterState | null = null;
  let most = 0;
  for (const m of candidates) {
    const n = Number(await (await connect(m.address)).call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)));
    if (n > most) [best, most] = [m, n];
  }
  return best;
}

/** A check once the nodes agree again (gossip spreads the new owners in a moment), or the last one after 10 s. */
export async function settledCheck(connect: Connect, seedAddresses: string[], timeoutMs = 10_000): Promise<ClusterCheck> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const check = await checkCluster(connect, seedAddresses);
    if (check.ok || Date.now() > deadline || check.openSlots.length > 0 || check.uncovered.length > 0) return check;
    await new Promise((r) => setTimeout(r, 100));
  }
}
