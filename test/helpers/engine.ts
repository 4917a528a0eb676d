import { Engine, type EngineOptions } from '../../src/main/core/engine';
import { silentLogger } from '../../src/main/core/log';
import { suiteConfig } from './cluster';
import { flushCluster } from './flush';
import { tempDir } from './temp-dirs';

/**
 * An engine on the suite's shared cluster with a fresh embedded store of its own, the cluster
 * flushed first (test files run one at a time), and a `call` that throws on error answers.
 */
export async function startTestEngine(opts: Partial<EngineOptions> = {}) {
  const config = suiteConfig();
  config.stores.embeddedDir = tempDir('redk-store');
  const engine = await Engine.start(config, { log: silentLogger, shell: 'web', ...opts });
  await flushCluster(engine.redis);
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const res = await engine.router.dispatch(method, input);
    if (!res.body.ok) throw Object.assign(new Error(`${method}: ${res.body.error.message}`), { code: res.body.error.code, status: res.status });
    return res.body.data as T;
  };
  return { engine, call };
}
