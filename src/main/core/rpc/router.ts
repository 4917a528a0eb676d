/**
 * The boundary every call crosses, from IPC and HTTP alike: method name checked against the
 * contract, input validated with the contract's schema, handler errors turned into codes.
 * dispatch() never throws, so one bad payload cannot take the engine down (R5).
 *
 * Who may call what (A1) is decided here too, from the contract's `access` table: a call from a
 * client (the web shell, the Electron window) carries its session, the router resolves it to a
 * user, and a social call that names someone else is refused. The engine's own callers (CLI,
 * tests, bench) dispatch as `engine` and act with the names they give.
 */
import type { z } from 'zod';
import { access, contract, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from '../../../shared/contract';
import { errorStatus, type RpcErrorBody, type RpcResponse } from '../../../shared/errors';
import { AppError, toAppError } from '../errors';
import type { Logger } from '../log';
import { traceRedis } from './redis-trace';

/** Who is calling: the engine's own code, or a client carrying (or not) a session token. */
export type Caller =
  | { kind: 'engine' }
  | {
      kind: 'client';
      session?: string | null;
      /** Where the call comes from, for the per-client sign-in limit ("web 127.0.0.1", "electron"). */
      client: string;
    };

/** What a handler learns about its call: the session's user (null for the engine and for open or operator calls). */
export interface CallContext {
  user: string | null;
  session: string | null;
  client: string;
}

export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>>;
};

/** Resolves a session token to its user (accounts/sessions.ts), null when it is not a live session. */
export interface SessionVerifier {
  verify(token: string): Promise<string | null>;
}

export interface DispatchResult {
  status: number;
  body: RpcResponse<unknown>;
}

const ENGINE_CONTEXT: CallContext = { user: null, session: null, client: 'engine' };

function fail(error: RpcErrorBody): DispatchResult {
  return { status: errorStatus[error.code], body: { ok: false, error } };
}

/** At most this much of any one text taken from the input into an error (a key name, a message listing keys). */
const ERROR_TEXT_MAX = 200;
const ISSUES_MAX = 20;
const clip = (text: string) => (text.length > ERROR_TEXT_MAX ? `${text.slice(0, ERROR_TEXT_MAX)}… (${text.length} characters)` : text);

/**
 * Maps zod issues to our codes: a field that says which code it wants (usernames) wins. The body
 * stays small whatever the input: 20 issues at most, each path and message clipped (an input
 * with thousands of unknown keys once got a 1.9 MB answer listing every one twice).
 */
export function validationError(method: string, error: z.ZodError): AppError {
  const issues = error.issues.slice(0, ISSUES_MAX).map((i) => ({ path: clip(i.path.map(String).join('.') || '(input)'), message: clip(i.message) }));
  const wantsUsername = error.issues.some((i) => (i as { params?: { code?: string } }).params?.code === 'invalid_username');
  const more = error.issues.length > ISSUES_MAX ? `; and ${error.issues.length - ISSUES_MAX} more` : '';
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ') + more;
  return new AppError(wantsUsername ? 'invalid_username' : 'invalid_input', `Invalid input for ${clip(method)}: ${summary}`, { issues });
}

async function untraced<T>(fn: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; trace?: undefined }> {
  try {
    return { outcome: { status: 'fulfilled', value: await fn() } };
  } catch (reason) {
    return { outcome: { status: 'rejected', reason } };
  }
}

export class RpcRouter {
  constructor(
    private readonly handlers: Handlers,
    private readonly log: Logger,
    private readonly sessions: SessionVerifier | null = null,
  ) {}

  /**
   * `trace`: collect the call's Redis commands (the "what happened in Redis" drawer). Off unless
   * asked: the collection follows every promise the call makes (AsyncLocalStorage) and every
   * command (ioredis's tracing channel), which a caller that shows nothing should not pay for.
   */
  async dispatch(method: string, rawInput: unknown, opts: { trace?: boolean; caller?: Caller } = {}): Promise<DispatchResult> {
    if (this.closed) return fail({ code: 'cluster_unavailable', message: 'Red K is stopping: this call was not run.' });
    this.inFlight++;
    try {
      return await this.dispatchOnce(method, rawInput, opts);
    } finally {
      if (--this.inFlight === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  private inFlight = 0;
  private idle: (() => void)[] = [];
  private closed = false;

  /**
   * Refuses new calls and waits (at most `timeoutMs`) for those running to finish, so that
   * stopping the engine does not pull the clients and the store from under them (a call left
   * running after its engine stopped kept its process alive and busy). Returns how many are
   * still running.
   */
  async close(timeoutMs: number): Promise<number> {
    this.closed = true;
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => this.idle.push(resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    }
    return this.inFlight;
  }

  /** The user of a live session, else null (the web shell's event stream asks, to route direct messages). */
  async sessionUser(token: string): Promise<string | null> {
    return this.sessions ? this.sessions.verify(token) : null;
  }

  /**
   * The context a call runs with, or the reason it may not run: unauthorized without a live
   * session where one is needed, forbidden when it names another user as the one acting.
   */
  private async authorize(method: MethodName, input: Record<string, unknown>, caller: Caller): Promise<CallContext> {
    if (caller.kind === 'engine') return ENGINE_CONTEXT;
    const rule = access[method];
    const session = caller.session || null;
    if (rule.kind === 'operator' || rule.kind === 'open') return { user: null, session, client: caller.client };
    if (!session) throw new AppError('unauthorized', `Sign in first: ${method} needs a session (the X-Redk-Session header of the web shell).`);
    const user = this.sessions ? await this.sessions.verify(session) : null;
    if (!user) throw new AppError('unauthorized', 'Your session has ended (signed out, expired, or lost with the cache): sign in again.');
    if (rule.kind === 'member') {
      for (const field of rule.self ?? []) {
        const named = input[field];
        if (named !== undefined && named !== user) {
          throw new AppError('forbidden', `${method} acts as the signed-in user "${user}"; its ${field} may not name "${clip(String(named))}".`);
        }
      }
    } else if (!rule.pair.some((field) => input[field] === user)) {
      throw new AppError('forbidden', `Only the two people in a conversation may read it; "${user}" is not one of them.`);
    }
    return { user, session, client: caller.client };
  }

  private async dispatchOnce(method: string, rawInput: unknown, opts: { trace?: boolean; caller?: Caller }): Promise<DispatchResult> {
    if (typeof method !== 'string' || !isMethodName(method)) {
      const shown = typeof method === 'string' ? method.slice(0, 80) : typeof method;
      return fail({ code: 'unknown_method', message: `Unknown method "${shown}".` });
    }
    const parsed = contract[method].input.safeParse(rawInput === undefined ? {} : rawInput);
    if (!parsed.success) return fail(validationError(method, parsed.error).toBody());
    const handler = this.handlers[method] as (input: unknown, ctx: CallContext) => Promise<unknown>;
    const caller = opts.caller ?? { kind: 'engine' };
    const run = async () => handler(parsed.data, await this.authorize(method, parsed.data as Record<string, unknown>, caller));
    const { outcome, trace } = opts.trace ? await traceRedis(method, run) : await untraced(run);
    if (outcome.status === 'fulfilled') {
      return { status: 200, body: trace ? { ok: true, data: outcome.value, trace } : { ok: true, data: outcome.value } };
    }
    const appError = toAppError(outcome.reason);
    if (appError.status >= 500 && appError.code !== 'not_implemented') {
      this.log.warn(`${method} failed: ${appError.code}: ${appError.message}`);
    }
    const failed = fail(appError.toBody());
    return { status: failed.status, body: trace ? { ...failed.body, trace } : failed.body };
  }
}
