/**
 * Ids and timestamps made by the engine. Times are strictly increasing within a process, so
 * "newest first" never has ties; ids sort like their creation time (base36 time + counter +
 * random), are valid key parts (R1) and are unique across engines.
 */
import { randomBytes } from 'node:crypto';

export type Clock = () => number;

export function monotonicClock(source: Clock = Date.now): Clock {
  let last = 0;
  return () => {
    const now = source();
    last = now > last ? now : last + 1;
    return last;
  };
}

export function newId(at: number): string {
  return `${at.toString(36).padStart(9, '0')}${randomBytes(5).toString('hex')}`;
}

const OP_ID_BYTES = 12;
let opIdPool = Buffer.alloc(0);
let opIdAt = 0;

/**
 * An operation id (R8): one per service call that is not naturally idempotent, sent with each of
 * its scripts so that a resent command is recognised on its slot. 96 random bits, base64url (a
 * valid key part).
 */
export function newOpId(): string {
  // From a pool refilled 256 ids at a time: one randomBytes per like took ~3% of the engine's
  // main thread under load (as crypto.randomUUID, which keeps such a pool too).
  if (opIdAt + OP_ID_BYTES > opIdPool.length) {
    opIdPool = randomBytes(OP_ID_BYTES * 256);
    opIdAt = 0;
  }
  const id = opIdPool.toString('base64url', opIdAt, opIdAt + OP_ID_BYTES);
  opIdAt += OP_ID_BYTES;
  return id;
}
