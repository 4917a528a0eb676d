/**
 * The ONE typed API between the engine (Electron main / web shell) and the renderer.
 * Adding a method is one entry here plus one handler in src/main/core/handlers.ts; the preload,
 * the web shell and the renderer client are all derived from this object.
 */
import { z } from 'zod';
import { idSchema, usernameSchema } from './names';
import type {
  Alert,
  ClusterCheckResult,
  ClusterFixResult,
  ClusterJob,
  RebalanceResult,
  NodeChange,
  ConsoleResult,
  MemoryReport,
  SlotInfo,
  SlotStats,
  SlowlogEntry,
  ClusterMetrics,
  Comment,
  Conversation,
  DemoLoad,
  DrillResult,
  DrillStep,
  HealingAction,
  EngineInfo,
  FailoverResult,
  KeyScanPage,
  KeySlotInfo,
  LikeOutcome,
  Message,
  Post,
  Stats,
  Suggestion,
  SyncStatus,
  Topology,
  TrendingEntry,
  User,
  UserSummary,
} from './types';

export interface MethodDef<I extends z.ZodType, O> {
  input: I;
  /** Phantom: carries the output type, never set at runtime. */
  readonly output?: O;
}

/** `returns<T>()(schema)` declares a method whose input is `schema` and whose output is T. */
function returns<O>() {
  return <I extends z.ZodType>(input: I): MethodDef<I, O> => ({ input });
}

const none = z.strictObject({});
/** C0 control characters other than tab and line breaks, and DEL: NUL above all, which the store cannot keep. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** Bidi overrides and isolates, and zero-width characters: a name could read as another with them. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max).refine((s) => !CONTROL.test(s), 'must not contain control characters (such as NUL)');
const displayName = text(64).refine((s) => !INVISIBLE.test(s), 'must not contain bidi overrides or zero-width characters');
/** A new password's length (accounts/passwords.ts hashes whatever passes). */
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 256;
const password = z.string().min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX);
const feedKind = z.enum(['all', 'following', 'self']);
const followPair = z.strictObject({ follower: usernameSchema, followee: usernameSchema });
/** The start of a username: the same closed alphabet as names.ts, possibly empty (no filter). */
const usernamePrefix = z
  .string()
  .max(32)
  .regex(/^[A-Za-z0-9_.-]*$/, 'a username prefix is up to 32 letters, digits, "_", "." or "-"');

/** A cluster node as an operator names it: its port, or host:port. */
const nodeName = z.string().regex(/^(\d{1,5}|[A-Za-z0-9.-]{1,253}:\d{1,5})$/, 'a port, or host:port');
const jobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a job id');

