import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/main/core/accounts/passwords';
import { silentLogger } from '../../src/main/core/log';
import { RpcRouter, type CallContext, type Caller, type Handlers } from '../../src/main/core/rpc/router';
import { access, contract, methodNames } from '../../src/shared/contract';

describe('password hashes (scrypt)', () => {
  it('verify only the password they were made from, and each has its own salt', async () => {
    const a = await hashPassword('correct horse', 10);
    const b = await hashPassword('correct horse', 10);
    expect(a).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse', b)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('a hash keeps its cost, so one made at another cost still verifies; a malformed hash never does', async () => {
    const cheap = await hashPassword('pässword', 11);
    expect(await verifyPassword('pässword', cheap)).toBe(true);
    // The same text in another Unicode form is the same password (NFC).
    expect(await verifyPassword('pa\u0308ssword', cheap)).toBe(true);
    for (const bad of ['', 'plain', cheap.replace('scrypt', 'bcrypt'), cheap.replace('$11$', '$40$'), cheap.slice(0, -10)]) {
      expect(await verifyPassword('pässword', bad), bad).toBe(false);
    }
    await expect(hashPassword('x', 9)).rejects.toThrow(/cost/);
  });
});

/** Handlers that answer with the context they ran with. */
function contextHandlers(): Handlers {
  const table: Record<string, (input: unknown, ctx: CallContext) => Promise<unknown>> = {};
  for (const name of methodNames) table[name] = async (_input, ctx) => ctx;
  return table as unknown as Handlers;
}

describe('who may call what (contract access table, enforced by the router)', () => {
  const sessions = { verify: async (token: string) => (token === 'tok-alice' ? 'alice' : token === 'tok-bob' ? 'bob' : null) };
  const router = new RpcRouter(contextHandlers(), silentLogger, sessions);
  const as = (session: string | null): { caller: Caller } => ({ caller: { kind: 'client', session, client: 'web 127.0.0.1' } });
  const code = async (method: string, input: unknown, session: string | null) => {
    const res = await router.dispatch(method, input, as(session));
    return res.body.ok ? 'ok' : res.body.error.code;
  };

  it('has a rule for every method, and every field it names exists in that method\'s input', () => {
    expect(Object.keys(access).sort()).toEqual([...methodNames].sort());
    for (const method of methodNames) {
      const rule = access[method];
      const fields = rule.kind === 'member' ? (rule.self ?? []) : rule.kind === 'participant' ? rule.pair : [];
      const shape = (contract[method].input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      for (const f of fields) expect(Object.keys(shape), `${method}.${f}`).toContain(f);
      // Only the inspector and engine tools are the operator's; every social method needs a rule of its own.
      if (rule.kind === 'operator') expect(method, method).toMatch(/^(cluster|engine|stats|sync|demo)\./);
    }
  });

  it('a social call without a session, or with one that ended, is 401; the inspector and sign-up need none', async () => {
    expect(await code('likes.like', { postId: 'p1', username: 'alice' }, null)).toBe('unauthorized');
    expect(await code('posts.create', { author: 'alice', text: 'hi' }, 'tok-expired')).toBe('unauthorized');
    expect(await code('trending.get', { window: 'all' }, null)).toBe('unauthorized');
    expect(await code('cluster.topology', {}, null)).toBe('ok');
    expect(await code('users.create', { username: 'new1', displayName: 'N', password: 'password1' }, null)).toBe('ok');
    expect(await code('session.signIn', { username: 'alice', password: 'x' }, null)).toBe('ok');
    const res = await router.dispatch('likes.like', { postId: 'p1', username: 'alice' }, as(null));
    expect(res.status).toBe(401);
  });

  it('acts as the session\'s user: a field naming someone else is 403, the same name runs with that user', async () => {
    expect(await code('likes.like', { postId: 'p1', username: 'bob' }, 'tok-alice')).toBe('forbidden');
    expect(await code('messages.send', { from: 'bob', to: 'alice', text: 'hi' }, 'tok-alice')).toBe('forbidden');
    expect(await code('follows.follow', { follower: 'bob', followee: 'alice' }, 'tok-alice')).toBe('forbidden');
    expect(await code('feeds.get', { username: 'bob', kind: 'all', viewer: 'bob' }, 'tok-alice')).toBe('forbidden');
    const ok = await router.dispatch('likes.like', { postId: 'p1', username: 'alice' }, as('tok-alice'));
    expect(ok).toMatchObject({ status: 200, body: { ok: true, data: { user: 'alice', session: 'tok-alice' } } });
    // Reading someone else's public feed without a viewer is fine.
    expect(await code('feeds.get', { username: 'bob', kind: 'self' }, 'tok-alice')).toBe('ok');
  });

  it('a conversation is readable by its two people only', async () => {
    expect(await code('messages.list', { a: 'bob', b: 'carol' }, 'tok-alice')).toBe('forbidden');
    expect(await code('messages.list', { a: 'bob', b: 'alice' }, 'tok-alice')).toBe('ok');
    expect(await code('conversations.list', { username: 'bob' }, 'tok-alice')).toBe('forbidden');
    expect((await router.dispatch('messages.list', { a: 'bob', b: 'carol' }, as('tok-alice'))).status).toBe(403);
  });

  it('the engine\'s own callers (CLI, tests, bench) act with the names they give, with no session', async () => {
    const res = await router.dispatch('likes.like', { postId: 'p1', username: 'bob' });
    expect(res.body).toMatchObject({ ok: true, data: { user: null, session: null, client: 'engine' } });
  });
});
