/**
 * A resharding as a job: a plan of slots (validated against the cluster as it is), moved one at
 * a time through resharding.ts, with progress (slots done/total, keys moved, keys/s, ETA),
 * pause, resume and cancel. Pausing holds between MIGRATE batches (the slot in hand stays open:
 * clients follow ASK meanwhile); cancelling finishes the slot in hand and stops, so every slot is
 * owned by one master and none is left open.
 */
import type { ClusterJob, ClusterNodeInfo, SlotRange } from '../../../shared/types';
import { AppError } from '../errors';
import { newOpId } from '../ids';
import { sleep } from '../sleep';
import { DEFAULT_MIGRATE, fixCluster, moveSlot, ownersByEpoch, rangesOf, readMasters, SLOTS, slotsIn, type Connect, type MasterState, type MigrateOptions } from './resharding';
import { parseClusterNodes, slotCount } from './nodes-parser';

export interface ReshardRequest {
  /** The target master, by port or host:port. */
  to: string;
  /** With `slots`: the master that gives them (its highest slots go first). */
  from?: string;
  slots?: number;
  /** Or a range: every slot of it not on the target yet, from whichever master owns it. */
  range?: SlotRange;
}

export interface ReshardPlan {
  kind: 'reshard' | 'rebalance';
  moves: { slot: number; from: MasterState; to: MasterState }[];
  masters: MasterState[];
}

/** Finds a master by "port" or "host:port"; a clear error otherwise. */
export function masterByName(masters: MasterState[], name: string, what: string): MasterState {
  const found = masters.find((m) => m.address === name || String(m.port) === name);
  if (!found) throw new AppError('invalid_input', `The ${what} ${name} is not a master of this cluster (masters: ${masters.map((m) => m.address).join(', ')}).`);
  return found;
}

/** The masters, for a plan: refused while any slot is open (a move cut off must be fixed first). */
async function mastersToPlan(connect: Connect, seeds: string[]): Promise<MasterState[]> {
  const { masters } = await readMasters(connect, seeds);
  const open = masters.flatMap((m) => [...m.migrating.keys(), ...m.importing.keys()].map((s) => `${s} on ${m.address}`));
  if (open.length > 0) throw new AppError('conflict', `Slots are open (${open.slice(0, 5).join(', ')}${open.length > 5 ? ', …' : ''}): run cluster check and fix first.`);
  return masters;
}

export async function planReshard(connect: Connect, seeds: string[], req: ReshardRequest): Promise<ReshardPlan> {
  const masters = await mastersToPlan(connect, seeds);
  const to = masterByName(masters, req.to, 'target');
  const ownerOf = new Map<number, MasterState>();
  for (const m of masters) for (const s of slotsIn(m.slots)) ownerOf.set(s, m);
  if (req.range) {
    const { start, end } = req.range;
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= 16383 && start <= end)) throw new AppError('invalid_input', `A slot range is A-B with 0 <= A <= B <= 16383, not ${start}-${end}.`);
    const slots = slotsIn([req.range]);
    const unowned = slots.filter((s) => !ownerOf.has(s));
    if (unowned.length > 0) throw new AppError('invalid_input', `Slots ${rangesOf(unowned).map(fmt).join(', ')} are served by no master: run cluster fix first.`);
    const from = req.from ? masterByName(masters, req.from, 'source') : null;
    const moves = slots.filter((s) => ownerOf.get(s)!.id !== to.id && (!from || ownerOf.get(s)!.id === from.id)).map((slot) => ({ slot, from: ownerOf.get(slot)!, to }));
    if (moves.length === 0) throw new AppError('invalid_input', `Slots ${fmt(req.range)} are already on ${to.address}${from ? ` or not on ${from.address}` : ''}: nothing to move.`);
    return { kind: 'reshard', moves, masters };
  }
  if (!req.from || req.slots === undefined) throw new AppError('invalid_input', 'Say which slots move: a source and a number of slots, or a range.');
  const from = masterByName(masters, req.from, 'source');
  if (from.id === to.id) throw new AppError('invalid_input', `The source and the target are the same master (${to.address}).`);
  const owned = slotsIn(from.slots);
  if (!Number.isInteger(req.slots) || req.slots < 1) throw new AppError('invalid_input', `The number of slots to move is a whole number of at least 1, not ${req.slots}.`);
  if (req.slots > owned.length) throw new AppError('invalid_input', `${from.address} has ${owned.length} slots; it cannot give ${req.slots}.`);
  return { kind: 'reshard', moves: owned.slice(owned.length - req.slots).reverse().map((slot) => ({ slot, from, to })), masters };
}

