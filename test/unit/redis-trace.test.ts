import { describe, expect, it } from 'vitest';
import { describeCommand, traceRedis } from '../../src/main/core/rpc/redis-trace';

describe('Redis traces for the drawer', () => {
  it('finds the first key of plain commands, scripts and keyless commands', () => {
    expect(describeCommand('get', ['{post:1}:likes:count'])).toEqual({ name: 'GET', key: '{post:1}:likes:count' });
    expect(describeCommand('evalsha', ['abc', '2', '{post:1}:likes:count', '{post:1}:likes:users', 'ann'])).toEqual({ name: 'EVALSHA', key: '{post:1}:likes:count' });
    expect(describeCommand('eval', ['return 1', '0'])).toEqual({ name: 'EVAL', key: null });
    expect(describeCommand('wait', ['1', '200'])).toEqual({ name: 'WAIT', key: null });
    expect(describeCommand('cluster', ['nodes'])).toEqual({ name: 'CLUSTER', key: null });
    expect(describeCommand('hello', ['?'])).toEqual({ name: 'HELLO', key: null });
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
