/**
 * The Lua scripts, loaded by name from the .lua files next to this module and registered once
 * with ioredis defineCommand (EVALSHA with a fallback to EVAL on NOSCRIPT). Each script touches
 * keys of one hash tag only, so it runs on one slot (K5), except five that reach the keys of
 * several hash tags of one master (post_counts_many.lua, likes_page.lua, likes_settle_many.lua,
 * del_many.lua, get_many.lua): each has a one-tag path its caller falls back to when the script fails.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChainableCommander, Cluster } from 'ioredis';

export const SCRIPTS = {
  /** With the ops log and the dirty number as keys 3 and 4 and an op id (R8, R2): what the service runs. */
  likeOnce: { file: 'like.lua', keys: 4 },
  unlikeOnce: { file: 'unlike.lua', keys: 4 },
  /** The same scripts with two keys and no op id, for callers that make none (the bench's raw baseline). */
  like: { file: 'like.lua', keys: 2 },
  unlike: { file: 'unlike.lua', keys: 2 },
  hydrateLikes: { file: 'hydrate_likes.lua', keys: 4 },
  likesSettle: { file: 'likes_settle.lua', keys: 4 },
  trendingApply: { file: 'trending_apply.lua', keys: 5 },
  feedWrite: { file: 'feed_write.lua', keys: 2 },
  zrebuild: { file: 'zrebuild.lua', keys: 1 },
  commentAdd: { file: 'comment_add.lua', keys: 3 },
  dmSend: { file: 'dm_send.lua', keys: 3 },
  hydrateUnread: { file: 'hydrate_unread.lua', keys: 1 },
  hsetIfExists: { file: 'hset_if_exists.lua', keys: 1 },
  zaddIfExists: { file: 'zadd_if_exists.lua', keys: 1 },
  incrIfExists: { file: 'incr_if_exists.lua', keys: 2 },
  postCounts: { file: 'post_counts.lua', keys: 3 },
  /** post_counts for several posts of one master (the one script across hash tags: see the file). */
  postCountsMany: { file: 'post_counts_many.lua', keys: 1 },
  /** The sync pass's reads of a page of counters on one master (across hash tags, as postCountsMany). */
  likesPage: { file: 'likes_page.lua', keys: 1 },
  /** likes_settle for several posts of one master (across hash tags, as postCountsMany). */
  likesSettleMany: { file: 'likes_settle_many.lua', keys: 1 },
  /** DEL of keys of several hash tags of one master (across hash tags, as postCountsMany). */
  delMany: { file: 'del_many.lua', keys: 1 },
  /** GET of keys of several hash tags of one master (across hash tags, as postCountsMany). */
  getMany: { file: 'get_many.lua', keys: 1 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

const here = dirname(fileURLToPath(import.meta.url));

function readLua(file: string): string {
  for (const candidate of [join(here, file), join(here, 'lua', file)]) {
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
  }
  throw new Error(`Lua script ${file} not found next to ${here}`);
}

/**
 * Source of one script: next to this file in src/, or under lua/ next to the bundle in out/main.
 * A script that calls remember() (the R8 ops log) gets ops_log.lua in front of it: Redis scripts
 * cannot include one another, and the function was copied into six of them before.
 */
export function loadLua(file: string): string {
  const lua = readLua(file);
  return /\bremember\(/.test(lua) && !/function remember\(/.test(lua) ? `${readLua('ops_log.lua')}${lua}` : lua;
}

const commandName = (name: ScriptName) => `redk_${name}`;

const fileBySha = new Map<string, string>();
const fileBySource = new Map<string, string>();

export function registerScripts(redis: Cluster): void {
  for (const [name, def] of Object.entries(SCRIPTS) as [ScriptName, (typeof SCRIPTS)[ScriptName]][]) {
    const lua = loadLua(def.file);
    fileBySha.set(createHash('sha1').update(lua).digest('hex'), def.file);
    fileBySource.set(lua, def.file);
    redis.defineCommand(commandName(name), { numberOfKeys: def.keys, lua });
  }
}

/** The .lua file behind an EVALSHA, for traces. */
export function scriptNameBySha(sha: string): string | null {
  return fileBySha.get(sha) ?? null;
}

/** The .lua file behind an EVAL (what ioredis sends the first time a connection runs a script). */
export function scriptNameBySource(lua: string): string | null {
  return fileBySource.get(lua) ?? null;
}

type Target = Cluster | ChainableCommander;

/** Calls a registered script on the cluster (or queues it on a pipeline). */
export function runScript<T = unknown>(target: Cluster, name: ScriptName, keys: string[], args: (string | number)[]): Promise<T>;
export function runScript(target: ChainableCommander, name: ScriptName, keys: string[], args: (string | number)[]): ChainableCommander;
export function runScript(target: Target, name: ScriptName, keys: string[], args: (string | number)[]): unknown {
  const fn = (target as unknown as Record<string, (...a: (string | number)[]) => unknown>)[commandName(name)];
  if (typeof fn !== 'function') throw new Error(`script ${name} is not registered on this client`);
  return fn.call(target, ...keys, ...args);
}
