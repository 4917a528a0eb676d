import type { SuggestionDoc } from './ports';

/** The one ordering of suggestions (score desc, then username by code point), shared by adapters. */
export function bySuggestionRank(a: SuggestionDoc, b: SuggestionDoc): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.username < b.username ? -1 : a.username > b.username ? 1 : 0;
}
