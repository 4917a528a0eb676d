import { tracingChannel } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { describeCommand, runInTraceScopes, traceRedis } from '../../src/main/core/rpc/redis-trace';
import { Cluster } from 'ioredis';
import { loadLua, registerScripts } from '../../src/main/core/lua/scripts';
import { TickBatch } from '../../src/main/core/tick-batch';

/** What ioredis publishes for each command it sends (the drawer's only source). */
function fakeCommand(command: string, args: string[]): Promise<string> {
  const context = { command, args, serverAddress: '127.0.0.1', serverPort: 7000 };
  return tracingChannel('ioredis:command').tracePromise(async () => 'OK', context);
}

describe('Redis traces for the drawer', () => {
  it('finds the first key of plain commands, scripts and keyless commands', () => {
    expect(describeCommand('get', ['{post:1}:likes:count'])).toEqual({ name: 'GET', key: '{post:1}:likes:count' });
    expect(describeCommand('evalsha', ['abc', '2', '{post:1}:likes:count', '{post:1}:likes:users', 'ann'])).toEqual({ name: 'EVALSHA', key: '{post:1}:likes:count' });
    expect(describeCommand('eval', ['return 1', '0'])).toEqual({ name: 'EVAL', key: null });
    registerScripts(new Cluster([], { lazyConnect: true }));
    const like = loadLua('like.lua');
    expect(describeCommand('eval', [like, '2', '{post:1}:likes:count', '{post:1}:likes:users', 'ann'])).toEqual({ name: 'EVAL like.lua', key: '{post:1}:likes:count' });
    expect(describeCommand('wait', ['1', '200'])).toEqual({ name: 'WAIT', key: null });
    expect(describeCommand('cluster', ['nodes'])).toEqual({ name: 'CLUSTER', key: null });
    expect(describeCommand('hello', ['?'])).toEqual({ name: 'HELLO', key: null });
  });

  it('a command sent once for several calls (group commit) shows in each call\'s trace', async () => {
    const batch = new TickBatch<string>(async () => {
      await fakeCommand('wait', ['1', '200']);
    });
    const [a, b] = await Promise.all([
      traceRedis('likes.like', async () => {
        await fakeCommand('evalsha', ['sha', '2', '{post:a}:likes:count', '{post:a}:likes:users', 'ann']);
        await batch.add('a');
      }),
      traceRedis('likes.like', async () => {
        await fakeCommand('evalsha', ['sha', '2', '{post:b}:likes:count', '{post:b}:likes:users', 'bob']);
        await batch.add('b');
      }),
    ]);
    expect(a.trace.redis.map((e) => [e.command, e.key])).toEqual([['EVALSHA', '{post:a}:likes:count'], ['WAIT', null]]);
    expect(b.trace.redis.map((e) => [e.command, e.key])).toEqual([['EVALSHA', '{post:b}:likes:count'], ['WAIT', null]]);
  });

  it('background work run outside every scope is in no trace', async () => {
    const { trace } = await traceRedis('likes.like', async () => {
      await fakeCommand('get', ['{post:a}:likes:count']);
      await runInTraceScopes([], () => fakeCommand('get', ['{post:z}:likes:count']));
    });
    expect(trace.redis.map((e) => e.key)).toEqual(['{post:a}:likes:count']);
  });

  it('passes the outcome through unchanged, failures included', async () => {
    const ok = await traceRedis('m', async () => 42);
    expect(ok.outcome).toEqual({ status: 'fulfilled', value: 42 });
    expect(ok.trace.method).toBe('m');
    const bad = await traceRedis('m', async () => {
      throw new Error('nope');
    });
    expect(bad.outcome.status).toBe('rejected');
  });
});
