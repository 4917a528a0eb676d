import { describe, expect, it } from 'vitest';
import { newOpId } from '../../src/main/core/ids';

describe('newOpId (R8)', () => {
  it('gives 16 base64url characters (96 bits), never the same twice across several refills of its pool', () => {
    const ids = Array.from({ length: 2000 }, () => newOpId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
