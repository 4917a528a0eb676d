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
      const res = await router.dispatch('users.create', { username, displayName: 'X', password: 'password1' });
      expect(res.status, username).toBe(400);
      expect(res.body.ok === false && res.body.error.code, username).toBe('invalid_username');
    }
    const ok = await router.dispatch('users.create', { username: 'alice_01.b-c', displayName: 'Alice', password: 'password1' });
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

describe('RpcRouter: free text, names and cursors from a hostile caller', () => {
  const router = new RpcRouter(echoHandlers(), silentLogger);
  const refused = async (method: string, input: unknown, pattern: RegExp) => {
    const res = await router.dispatch(method, input);
    expect(res.status, `${method} ${JSON.stringify(input).slice(0, 80)}`).toBe(400);
    if (res.body.ok) throw new Error('accepted');
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toMatch(pattern);
  };

  it('a NUL (or another control character) in any free text is a 400, never reaching the store', async () => {
    await refused('posts.create', { author: 'alice', text: 'a\u0000b' }, /text: must not contain control characters/);
    await refused('messages.send', { from: 'alice', to: 'bob', text: 'hi\u0000' }, /control characters/);
    await refused('comments.add', { postId: 'p1', author: 'alice', text: '\u0007bell' }, /control characters/);
    await refused('users.create', { username: 'alice', displayName: 'A\u0000', password: 'password1' }, /control characters/);
    // Tabs and line breaks are text.
    const ok = await router.dispatch('messages.send', { from: 'alice', to: 'bob', text: 'line one\nline\ttwo' });
    expect(ok.status).toBe(200);
  });

  it('a display name refuses bidi overrides and zero-width characters', async () => {
    for (const name of ['evil\u202Egnp.exe', 'a\u200Bb', 'x\u2066y\u2069', 'b\uFEFFom']) {
      await refused('users.create', { username: 'mallory', displayName: name, password: 'password1' }, /bidi overrides or zero-width/);
    }
    expect((await router.dispatch('users.create', { username: 'zoe', displayName: 'Zoë Ñandú 🎉', password: 'password1' })).status).toBe(200);
  });

  it('an error body stays small whatever the input (20 issues at most, each clipped)', async () => {
    const junk = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`unknown_key_number_${i}_${'x'.repeat(20)}`, i]));
    const res = await router.dispatch('cluster.topology', junk);
    expect(res.status).toBe(400);
    const size = JSON.stringify(res.body).length;
    expect(size, `an ${JSON.stringify(junk).length}-character input`).toBeLessThan(10_000);
  });

  it('a scan cursor past 2^64 or not from a page is a 400', async () => {
    await refused('cluster.scan', { cursor: '0:99999999999999999999' }, /past 2\^64/);
    await refused('cluster.scan', { cursor: 'x:1' }, /a cursor from a previous page/);
    expect((await router.dispatch('cluster.scan', { cursor: '2:18446744073709551615' })).status).toBe(200);
  });
});
