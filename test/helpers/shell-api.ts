/**
 * The web shell's API as a client calls it (fetch over loopback): the shell token in
 * Authorization, the session of a signed-in user in X-Redk-Session (A1).
 */
export type ShellAnswer<T> = { ok: true; data: T; status: number } | { ok: false; code: string; message: string; status: number };

export const TEST_PASSWORD = 'password1';

export function shellApi(port: number, token: string) {
  const call = async <T>(method: string, input: unknown = {}, session?: string | null): Promise<ShellAnswer<T>> => {
    const res = await fetch(`http://127.0.0.1:${port}/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(session ? { 'x-redk-session': session } : {}) },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { ok: boolean; data?: T; error?: { code: string; message: string } };
    return body.ok ? { ok: true, data: body.data as T, status: res.status } : { ok: false, code: body.error?.code ?? '?', message: body.error?.message ?? '', status: res.status };
  };
  const must = async <T>(method: string, input: unknown = {}, session?: string | null): Promise<T> => {
    const answer = await call<T>(method, input, session);
    if (!answer.ok) throw new Error(`${method}: ${answer.status} ${answer.code}: ${answer.message}`);
    return answer.data;
  };
  /** Creates the account (unless it exists) and signs in: the session token. */
  const signUp = async (username: string, password = TEST_PASSWORD): Promise<string> => {
    const created = await call('users.create', { username, displayName: username, password });
    if (!created.ok && created.code !== 'conflict') throw new Error(`users.create ${username}: ${created.code}: ${created.message}`);
    return (await must<{ session: string }>('session.signIn', { username, password })).session;
  };
  return { call, must, signUp };
}
