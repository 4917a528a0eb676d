/** Values that cross the contract. Plain data only: they travel over IPC and JSON alike. */

export interface SlotRange {
  start: number;
  end: number;
}

export type NodeRole = 'master' | 'replica';
/** Health as the cluster itself reports it (CLUSTER NODES flags). */
export type NodeHealth = 'ok' | 'pfail' | 'fail' | 'handshake' | 'noaddr';

/** One thing the embedded cluster's supervisor saw or did (a crash, a forced failover, a restart). */
export interface HealingAction {
  at: number;
  step: string;
  port: number;
  detail: string;
}

/** What the embedded cluster's supervisor knows of a node in trouble (absent when all is well). */
export interface NodeProcessNote {
  state: 'restarting' | 'restart failed' | 'not answering';
  detail: string;
  since: number;
}

export interface ClusterNodeInfo {
  id: string;
  /** host:port as clients reach it. */
  address: string;
  host: string;
  port: number;
  role: NodeRole;
  /** For a replica, the id of its master. */
  masterId: string | null;
  health: NodeHealth;
  linkState: 'connected' | 'disconnected';
  flags: string[];
  slots: SlotRange[];
  configEpoch: number;
  /** The supervisor's note on this node's process (embedded cluster only). */
  process?: NodeProcessNote;
}

export interface Topology {
  /** cluster_state from CLUSTER INFO of the node that answered. */
  state: 'ok' | 'fail' | 'unknown';
  slotsAssigned: number;
  slotsOk: number;
  knownNodes: number;
  currentEpoch: number;
  /** Which node answered (CLUSTER NODES is read from one reachable node). */
  observedFrom: string;
  observedAt: number;
  mode: 'embedded' | 'external';
  nodes: ClusterNodeInfo[];
}

export interface KeySlotInfo {
  key: string;
  /** The part inside the first `{...}` that decides the slot, or null when the whole key does. */
  hashTag: string | null;
  slot: number;
  master: { id: string; address: string } | null;
  replicas: { id: string; address: string }[];
}

export interface ScannedKey {
  key: string;
  type: string;
  slot: number;
  /** The master the key was found on. */
  node: string;
  /** Milliseconds to live, or -1 without a TTL. */
  ttlMs: number;
}

export interface KeyScanPage {
  keys: ScannedKey[];
  /** Pass back for the next page; null when every master has been scanned. */
  cursor: string | null;
  /** Masters visited so far out of all masters. */
  mastersDone: number;
  masters: number;
}

export interface NodeMetrics {
  id: string;
  address: string;
  role: NodeRole;
  reachable: boolean;
  error?: string;
  usedMemory: number;
  usedMemoryHuman: string;
  maxmemory: number;
  maxmemoryHuman: string;
  maxmemoryPolicy: string;
  memFragmentationRatio: number;
  totalCommandsProcessed: number;
  opsPerSec: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  /** hits / (hits + misses); null before any lookup. */
  hitRate: number | null;
  connectedClients: number;
  keys: number;
  /** Replicas only: link to the master. */
  masterLinkStatus: 'up' | 'down' | null;
  replicationOffset: number;
  /** Replicas only: bytes behind their master's replication offset (null when the master is unknown). */
  replicationLagBytes: number | null;
  /** Lookups (hits + misses) and the hit rate over the last alert window (ALERT_THRESHOLDS.hitRateWindowMs). */
  recentLookups: number;
  recentHitRate: number | null;
}

export interface ClusterMetrics {
  at: number;
  clusterState: 'ok' | 'fail' | 'unknown';
  slotsAssigned: number;
  knownNodes: number;
  nodes: NodeMetrics[];
}

export type AlertRule =
  | 'memory_high'
  | 'fragmentation_high'
  | 'hit_rate_low'
  | 'cluster_state'
  | 'replica_link_down'
  | 'replication_lag_high'
  | 'node_unreachable'
  | 'shard_without_replica';

export interface Alert {
  rule: AlertRule;
  severity: 'warning' | 'critical';
  /** host:port, or null for cluster-wide rules. */
  node: string | null;
  message: string;
  value: number | string;
  threshold: number | string;
  /** The rule in words, shown next to the figure (what it fires on, with its floors). */
  ruleText: string;
  /** When this alert began: the first check that saw it (it starts again after it cleared). */
  at: number;
}

