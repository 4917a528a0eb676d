import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/main/core/config';

/** Config pointing at the suite's shared cluster (global-setup), in embedded mode so it is reused. */
export function suiteConfig(over: { scaleReads?: Config['redis']['scaleReads'] } = {}): Config {
  const { portBase, dataDir } = inject('cluster');
  return loadConfig(
    { dataDir, redis: { portBase, nodeTimeoutMs: 2000, maxmemory: '64mb', ...over } },
    { REDK_DATA_DIR: dataDir },
  );
}