const fmt = (r: SlotRange) => (r.start === r.end ? String(r.start) : `${r.start}-${r.end}`);

/** Slots moved at once by one job. */
export const SLOTS_IN_FLIGHT = 4;

/** Attempts at recovering (settle, fix, re-plan) one job makes in all; past them it stops, failed. */
export const MAX_RECOVERIES = 5;

/** How long a job waits for the cluster to settle after a planned master stopped answering. */
export const SETTLE_TIMEOUT_MS = 60_000;

export interface JobHooks {
  /** Each change of progress (throttled to a few a second while keys move). */
  progress?: (job: ClusterJob) => void;
  /** Around each slot's move: the engine's WAITs go to both ends while it is open. */
  slotOpen?: (slot: number, from: string, to: string) => void;
  slotClosed?: (slot: number) => void;
}

/** The moves of a plan pointed again after a failover (see replan). */
export interface Replanned {
  moves: ReshardPlan['moves'];
  /** Moves done before that are to be done again: their slot is not on their target any more. */
  reopened: number[];
  /** Moves not done yet whose slot is on their target already. */
  already: number[];
  notes: string[];
}

/**
 * Where the moves of a plan go once the cluster has settled after a failover. A planned target's
 * shard is served now by the master serving most of the slots it had (before the job, or given
 * by it); one that had none is itself or the master it now replicates. Every move goes from the
 * slot's owner now to that master. A move done whose slot is elsewhere now is done again: a slot
 * given to a target that crashed at once can stay with the old target, restarted (its replica
 * took over without having heard of the slot), or be given by the fix to another master.
 */
export function replan(moves: ReshardPlan['moves'], finished: ReadonlySet<number>, masters: MasterState[], view: ClusterNodeInfo[]): Replanned {
  const ownerOf = ownersByEpoch(masters);
  const heirs = new Map<string, MasterState | null>();
  const successor = (m: MasterState): MasterState | null => {
    if (heirs.has(m.id)) return heirs.get(m.id)!;
    const had = [...slotsIn(m.slots), ...moves.filter((mv, i) => finished.has(i) && mv.to.id === m.id).map((mv) => mv.slot)];
    const serving = new Map<string, number>();
    for (const s of had) {
      const owner = ownerOf.get(s);
      if (owner) serving.set(owner.id, (serving.get(owner.id) ?? 0) + 1);
    }
    let best: MasterState | null = null;
    let most = 0;
    for (const x of masters) {
      const n = serving.get(x.id) ?? 0;
      if (n > most || (n > 0 && n === most && x.id === m.id)) [best, most] = [x, n];
    }
    if (!best) {
      const node = view.find((n) => n.id === m.id);
      best = masters.find((x) => x.id === m.id) ?? (node?.role === 'replica' && node.masterId ? (masters.find((x) => x.id === node.masterId) ?? null) : null);
    }
    heirs.set(m.id, best);
    return best;
  };
  const out = [...moves];
  const reopened: number[] = [];
  const already: number[] = [];
  const lostBy = new Map<string, { slots: number[]; was: string; now: string; to: string }>();
  for (const [i, mv] of moves.entries()) {
    const to = successor(mv.to);
    const from = ownerOf.get(mv.slot);
    if (finished.has(i)) {
      if (!to || !from) continue;
      if (from.id !== to.id) {
        reopened.push(i);
        const key = `${mv.to.id}>${from.id}>${to.id}`;
        if (!lostBy.has(key)) lostBy.set(key, { slots: [], was: mv.to.address, now: from.address, to: to.address });
        lostBy.get(key)!.slots.push(mv.slot);
      }
      out[i] = { slot: mv.slot, from: from.id === to.id ? mv.from : from, to };
      continue;
    }
    if (!to) throw new AppError('conflict', `The target ${mv.to.address} is gone and no master serves its shard: ${moves.length - finished.size} slots were not moved.`);
    if (!from) throw new AppError('conflict', `Slot ${mv.slot} is served by no master after the failover.`);
    if (from.id === to.id) {
      already.push(i);
      out[i] = { slot: mv.slot, from: mv.from, to };
      continue;
    }
    out[i] = { slot: mv.slot, from, to };
  }
  const notes = [...lostBy.values()].map((l) => `slots ${rangesOf(l.slots).map(fmt).join(', ')} had been moved to ${l.was} but ${l.was === l.now ? 'stayed with it when its shard failed over (the master taking over had not heard of them)' : `are on ${l.now} after the failover`}: they move again, to ${l.to}`);
  return { moves: out, reopened, already, notes };
}