export const contract = {
  'engine.info': returns<EngineInfo>()(none),

  'cluster.topology': returns<Topology>()(none),
  'cluster.keyslot': returns<KeySlotInfo>()(z.strictObject({ key: z.string().min(1).max(1024) })),
  'cluster.scan': returns<KeyScanPage>()(
    z.strictObject({
      pattern: z.string().min(1).max(200).default('*'),
      type: z.enum(['string', 'list', 'set', 'zset', 'hash', 'stream']).optional(),
      /** Opaque, from the previous page; absent for the first page. */
      cursor: z
        .string()
        .regex(/^\d{1,3}:\d{1,20}$/, 'a cursor from a previous page')
        .refine((c) => BigInt(c.split(':')[1]!) < 2n ** 64n, 'a cursor from a previous page (its SCAN cursor is past 2^64)')
        .optional(),
      limit: z.number().int().min(1).max(500).default(100),
    }),
  ),
  'cluster.metrics': returns<ClusterMetrics>()(none),
  'cluster.alerts': returns<Alert[]>()(none),
  'cluster.failover': returns<FailoverResult>()(
    z.strictObject({ nodeId: z.string().regex(/^[0-9a-f]{40}$/, 'a 40-character node id') }),
  ),
  'cluster.drill': returns<DrillResult>()(
    z.strictObject({
      port: z.number().int().min(1).max(65535).optional(),
      /** crash (default): SIGKILL; hang: SIGSTOP past the node timeout; shutdown: SHUTDOWN NOSAVE; graceful: CLUSTER FAILOVER. */
      fault: z.enum(['crash', 'hang', 'shutdown', 'graceful']).optional(),
      /** The older switch: graceful = fault graceful; stop = the default fault. */
      mode: z.enum(['stop', 'graceful']).optional(),
      /** Let Redis detect the stopped master on its own (the app's supervisor pauses). */
      native: z.boolean().optional(),
    }),
  ),

  /** Open slots, uncovered slots and nodes that disagree about owners (redis-cli --cluster check). */
  'cluster.check': returns<ClusterCheckResult>()(none),
  /** Closes every open slot and serves every uncovered one, losing no key (redis-cli --cluster fix). */
  'cluster.fix': returns<ClusterFixResult>()(none),
  /**
   * Starts a live resharding and answers with its job at once; progress comes as `cluster.job`
   * events. Either `from` and `slots` (that many of the source's slots), or `range` (every slot
   * of it not on the target yet; with `from`, only that master's).
   */
  'cluster.reshard': returns<ClusterJob>()(
    z
      .strictObject({
        to: nodeName,
        from: nodeName.optional(),
        slots: z.number().int().min(1).max(16384).optional(),
        range: z.strictObject({ start: z.number().int().min(0).max(16383), end: z.number().int().min(0).max(16383) }).optional(),
      })
      .refine((r) => (r.range !== undefined) !== (r.slots !== undefined), 'give either slots (with from) or range')
      .refine((r) => r.range !== undefined || r.from !== undefined, 'slots needs from: the master that gives them')
      .refine((r) => r.range === undefined || r.range.start <= r.range.end, 'a range starts at or before its end'),
  ),
  /**
   * A plan like `redis-cli --cluster rebalance` (each master's share of the slots by weight,
   * masters within `threshold` of it left alone), and unless `simulate`, the job applying it.
   */
  'cluster.rebalance': returns<RebalanceResult>()(
    z.strictObject({
      simulate: z.boolean().default(false),
      weights: z.record(nodeName, z.number().min(0).max(1000)).optional(),
      threshold: z.number().min(0).max(0.5).optional(),
    }),
  ),
  /**
   * Scale out: a new empty master, or a replica of `replicaOf`; the embedded cluster starts it on
   * its next free port, an external one takes `address` (host:port of a node you started).
   */
  'cluster.addNode': returns<NodeChange>()(z.strictObject({ replicaOf: nodeName.optional(), address: nodeName.optional() })),
  /** Scale in: a master's slots move to the other masters first and its replicas go with it; then every node forgets it. */
  'cluster.removeNode': returns<NodeChange & { removedReplicas: string[] }>()(z.strictObject({ node: nodeName })),
  /** Keys in each of the 16,384 slots (complete, pipelined per master), owners and open slots: the heat map. */
  'cluster.slotStats': returns<SlotStats>()(none),
  /** One slot: owner, replicas, key count and the hash tags on it from a sample of its keys. */
  'cluster.slotInfo': returns<SlotInfo>()(z.strictObject({ slot: z.number().int().min(0).max(16383) })),
  /** SLOWLOG GET from every node, merged newest first, each entry labelled by node. */
  'cluster.slowlog': returns<{ entries: SlowlogEntry[]; unreachable: string[] }>()(z.strictObject({ perNode: z.number().int().min(1).max(128).default(64) })),
  /** Memory per key family from sampled MEMORY USAGE on each master, scaled by its key count; the biggest keys seen. */
  'cluster.memory': returns<MemoryReport>()(z.strictObject({ perMaster: z.number().int().min(10).max(10_000).default(2000) })),
  /**
   * One command on one node, on every master or on every node; each answer labelled by node.
   * Read-only commands run at once; one that writes (or is @dangerous) needs `confirm: true`,
   * else `confirmation_required`. Commands that take over a connection (MONITOR, SUBSCRIBE,
   * blocking pops, SHUTDOWN ...) are refused.
   */
  'cluster.command': returns<ConsoleResult>()(
    z.strictObject({
      target: z.union([z.literal('masters'), z.literal('all'), z.strictObject({ node: nodeName })]),
      args: z.array(z.string().max(4096)).min(1).max(64).refine((a) => /^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(a[0] ?? ''), 'the first word is a command name'),
      confirm: z.boolean().default(false),
    }),
  ),
  /** The job with this id, or the running (else the last) one; null when there has been none. */
  'cluster.job': returns<{ job: ClusterJob | null }>()(z.strictObject({ id: jobId.optional() })),
  'cluster.jobPause': returns<ClusterJob>()(z.strictObject({ id: jobId })),
  'cluster.jobResume': returns<ClusterJob>()(z.strictObject({ id: jobId })),
  /** Stops after the slot in hand: every slot stays owned by one master and none is left open. */
  'cluster.jobCancel': returns<ClusterJob>()(z.strictObject({ id: jobId })),

  /** Sign up: open to anyone (no session). Only a slow hash of the password is kept. */
  'users.create': returns<User>()(
    z.strictObject({ username: usernameSchema, displayName, password }),
  ),
  /**
   * A session for the name (ignoring case) and password, or invalid_credentials whichever of the
   * two is wrong; rate_limited after too many failures. The session travels with every later call
   * (web shell: the X-Redk-Session header; Electron: with the IPC call), never in a URL.
   */
  'session.signIn': returns<{ session: string; user: User }>()(
    z.strictObject({ username: usernameSchema, password: z.string().min(1, 'must not be empty').max(PASSWORD_MAX) }),
  ),
  /** Ends the session the call carries (no session: nothing to end). */
  'session.signOut': returns<{ signedOut: boolean }>()(none),
  /** The user of the session the call carries; unauthorized without a valid one. */
  'session.me': returns<User>()(none),
  /** With `viewer`, also whether that user follows this one (followedByViewer). */
  'users.get': returns<User>()(z.strictObject({ username: usernameSchema, viewer: usernameSchema.optional() })),
  /**
   * Users whose username starts with `prefix`, ignoring case ("" matches everybody), ordered by
   * lowercased username then username, at most `limit`. `_`, `%` and `.` are literal characters.
   */
  'users.search': returns<UserSummary[]>()(
    z.strictObject({ prefix: usernamePrefix, limit: z.number().int().min(1).max(50).default(20) }),
  ),
  'posts.create': returns<{ id: string }>()(z.strictObject({ author: usernameSchema, text: text(500) })),
  /** With `viewer`, each post also says whether that user liked it (likedByMe). */
  'posts.get': returns<Post>()(z.strictObject({ id: idSchema, viewer: usernameSchema.optional() })),
  'likes.like': returns<LikeOutcome>()(
    z.strictObject({ postId: idSchema, username: usernameSchema }),
  ),
  'likes.unlike': returns<LikeOutcome>()(
    z.strictObject({ postId: idSchema, username: usernameSchema }),
  ),
  'feeds.get': returns<Post[]>()(
    z.strictObject({
      username: usernameSchema,
      kind: feedKind,
      viewer: usernameSchema.optional(),
      /** Next page: only posts older than this createdAt (the last post of the page before). Pages hold up to 50. */
      before: z.number().int().min(0).optional(),
    }),
  ),
  'follows.follow': returns<{ changed: boolean }>()(followPair),
  'follows.unfollow': returns<{ changed: boolean }>()(followPair),
  /** Whom a user follows, by name; `truncated` when there are more than `limit` (default 1000). */
  'follows.list': returns<{ following: string[]; truncated: boolean }>()(
    z.strictObject({ username: usernameSchema, limit: z.number().int().min(1).max(5000).optional() }),
  ),
  'suggestions.get': returns<Suggestion[]>()(z.strictObject({ username: usernameSchema })),
  'comments.add': returns<Comment>()(
    z.strictObject({ postId: idSchema, author: usernameSchema, text: text(500) }),
  ),
  /**
   * Newest first. Without `before`: the newest (up to 100, cached). With `before` and `beforeId`
   * (the createdAt and id of the oldest comment shown): the next 50 older ones, from the store.
   */
  'comments.list': returns<Comment[]>()(z.strictObject({ postId: idSchema, before: z.number().int().min(0).optional(), beforeId: idSchema.optional() })),
  'messages.send': returns<Message>()(
    z.strictObject({ from: usernameSchema, to: usernameSchema, text: text(2000) }),
  ),
  /**
   * Oldest first. Without `before`: the newest (up to 200, cached). With `before` and `beforeId`
   * (the sentAt and id of the oldest message shown): the 100 before it, from the store; fewer
   * means the thread's start.
   */
  'messages.list': returns<Message[]>()(z.strictObject({ a: usernameSchema, b: usernameSchema, before: z.number().int().min(0).optional(), beforeId: idSchema.optional() })),
  'messages.read': returns<{ unread: number }>()(z.strictObject({ username: usernameSchema, other: usernameSchema })),
  'conversations.list': returns<Conversation[]>()(z.strictObject({ username: usernameSchema })),
  'trending.get': returns<TrendingEntry[]>()(z.strictObject({ window: z.enum(['all', '1h', '24h']) })),
  'stats.get': returns<Stats>()(none),
  /**
   * First run: the engine loads a demo network of that many users into its (empty) stores and
   * answers at once; progress comes as `demo.progress` events. conflict when users exist already.
   */
  'demo.load': returns<DemoLoad>()(z.strictObject({ users: z.union([z.literal(1000), z.literal(10_000), z.literal(100_000)]) })),
  /** The load in progress, else the last one (null: none in this engine's life). */
  'demo.status': returns<{ load: DemoLoad | null }>()(none),
  'sync.now': returns<{ synced: number }>()(none),
  'sync.status': returns<SyncStatus>()(none),
} as const;