export interface FailoverResult {
  nodeId: string;
  address: string;
  promoted: boolean;
  tookMs: number;
  previousMaster: string | null;
}

export interface DrillStep {
  at: number;
  /** ms since the drill started */
  t: number;
  step: string;
  detail: string;
}

/** What the drill does to the master: SIGKILL, SIGSTOP past the node timeout, SHUTDOWN NOSAVE, CLUSTER FAILOVER. */
export type DrillFault = 'crash' | 'hang' | 'shutdown' | 'graceful';

export interface DrillResult {
  nodeTimeoutMs: number;
  fault: DrillFault;
  /**
   * Who noticed the stopped master: the app's supervisor (it launched the process and saw it
   * exit), Redis itself (PFAIL/FAIL gossip after the node timeout), or nobody (graceful drill).
   */
  detection: 'supervisor' | 'redis' | 'planned';
  stoppedPort: number;
  promotedAddress: string | null;
  /** First failed write to the first successful one on the stopped master's slots; 0 if none failed. */
  unavailableMs: number | null;
  /** The longest any single write of the load took (a write the client held through the failover). */
  slowestWriteMs: number;
  attempted: number;
  /** Likes and unlikes answered durable (a replica acknowledged them, R3). */
  acked: number;
  /** Answered, but `durable: false`: the master had it, no replica confirmed it in time. */
  ackedWithoutReplica: number;
  failed: number;
  /** Durable answers whose effect is gone afterwards: must be 0. */
  lostAcked: number;
  /** Answers without a replica whose effect is gone afterwards (what durable: false warns of). */
  lostWithoutReplica: number;
  /** From the fault to the old master running again as a replica, in sync; null if it never was. */
  restoredMs: number | null;
  timeline: DrillStep[];
}

export interface User {
  username: string;
  displayName: string;
  createdAt: number;
  followers: number;
  following: number;
  posts: number;
  /** Present when the call named a viewer: whether the viewer follows this user. */
  followedByViewer?: boolean;
}

/** One row of users.search: enough to show and pick someone, no counters. */
export interface UserSummary {
  username: string;
  displayName: string;
}

export interface Post {
  id: string;
  author: string;
  text: string;
  createdAt: number;
  likesCount: number;
  commentsCount: number;
  /** Present when the call named a viewer: whether that user has liked the post. */
  likedByMe?: boolean;
}

export interface LikeOutcome {
  /** False when the user had already liked (like) or had not liked (unlike): nothing changed. */
  changed: boolean;
  count: number;
  /** A replica acknowledged the write (WAIT), so a failover cannot lose it: the UI may show "saved" (R3). */
  durable: boolean;
}

export interface Comment {
  id: string;
  postId: string;
  author: string;
  text: string;
  createdAt: number;
}

export interface Message {
  id: string;
  from: string;
  to: string;
  text: string;
  sentAt: number;
}

export interface Conversation {
  with: string;
  lastMessageAt: number;
  unread: number;
}

export interface Suggestion {
  username: string;
  score: number;
  mutualConnections: number;
  followersCount: number;
}

export interface TrendingEntry {
  postId: string;
  score: number;
}

export interface Stats {
  postsCount: number;
  usersCount: number;
}

export interface SyncStatus {
  running: boolean;
  lastRunAt: number | null;
  lastSynced: number;
  lastError: string | null;
  pending: number;
  intervalMs: number;
}

export interface EngineInfo {
  version: string;
  shell: 'electron' | 'web';
  cluster: { mode: 'embedded' | 'external'; seeds: string[]; nodeTimeoutMs: number };
  stores: { documents: string; graph: string };
  dataDir: string;
}

/** A slot held open by a resharding (CLUSTER SETSLOT MIGRATING / IMPORTING). */
export interface OpenSlotInfo {
  slot: number;
  node: string;
  state: 'migrating' | 'importing';
  peer: string;
  keys: number;
}

/** `cluster.check`, as `redis-cli --cluster check` reports a cluster. */
export interface ClusterCheckResult {
  ok: boolean;
  masters: number;
  openSlots: OpenSlotInfo[];
  uncovered: SlotRange[];
  disagreeing: string[];
  problems: string[];
}