export class ReshardJob {
  readonly id = newOpId();
  private state: ClusterJob['state'] = 'running';
  private slotsDone = 0;
  private keysMoved = 0;
  private currentSlot: number | null = null;
  private error: string | null = null;
  private readonly startedAt = Date.now();
  private finishedAt: number | null = null;
  private paused = false;
  private cancelled = false;
  private wake: (() => void)[] = [];
  private lastEmit = 0;
  /** Keys moved so far of the slots in hand. */
  private readonly moving = new Map<number, number>();
  /** Indices of the moves done. */
  private readonly finished = new Set<number>();
  /** Time spent moving (pauses left out), for the pace. */
  private busyMs = 0;
  private busySince = Date.now();
  /** What the job did besides moving slots (a failover it went on after), for the operator. */
  private readonly notes: string[] = [];
  readonly done: Promise<ClusterJob>;

  constructor(
    private readonly connect: Connect,
    private readonly plan: ReshardPlan,
    private readonly hooks: JobHooks = {},
    private readonly opts: MigrateOptions = DEFAULT_MIGRATE,
    /** Where to read the cluster again after a failover (the masters of the plan may be gone). */
    private readonly seeds: () => Promise<string[]> = async () => plan.masters.map((m) => m.address),
  ) {
    this.done = this.run();
  }

  pause(): ClusterJob {
    if (this.state === 'running') {
      this.paused = true;
      this.state = 'paused';
      this.busyMs += Date.now() - this.busySince;
      this.emit(true);
    }
    return this.snapshot();
  }

  resume(): ClusterJob {
    if (this.state === 'paused') {
      this.paused = false;
      this.state = 'running';
      this.busySince = Date.now();
      this.wake.splice(0).forEach((resolve) => resolve());
      this.emit(true);
    }
    return this.snapshot();
  }

  /** Stops after the slot in hand (which is finished, never left open). */
  cancel(): ClusterJob {
    if (this.state === 'running' || this.state === 'paused') {
      this.cancelled = true;
      if (this.paused) this.resume();
    }
    return this.snapshot();
  }

  get active(): boolean {
    return this.state === 'running' || this.state === 'paused';
  }

  snapshot(): ClusterJob {
    const busy = this.busyMs + (this.state === 'running' ? Date.now() - this.busySince : 0);
    const perSlot = this.slotsDone > 0 ? busy / this.slotsDone : null;
    const left = this.plan.moves.length - this.slotsDone;
    const inHand = [...this.moving.values()].reduce((a, b) => a + b, 0);
    return {
      id: this.id,
      kind: this.plan.kind,
      state: this.state,
      to: [...new Set(this.plan.moves.map((m) => m.to.address))],
      from: [...new Set(this.plan.moves.map((m) => m.from.address))],
      slotsTotal: this.plan.moves.length,
      slotsDone: this.slotsDone,
      keysMoved: this.keysMoved + inHand,
      keysPerSec: busy > 0 ? Math.round(((this.keysMoved + inHand) * 1000) / busy) : 0,
      etaMs: perSlot === null || !this.active ? (this.active ? null : 0) : Math.round(perSlot * left),
      currentSlot: this.currentSlot,
      pending: rangesOf(this.plan.moves.filter((_, i) => !this.finished.has(i)).map((m) => m.slot)),
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      error: this.error,
      notes: [...this.notes],
    };
  }

