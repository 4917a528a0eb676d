import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, loadConfig } from '../../src/main/core/config';
import { AppError } from '../../src/main/core/errors';
import { tempDir } from '../helpers/temp-dirs';

const dir = () => tempDir('redk-config');

describe('config loader', () => {
  it('defaults to an embedded cluster on 7000 with the local node timeout and volatile-lru', () => {
    const config = loadConfig({}, { REDK_DATA_DIR: dir() });
    expect(config.redis).toMatchObject({ mode: 'embedded', portBase: 7000, nodeTimeoutMs: 5000, maxmemoryPolicy: 'volatile-lru', scaleReads: 'master' });
    expect(config.http.port).toBe(7390);
    expect(config.sync.intervalMs).toBe(300_000);
    expect(config.stores.sharedBuffersMb).toBe(32);
    expect(config.smallHeap).toBe(true);
    expect(loadConfig({}, { REDK_DATA_DIR: dir(), REDK_SMALL_HEAP: '0' }).smallHeap).toBe(false);
    expect(loadConfig({}, { REDK_DATA_DIR: dir(), REDK_STORE_SHARED_BUFFERS_MB: '128' }).stores.sharedBuffersMb).toBe(128);
    expect(() => loadConfig({}, { REDK_DATA_DIR: dir(), REDK_STORE_SHARED_BUFFERS_MB: '0' })).toThrow(AppError);
  });

  it('layers file < env < overrides', () => {
    const dataDir = dir();
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ redis: { portBase: 8000, nodeTimeoutMs: 15000 }, http: { port: 9000 } }));
    const env = { REDK_DATA_DIR: dataDir, REDK_REDIS_PORT_BASE: '8100', REDK_TOKEN: 'token-from-env' };
    const config = loadConfig({ http: { port: 9100 } }, env);
    expect(config.redis.portBase).toBe(8100);
    expect(config.redis.nodeTimeoutMs).toBe(15000);
    expect(config.http).toEqual({ port: 9100, token: 'token-from-env' });
  });

  it('switches to an external cluster when seeds are given, with a natMap from JSON', () => {
    const config = loadConfig({}, {
      REDK_DATA_DIR: dir(),
      REDK_REDIS_SEEDS: '127.0.0.1:7000, 127.0.0.1:7001',
      REDK_REDIS_NAT_MAP: JSON.stringify({ '172.30.0.11:7000': { host: '127.0.0.1', port: 7000 } }),
    });
    expect(config.redis.mode).toBe('external');
    expect(config.redis.seeds).toEqual(['127.0.0.1:7000', '127.0.0.1:7001']);
    expect(config.redis.natMap?.['172.30.0.11:7000']).toEqual({ host: '127.0.0.1', port: 7000 });
  });

  it('names the bad value and where config comes from', () => {
    const bad = (env: Record<string, string>) => () => loadConfig({}, { REDK_DATA_DIR: dir(), ...env });
    expect(bad({ REDK_REDIS_PORT_BASE: 'seven' })).toThrow(/REDK_REDIS_PORT_BASE=seven is not a whole number/);
    expect(bad({ REDK_REDIS_PORT_BASE: '80' })).toThrow(/redis\.portBase/);
    expect(bad({ REDK_MONGO_URL: 'http://x' })).toThrow(/stores\.mongoUrl: a mongodb:\/\/ URL/);
    expect(bad({ REDK_REDIS_NAT_MAP: '{nope' })).toThrow(AppError);
  });

  it('rejects a config file that is not JSON, naming the file', () => {
    const dataDir = dir();
    writeFileSync(join(dataDir, 'config.json'), '{ not json');
    expect(() => loadConfig({}, { REDK_DATA_DIR: dataDir })).toThrow(/config\.json is not valid JSON/);
  });

  it('ignores prototype keys in the config file', () => {
    const dataDir = dir();
    writeFileSync(join(dataDir, 'config.json'), '{"__proto__": {"polluted": true}, "redis": {"portBase": 7100}}');
    const config = loadConfig({}, { REDK_DATA_DIR: dataDir });
    expect(config.redis.portBase).toBe(7100);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('puts the data folder where each OS keeps app data', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/redk-desktop');
    expect(defaultDataDir({ APPDATA: 'C:\\AppData' }, 'win32')).toContain('redk-desktop');
    expect(defaultDataDir({}, 'darwin')).toContain(join('Library', 'Application Support', 'redk-desktop'));
  });
});