export type Contract = typeof contract;

/**
 * Who may call a method when the call comes from a client (the web shell or the Electron window);
 * the engine's own callers (CLI, tests, bench) act with the names they give.
 * - operator: the cluster inspector and engine tools, for whoever holds the shell (its token, the window);
 * - open: no session needed (sign up, sign in, sign out);
 * - member: any signed-in user; the fields in `self` (when given) must name the session's user;
 * - participant: a signed-in user who is one of the two named in `pair`.
 */
export type Access =
  | { kind: 'operator' }
  | { kind: 'open' }
  | { kind: 'member'; self?: readonly string[] }
  | { kind: 'participant'; pair: readonly [string, string] };

const operator: Access = { kind: 'operator' };
const open: Access = { kind: 'open' };
const member = (...self: string[]): Access => ({ kind: 'member', self });

export const access: Record<MethodName, Access> = {
  ...(Object.fromEntries(Object.keys(contract).filter((m) => m.startsWith('cluster.')).map((m) => [m, operator])) as Record<MethodName, Access>),
  'engine.info': operator,
  'stats.get': operator,
  'demo.load': operator,
  'demo.status': operator,
  'sync.now': operator,
  'sync.status': operator,
  'users.create': open,
  'session.signIn': open,
  'session.signOut': open,
  'session.me': member(),
  'users.get': member('viewer'),
  'users.search': open,
  'posts.create': member('author'),
  'posts.get': member('viewer'),
  'likes.like': member('username'),
  'likes.unlike': member('username'),
  'feeds.get': member('viewer'),
  'follows.follow': member('follower'),
  'follows.unfollow': member('follower'),
  'follows.list': member(),
  'suggestions.get': member('username'),
  'comments.add': member('author'),
  'comments.list': member(),
  'messages.send': member('from'),
  'messages.list': { kind: 'participant', pair: ['a', 'b'] },
  'messages.read': member('username'),
  'conversations.list': member('username'),
  'trending.get': member(),
};
export type MethodName = keyof Contract;
/** What a caller sends (before validation: defaults optional). */
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
/** What a handler receives (after validation). */
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = NonNullable<Contract[M]['output']>;