  private emit(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastEmit < 200) return;
    this.lastEmit = now;
    this.hooks.progress?.(this.snapshot());
  }

  private async holdWhilePaused(): Promise<void> {
    while (this.paused) await new Promise<void>((resolve) => this.wake.push(resolve));
  }

  private async run(): Promise<ClusterJob> {
    await Promise.resolve();
    this.emit(true);
    // Each failure is recovered from (settle, fix, re-plan); a recovery that fails itself is tried
    // again. MAX_RECOVERIES attempts in all, then the job stops with the last error.
    let attempts = 0;
    let failure = await this.pass();
    while (failure && !this.cancelled && attempts < MAX_RECOVERIES) {
      attempts++;
      try {
        await this.recover(failure);
      } catch (err) {
        this.note(`recovering from the failure at slot ${failure.slot} failed: ${(err as Error).message}`);
        failure = { err: err as Error, slot: failure.slot };
        continue;
      }
      failure = await this.pass();
    }
    if (failure) {
      this.state = 'failed';
      this.error = `${failure.err.message} (slot ${failure.slot}; run cluster check, then fix)`;
    } else {
      this.state = this.cancelled ? 'cancelled' : 'done';
    }
    this.busyMs += Date.now() - this.busySince;
    this.busySince = Date.now();
    this.currentSlot = null;
    this.finishedAt = Date.now();
    this.emit(true);
    return this.snapshot();
  }

  /** Moves what is left of the plan, then (unless cancelled) checks where every slot ended. */
  private async pass(): Promise<{ err: Error; slot: number } | null> {
    const failure = await this.moveAll();
    return failure ?? (this.cancelled ? null : await this.verify());
  }

  /** Moves what is left of the plan; the first failure stops it (the slots in hand finish first). */
  private async moveAll(): Promise<{ err: Error; slot: number } | null> {
    const queue = this.plan.moves.map((_, i) => i).filter((i) => !this.finished.has(i));
    let failure: { err: Error; slot: number } | null = null;
    // SLOTS_IN_FLIGHT slots move at once (each its own SETSLOT/MIGRATE sequence): a slot with
    // few keys is all round trips, and several of them overlap those.
    const worker = async () => {
      for (;;) {
        await this.holdWhilePaused();
        if (this.cancelled || failure || queue.length === 0) return;
        const index = queue.shift()!;
        const { slot, from, to } = this.plan.moves[index]!;
        this.currentSlot = slot;
        this.hooks.slotOpen?.(slot, from.address, to.address);
        try {
          const moved = await moveSlot(this.connect, this.plan.masters, slot, from, to, this.opts, async (n) => {
            this.moving.set(slot, n);
            this.emit();
            await this.holdWhilePaused();
          });
          this.keysMoved += moved;
          this.finished.add(index);
          this.slotsDone++;
        } catch (err) {
          failure ??= { err: err as Error, slot };
        } finally {
          this.moving.delete(slot);
          this.hooks.slotClosed?.(slot);
        }
        this.emit();
      }
    };
    await Promise.all(Array.from({ length: Math.min(SLOTS_IN_FLIGHT, queue.length) }, worker));
    return failure;
  }

  private note(line: string): void {
    this.notes.push(line);
    this.emit(true);
  }

  /**
   * After a failed move (a master of the plan crashed or hung, and its replica took over or it
   * came back): waits for the cluster to settle, closes the slots left open (no key lost, as
   * cluster fix), and points the moves left at the masters serving those shards now. An error
   * that stays (the fix meets it again) ends the job, as does the MAX_RECOVERIES-th failure.
   */
  private async recover(failure: { err: Error; slot: number }): Promise<void> {
    const planned = new Map<string, MasterState>();
    for (const m of this.plan.moves) for (const x of [m.from, m.to]) planned.set(x.id, x);
    const settled = await this.settle([...planned.values()]);
    const gone = [...planned.values()].filter((m) => !settled.masters.some((x) => x.id === m.id));
    this.note(
      `slot ${failure.slot}: ${failure.err.message}; ${gone.length > 0 ? `${gone.map((m) => m.address).join(', ')} ${gone.length > 1 ? 'are' : 'is'} no longer a master (failed over)` : 'every master of the plan answers again'}, so the job closes the open slots and goes on`,
    );
    const fix = await fixCluster(this.connect, await this.seeds(), this.opts);
    for (const action of fix.actions) this.note(action);
    if (fix.after.openSlots.length > 0 || fix.after.uncovered.length > 0) throw new AppError('conflict', `After the failover the cluster could not be made whole: ${fix.after.problems.join('; ')}`);
    const { masters } = await readMasters(this.connect, await this.seeds());
    const next = replan(this.plan.moves, this.finished, masters, settled.view);
    for (const i of next.reopened) {
      this.finished.delete(i);
      this.slotsDone--;
    }
    for (const i of next.already) {
      this.finished.add(i);
      this.slotsDone++;
    }
    this.plan.moves = next.moves;
    this.plan.masters = masters;
    for (const line of next.notes) this.note(line);
    const left = this.plan.moves.length - this.finished.size;
    this.note(`going on with ${left} slots${next.already.length > 0 ? ` (${next.already.length} were on their target already)` : ''}, from ${[...new Set(this.plan.moves.filter((_, i) => !this.finished.has(i)).map((m) => m.from.address))].join(', ') || 'nowhere'}`);
  }

  /**
   * After the last move: every slot of the plan is served by its target, as the masters
   * themselves say. A slot given to a target that then crashed can come back elsewhere (its
   * replica took over without having heard of the slot, and the old target, restarted, still
   * serves it alone): that is a failure to recover from like any other.
   */
  private async verify(): Promise<{ err: Error; slot: number } | null> {
    try {
      const { masters } = await readMasters(this.connect, await this.seeds());
      const ownerOf = ownersByEpoch(masters);
      for (const mv of this.plan.moves) {
        const owner = ownerOf.get(mv.slot);
        if (owner?.id !== mv.to.id) return { err: new Error(`slot ${mv.slot} ended on ${owner?.address ?? 'no master'}, not on its target ${mv.to.address}`), slot: mv.slot };
      }
      return null;
    } catch (err) {
      return { err: err as Error, slot: this.plan.moves.at(-1)?.slot ?? -1 };
    }
  }

  /**
   * Waits until every master answers, no failed master holds slots any more (its replica has
   * taken over), no slot is claimed by two masters (by their own views: a crashed master
   * restarted from nodes.conf claims its slots until it learns it was failed over), and three
   * reads half a second apart find the same masters. Slots no master claims are left to the fix
   * (it gives each to the master holding its keys); views of other nodes may still differ about
   * slots held open (an importing node ignores news of their owner), which the fix closes.
   */
  private async settle(planned: MasterState[]): Promise<{ masters: MasterState[]; view: ClusterNodeInfo[] }> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    const reads: string[] = [];
    let why: string;
    for (;;) {
      try {
        const seeds = [...new Set([...(await this.seeds()), ...planned.map((m) => m.address)])];
        const { masters, texts } = await readMasters(this.connect, seeds);
        const view = parseClusterNodes(texts.get(masters[0]!.address) ?? '');
        const failedHolding = view.filter((n) => n.role === 'master' && n.flags.includes('fail') && n.slots.length > 0);
        const claims = new Map<number, number>();
        for (const m of masters) for (const s of slotsIn(m.slots)) claims.set(s, (claims.get(s) ?? 0) + 1);
        const doubled = [...claims.values()].filter((n) => n > 1).length;
        if (failedHolding.length > 0) {
          why = `${failedHolding.map((n) => n.address).join(', ')} failed and still holds slots (no replica has taken over)`;
          reads.length = 0;
        } else if (doubled > 0) {
          why = `${doubled} slots are claimed by two masters`;
          reads.length = 0;
        } else {
          reads.push(masters.map((m) => m.id).sort().join(','));
          if (reads.length >= 3 && reads.slice(-3).every((r) => r === reads.at(-1))) return { masters, view };
          why = 'the masters changed between reads';
        }
      } catch (err) {
        why = (err as Error).message;
        reads.length = 0;
      }
      if (Date.now() > deadline) throw new AppError('cluster_unavailable', `The cluster did not settle within ${SETTLE_TIMEOUT_MS / 1000} s after a move failed: ${why}.`);
      await sleep(500);
    }
  }
}

