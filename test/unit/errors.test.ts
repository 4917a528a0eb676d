import { describe, expect, it } from 'vitest';
import { AppError, toAppError } from '../../src/main/core/errors';

describe('toAppError: what the cluster says during trouble becomes a clear code', () => {
  it.each([
    'Too many Cluster redirections. Last error: ReplyError: MOVED 12063 127.0.0.1:21762',
    'MOVED 3999 127.0.0.1:7001',
    'ASK 3999 127.0.0.1:7001',
    'TRYAGAIN Multiple keys request during rehashing of slot',
    'CLUSTERDOWN The cluster is down',
    'CLUSTERDOWN Hash slot not served',
    'LOADING Redis is loading the dataset in memory',
    'READONLY You can\'t write against a read only replica.',
    'connect ECONNREFUSED 127.0.0.1:7000',
    'read ECONNRESET',
    'Connection is closed.',
    'Stream isn\'t writeable and enableOfflineQueue options is false',
    'Cluster isn\'t ready and enableOfflineQueue options is false',
    'Failed to refresh slots cache.',
  ])('%s → cluster_unavailable (503)', (message) => {
    const e = toAppError(new Error(message));
    expect(e.code).toBe('cluster_unavailable');
    expect(e.status).toBe(503);
    expect(e.message).toContain(message.split(' ')[0]!);
  });

  it('a redirection loop names the slot the nodes disagree about', () => {
    const e = toAppError(new Error('Too many Cluster redirections. Last error: ReplyError: MOVED 1043 127.0.0.1:10910'));
    expect(e.message).toMatch(/^The Redis Cluster cannot serve slot 1043 \(its nodes disagree about who owns it\) right now/);
    expect(toAppError(new Error('CLUSTERDOWN The cluster is down')).message).toMatch(/cannot serve this request right now/);
  });

  it('keeps AppErrors as they are and maps timeouts to 504', () => {
    const own = new AppError('not_found', 'Post p1 does not exist.');
    expect(toAppError(own)).toBe(own);
    expect(toAppError(new Error('operation timed out')).status).toBe(504);
    // ioredis's commandTimeout is a node that does not answer: the cluster is unavailable there.
    expect(toAppError(new Error('Command timed out')).code).toBe('cluster_unavailable');
  });

  it('anything else is an internal error that still carries its message', () => {
    const e = toAppError(new TypeError('x is undefined'));
    expect(e.code).toBe('internal');
    expect(e.message).toContain('x is undefined');
  });
});
