import { describe, expect, it } from 'vitest';
import { hashTagOf, keySlotInfo } from '../../src/main/core/cluster/keyslot';
import type { Topology } from '../../src/shared/types';

describe('hash tags', () => {
  it('uses the text between the first { and the next }', () => {
    expect(hashTagOf('{user:alice}:feed:all')).toBe('user:alice');
    expect(hashTagOf('a{b}c{d}')).toBe('b');
    expect(hashTagOf('{}x{y}')).toBeNull();
    expect(hashTagOf('no-tag')).toBeNull();
    expect(hashTagOf('{open')).toBeNull();
  });
});

describe('keySlotInfo', () => {
  const topology: Topology = {
    state: 'ok', slotsAssigned: 16384, slotsOk: 16384, knownNodes: 3, currentEpoch: 3,
    observedFrom: '127.0.0.1:7000', observedAt: 0, mode: 'embedded',
    nodes: [
      { id: 'a'.repeat(40), address: '127.0.0.1:7000', host: '127.0.0.1', port: 7000, role: 'master', masterId: null, health: 'ok', linkState: 'connected', flags: ['master'], slots: [{ start: 0, end: 8191 }], configEpoch: 1 },
      { id: 'b'.repeat(40), address: '127.0.0.1:7001', host: '127.0.0.1', port: 7001, role: 'master', masterId: null, health: 'ok', linkState: 'connected', flags: ['master'], slots: [{ start: 8192, end: 16383 }], configEpoch: 2 },
      { id: 'c'.repeat(40), address: '127.0.0.1:7002', host: '127.0.0.1', port: 7002, role: 'replica', masterId: 'a'.repeat(40), health: 'ok', linkState: 'connected', flags: ['slave'], slots: [], configEpoch: 1 },
    ],
  };

  it('gives keys with the same tag the same slot and owner', () => {
    const a = keySlotInfo('{user:alice}:feed:all', topology);
    const b = keySlotInfo('{user:alice}:profile', topology);
    expect(a.slot).toBe(b.slot);
    expect(a.master).toEqual(b.master);
    expect(a.hashTag).toBe('user:alice');
  });

  it('computes the CRC16 slot Redis uses (known values) and finds master and replicas', () => {
    expect(keySlotInfo('foo', topology).slot).toBe(12182);
    const bar = keySlotInfo('bar', topology);
    expect(bar.slot).toBe(5061);
    expect(bar.master?.address).toBe('127.0.0.1:7000');
    expect(bar.replicas.map((r) => r.address)).toEqual(['127.0.0.1:7002']);
  });
});
