import { describe, expect, it } from 'vitest';
import { parseClusterNodes, parseInfo, slotCount } from '../../src/main/core/cluster/nodes-parser';

const SAMPLE = [
  '07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,hostname4 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected',
  '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922',
  '292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master,fail - 1426238316232 1426238316232 3 disconnected 10923-16383',
  'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5459 5460 [5461->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]',
  '6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 slave,fail? 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 5 connected',
].join('\n');

describe('CLUSTER NODES parser', () => {
  const nodes = parseClusterNodes(SAMPLE);

  it('reads address, role and master of every line, sorted by port', () => {
    expect(nodes.map((n) => [n.port, n.role])).toEqual([
      [30001, 'master'],
      [30002, 'master'],
      [30003, 'master'],
      [30004, 'replica'],
      [30005, 'replica'],
    ]);
    expect(nodes[3]!.address).toBe('127.0.0.1:30004');
    expect(nodes[3]!.masterId).toBe('e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca');
  });

  it('keeps owned slot ranges and single slots, not migrations in progress', () => {
    expect(nodes[0]!.slots).toEqual([{ start: 0, end: 5459 }, { start: 5460, end: 5460 }]);
    expect(slotCount(nodes[0]!.slots)).toBe(5461);
  });

  it('maps fail and fail? flags to fail and pfail health, and the link state', () => {
    expect(nodes[2]!.health).toBe('fail');
    expect(nodes[2]!.linkState).toBe('disconnected');
    expect(nodes[4]!.health).toBe('pfail');
    expect(nodes[1]!.health).toBe('ok');
  });
});

describe('INFO parser', () => {
  it('reads key:value lines and skips section headers', () => {
    expect(parseInfo('# Memory\r\nused_memory:1024\r\nused_memory_human:1.00K\r\n\r\n# Stats\r\nkeyspace_hits:3\r\n')).toEqual({
      used_memory: '1024',
      used_memory_human: '1.00K',
      keyspace_hits: '3',
    });
  });
});