export interface RebalanceRequest {
  /** host:port or port -> weight (default 1; 0 empties a master). */
  weights?: Record<string, number>;
  /** Masters within this share of their target count are left alone (default 2%, as redis-cli). */
  threshold?: number;
}

/** What a rebalance would do: per master its slots now and after, and the ranges that move. */
export interface RebalancePlanView {
  masters: { address: string; weight: number; slots: number; target: number }[];
  moves: { from: string; to: string; ranges: SlotRange[]; slots: number; keys: number }[];
  slotsToMove: number;
  keysToMove: number;
}

/**
 * A plan like `redis-cli --cluster rebalance`: each master's target share of the 16,384 slots by
 * weight; nothing moves when every master is within the threshold of its target; otherwise the
 * masters above their target give their highest slots to the ones below, biggest gap first.
 */
export async function planRebalance(connect: Connect, seeds: string[], req: RebalanceRequest): Promise<{ plan: ReshardPlan; view: RebalancePlanView }> {
  const masters = await mastersToPlan(connect, seeds);
  const weights = new Map(masters.map((m) => [m.id, 1]));
  for (const [name, weight] of Object.entries(req.weights ?? {})) {
    if (!Number.isFinite(weight) || weight < 0) throw new AppError('invalid_input', `A weight is a number of at least 0, not ${weight} for ${name}.`);
    weights.set(masterByName(masters, name, 'weighted node').id, weight);
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) throw new AppError('invalid_input', 'At least one master needs a weight above 0: the slots must go somewhere.');
  const threshold = req.threshold ?? 0.02;
  // Targets that sum to exactly 16,384: floors, then the remainder to the largest fractions.
  const exact = masters.map((m) => ({ m, share: (SLOTS * weights.get(m.id)!) / total }));
  const target = new Map(exact.map(({ m, share }) => [m.id, Math.floor(share)]));
  let left = SLOTS - [...target.values()].reduce((a, b) => a + b, 0);
  for (const { m } of [...exact].sort((a, b) => (b.share % 1) - (a.share % 1) || a.m.port - b.m.port)) {
    if (left-- <= 0) break;
    target.set(m.id, target.get(m.id)! + 1);
  }
  const count = (m: MasterState) => slotCount(m.slots);
  const off = masters.filter((m) => Math.abs(count(m) - target.get(m.id)!) > Math.max(1, threshold * target.get(m.id)!) || (target.get(m.id) === 0 && count(m) > 0));
  const moves: ReshardPlan['moves'] = [];
  if (off.length > 0) {
    // Masters emptied (weight 0) give first, so a master being removed always ends with none.
    const givers = masters
      .filter((m) => count(m) > target.get(m.id)!)
      .map((m) => ({ m, spare: slotsIn(m.slots).slice(target.get(m.id)!).reverse() }))
      .sort((a, b) => Number(target.get(a.m.id)! > 0) - Number(target.get(b.m.id)! > 0));
    const takers = masters.filter((m) => count(m) < target.get(m.id)!).map((m) => ({ m, need: target.get(m.id)! - count(m) })).sort((a, b) => b.need - a.need);
    for (const taker of takers) {
      for (const giver of givers) {
        while (taker.need > 0 && giver.spare.length > 0) {
          moves.push({ slot: giver.spare.shift()!, from: giver.m, to: taker.m });
          taker.need--;
        }
      }
    }
  }
  const grouped = new Map<string, { from: MasterState; to: MasterState; slots: number[] }>();
  for (const mv of moves) {
    const key = `${mv.from.id}>${mv.to.id}`;
    if (!grouped.has(key)) grouped.set(key, { from: mv.from, to: mv.to, slots: [] });
    grouped.get(key)!.slots.push(mv.slot);
  }
  const view: RebalancePlanView = {
    masters: masters.map((m) => ({ address: m.address, weight: weights.get(m.id)!, slots: count(m), target: target.get(m.id)! })),
    moves: await Promise.all(
      [...grouped.values()].map(async (g) => {
        const node = await connect(g.from.address);
        const counts = await Promise.all(g.slots.map(async (slot) => Number(await node.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)))));
        return { from: g.from.address, to: g.to.address, ranges: rangesOf(g.slots), slots: g.slots.length, keys: counts.reduce((a, b) => a + b, 0) };
      }),
    ),
    slotsToMove: moves.length,
    keysToMove: 0,
  };
  view.keysToMove = view.moves.reduce((n, m) => n + m.keys, 0);
  return { plan: { kind: 'rebalance', moves, masters }, view };
}
