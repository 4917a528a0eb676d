import { describe, expect, it } from 'vitest';
import { methodNames } from '../../src/shared/contract';
import { AppError } from '../../src/main/core/errors';
import { silentLogger } from '../../src/main/core/log';
import { RpcRouter, type Handlers } from '../../src/main/core/rpc/router';

/** A handler table that answers with what it was given, so the test sees the validated input. */
function echoHandlers(overrides: Partial<Record<string, (input: unknown) => Promise<unknown>>> = {}): Handlers {
  const table: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of methodNames) table[name] = overrides[name] ?? (async (input) => ({ echoed: input }));
  return table as unknown as Handlers;
}

describe('RpcRouter: the contract boundary', () => {
  const router = new RpcRouter(echoHandlers(), silentLogger);

  it('passes a valid input to the handler and wraps the answer', async () => {
    const res = await router.dispatch('cluster.keyslot', { key: '{user:a}:profile' }, { trace: true });
    expect(res).toMatchObject({ status: 200, body: { ok: true, data: { echoed: { key: '{user:a}:profile' } } } });
    expect(res.body.trace).toMatchObject({ method: 'cluster.keyslot', redis: [], truncated: 0 });
    // The trace is collected only when asked for.
    const plain = await router.dispatch('cluster.keyslot', { key: '{user:a}:profile' });
    expect(plain).toEqual({ status: 200, body: { ok: true, data: { echoed: { key: '{user:a}:profile' } } } });
  });

  it('answers 404 unknown_method for a name outside the contract, including prototype names', async () => {
    for (const name of ['nope', '__proto__', 'constructor', 'toString', '']) {
      const res = await router.dispatch(name, {});
      expect(res.status).toBe(404);
      expect(res.body.ok === false && res.body.error.code).toBe('unknown_method');
    }
  });

  it('rejects wrong types and unknown keys with 400 invalid_input and the field path', async () => {
    const wrongType = await router.dispatch('cluster.keyslot', { key: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.ok === false && wrongType.body.error.code).toBe('invalid_input');
    expect(wrongType.body.ok === false && wrongType.body.error.issues?.[0]?.path).toBe('key');
    const extra = await router.dispatch('cluster.topology', { surprise: true });
    expect(extra.status).toBe(400);
    const notObject = await router.dispatch('cluster.topology', [1, 2]);
    expect(notObject.status).toBe(400);
  });

  it('refuses usernames that could break a hash tag or a SCAN pattern with invalid_username (R1)', async () => {
    for (const username of ['a}b{c', 'x*', 'with space', 'a:b', 'q?', 'br[ack', 'tab\there', '', 'x'.repeat(33)]) {
      const res = await router.dispatch('users.create', { username, displayName: 'X' });
      expect(res.status, username).toBe(400);
      expect(res.body.ok === false && res.body.error.code, username).toBe('invalid_username');
    }
    const ok = await router.dispatch('users.create', { username: 'alice_01.b-c', displayName: 'Alice' });
    expect(ok.status).toBe(200);
  });

  it('turns handler errors into codes: AppError keeps its code, anything else is internal', async () => {
    const failing = new RpcRouter(
      echoHandlers({
        'cluster.topology': async () => {
          throw new AppError('cluster_unavailable', 'node 127.0.0.1:7002 is down');
        },
        'cluster.metrics': async () => {
          throw new TypeError('boom');
        },
      }),
      silentLogger,
    );
    const down = await failing.dispatch('cluster.topology', {});
    expect(down).toMatchObject({ status: 503, body: { ok: false, error: { code: 'cluster_unavailable', message: 'node 127.0.0.1:7002 is down' } } });
    const bug = await failing.dispatch('cluster.metrics', {});
    expect(bug.status).toBe(500);
    expect(bug.body.ok === false && bug.body.error.code).toBe('internal');
  });

  it('treats a missing input as {} for methods without parameters', async () => {
    expect((await router.dispatch('cluster.topology', undefined)).status).toBe(200);
    expect((await router.dispatch('cluster.keyslot', undefined)).status).toBe(400);
    // JSON null is a value, not "no input": refused, so `null` can never trigger an action.
    expect((await router.dispatch('cluster.topology', null)).status).toBe(400);
  });

  it('close() waits for the calls in flight and refuses new ones, so an engine stops after its calls', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = new RpcRouter(echoHandlers({ 'cluster.topology': async () => { await gate; return { done: true }; } }), silentLogger);
    const running = slow.dispatch('cluster.topology', {});
    let closed = false;
    const closing = slow.close(10_000).then((left) => {
      closed = true;
      return left;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    const refused = await slow.dispatch('cluster.keyslot', { key: 'k' });
    expect(refused.status).toBe(503);
    expect(refused.body.ok === false && refused.body.error.message).toMatch(/stopping/);
    release();
    expect((await running).body).toEqual({ ok: true, data: { done: true } });
    expect(await closing).toBe(0);
    // A call that never ends does not hold close() past its timeout.
    const stuck = new RpcRouter(echoHandlers({ 'cluster.topology': () => new Promise(() => undefined) }), silentLogger);
    void stuck.dispatch('cluster.topology', {});
    expect(await stuck.close(50)).toBe(1);
  });
});
