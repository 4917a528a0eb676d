import { z } from 'zod';

/**
 * Usernames and ids become part of Redis keys and hash tags (`{user:<name>}`), and part of
 * SCAN patterns. A `{` or `}` would move the hash tag, `*?[` would widen a pattern, `:` would
 * fake a key family and whitespace hides mistakes; so the allowed alphabet is closed (R1).
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidUsername(value: string): boolean {
  return USERNAME_PATTERN.test(value);
}

export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export const usernameSchema = z.string().refine(isValidUsername, {
  message: 'usernames are 1-32 characters of letters, digits, "_", "." or "-" (no braces, colons, wildcards or spaces)',
  params: { code: 'invalid_username' },
});

export const idSchema = z.string().refine(isValidId, {
  message: 'ids are 1-64 characters of letters, digits, "_" or "-"',
  params: { code: 'invalid_input' },
});