export const methodNames = Object.keys(contract) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/**
 * Events the engine pushes (IPC channel `redk:event` / WebSocket `/events`). `messages.new` goes
 * only to the connections of its two people; the others go to every connection.
 */
export interface EventMap {
  'cluster.topology': Topology;
  'cluster.alerts': Alert[];
  'cluster.failover': DrillStep;
  /** The embedded cluster's supervisor saw a node exit or hang, forced a failover, restarted a node. */
  'cluster.healing': HealingAction;
  'messages.new': Message;
  /** Someone posted (after every feed that shows it was invalidated): feeds on screen may offer a refresh. */
  'posts.new': { id: string; author: string; createdAt: number };
  'sync.progress': SyncStatus;
  /** A resharding job's progress: slots done/total, keys moved, keys/s, ETA, state. */
  'cluster.job': ClusterJob;
  /**
   * Web shell only, to one socket: whose direct messages it now receives, after its first message
   * or a later {"session": ...} (null: nobody's, the session is not a live one).
   */
  'session.listening': { user: string | null };
  /** A demo network being loaded (demo.load): phase, rows done, percent; the accounts to sign in with once done. */
  'demo.progress': DemoLoad;
}
export type EventName = keyof EventMap;
export interface EngineEvent<E extends EventName = EventName> {
  event: E;
  data: EventMap[E];
}

/** The typed client both shells expose to the renderer. */
export interface RedkClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (data: EventMap[E]) => void): () => void;
}
