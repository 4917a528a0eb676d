/** Find-as-you-type over users.search, shared by the sign-in screen and the side nav. */
import { useEffect, useState } from 'react';
import type { UserSummary } from '../../../shared/types';
import { client } from '../api/client';
import { readable, type ReadableError } from '../api/errors';
import type { LoadStatus } from './status';

/** Typing pauses shorter than this send no request. */
export const SEARCH_DEBOUNCE_MS = 150;
/** What users.search accepts as a prefix: the username alphabet (names.ts), up to 32 characters. */
const PREFIX = /^[A-Za-z0-9_.-]{0,32}$/;

/** What a person typed, as a prefix: trimmed, without a leading "@". */
export function searchPrefix(text: string): string {
  return text.trim().replace(/^@/, '');
}

export interface UserSearch {
  /** The prefix `results` are for. */
  prefix: string;
  results: UserSummary[];
  /** 'loading' from the first keystroke, through the debounce, until the answer. */
  status: LoadStatus;
  error: ReadableError | null;
  /** The text cannot start any username (a character outside the alphabet, or too long): no request. */
  invalid: boolean;
  retry(): void;
}

interface Options {
  limit?: number;
  /** Search with an empty box too (the first users); otherwise an empty box shows nothing. */
  allowEmpty?: boolean;
}

interface Answer {
  prefix: string;
  results: UserSummary[];
  status: LoadStatus;
  error: ReadableError | null;
}

const nothing: Answer = { prefix: '', results: [], status: 'idle', error: null };

export function useUserSearch(text: string, { limit = 20, allowEmpty = false }: Options = {}): UserSearch {
  const prefix = searchPrefix(text);
  const invalid = !PREFIX.test(prefix);
  const active = !invalid && (allowEmpty || prefix !== '');
  const [answer, setAnswer] = useState<Answer>(nothing);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!active) {
      setAnswer(nothing);
      return;
    }
    let stale = false;
    setAnswer((a) => ({ ...a, status: 'loading', error: null }));
    const timer = setTimeout(() => {
      client.call('users.search', { prefix, limit }).then(
        (results) => {
          if (!stale) setAnswer({ prefix, results, status: 'ready', error: null });
        },
        (err: unknown) => {
          if (!stale) setAnswer({ prefix, results: [], status: 'error', error: readable(err) });
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [prefix, limit, active, attempt]);

  // While the next answer is on its way, the last one narrowed to what still matches: never a
  // name that does not start with what is in the box.
  const folded = prefix.toLowerCase();
  const results = answer.prefix === prefix ? answer.results : answer.results.filter((u) => u.username.toLowerCase().startsWith(folded));
  return { ...answer, results, invalid, retry: () => setAttempt((n) => n + 1) };
}