export interface ClusterFixResult {
  actions: string[];
  keysMoved: number;
  after: ClusterCheckResult;
}

export type ClusterJobState = 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

/** A resharding job and its progress (also pushed as the `cluster.job` event). */
export interface ClusterJob {
  id: string;
  kind: 'reshard' | 'rebalance';
  state: ClusterJobState;
  /** Where the slots go (host:port), and where they come from. */
  to: string[];
  from: string[];
  slotsTotal: number;
  slotsDone: number;
  keysMoved: number;
  keysPerSec: number;
  /** Estimated time left, from the pace so far; null before the first slot. */
  etaMs: number | null;
  currentSlot: number | null;
  /** The slots still to move, as ranges (what the slot map draws as moving). */
  pending: SlotRange[];
  startedAt: number;
  finishedAt: number | null;
  error: string | null;
  /** What the job did besides moving slots, in order (a failover it went on after, slots it closed). */
  notes: string[];
}

/** `cluster.rebalance`: the plan (always), and the job applying it (unless simulated or nothing moves). */
export interface RebalanceResult {
  masters: { address: string; weight: number; slots: number; target: number }[];
  moves: { from: string; to: string; ranges: SlotRange[]; slots: number; keys: number }[];
  slotsToMove: number;
  keysToMove: number;
  job: ClusterJob | null;
}

/** `cluster.slotStats`: keys per slot (all 16,384), who owns what, and what is open. */
export interface SlotStats {
  at: number;
  tookMs: number;
  /** Counted on every slot (COUNTKEYSINSLOT, pipelined per master); false when a master did not answer. */
  complete: boolean;
  /** keys[slot] = keys in that slot, or -1 where its master did not answer. */
  keys: number[];
  owners: { start: number; end: number; node: string }[];
  open: OpenSlotInfo[];
  totalKeys: number;
}

/** `cluster.slotInfo`: one slot, for pointing at it on the map. */
export interface SlotInfo {
  slot: number;
  owner: string | null;
  replicas: string[];
  keys: number;
  /** Hash tags (or whole names when untagged, up to the first `:`) among a sample of the slot's keys. */
  tags: { tag: string; keys: number }[];
  sample: string[];
}

export interface SlowlogEntry {
  node: string;
  role: NodeRole;
  id: number;
  at: number;
  durationUs: number;
  command: string[];
  client: string;
}

/** `cluster.memory`: memory per key family from sampled MEMORY USAGE per master, and the biggest keys seen. */
export interface MemoryReport {
  at: number;
  sampledKeys: number;
  totalKeys: number;
  families: { family: string; sampledKeys: number; sampledBytes: number; estimatedKeys: number; estimatedBytes: number }[];
  biggest: { key: string; node: string; bytes: number; family: string }[];
  masters: { node: string; usedMemory: number; keys: number; sampled: number }[];
}

export type ConsoleTarget = { node: string } | 'masters' | 'all';

/** `cluster.command`: one command on the chosen nodes, each answer labelled by node. */
export interface ConsoleResult {
  command: string[];
  readOnly: boolean;
  results: { node: string; role: NodeRole; ok: boolean; reply?: unknown; error?: string; ms: number; truncated?: boolean }[];
}

/** `cluster.addNode` / `cluster.removeNode`: the node that joined or left. */
export interface NodeChange {
  address: string;
  id: string;
  role: NodeRole;
  /** The master a new replica follows. */
  masterAddress: string | null;
  tookMs: number;
  /** Slots moved away from a removed master first. */
  movedSlots: number;
}

/** A demo network being loaded by the running engine (first run), as `demo.progress` reports it. */
export interface DemoLoad {
  state: 'running' | 'done' | 'failed';
  users: number;
  /** users, follows, posts, likes, comments, messages. */
  phase: string;
  done: number;
  total: number;
  /** Over all phases, 0-100. */
  percent: number;
  startedAt: number;
  endedAt: number | null;
  error: string | null;
  /** Well-connected demo accounts to sign in with (password DEMO_PASSWORD), once done. */
  accounts: string[];
  /** The password of every demo account. */
  password: string;
}
