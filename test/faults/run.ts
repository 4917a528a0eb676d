/**
 * `npm run test:faults [-- --long]`: the fault suite (test/faults) and the parallel coherence
 * model. The default is the size `npm test` runs; --long repeats the nemesis rounds and runs the
 * parallel model for 20,000 operations (several minutes more).
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { long: { type: 'boolean', default: false } } });
const env = { ...process.env };
if (values.long) {
  env.REDK_FAULT_ROUNDS ??= '4';
  env.REDK_MODEL_PARALLEL_STEPS ??= '20000';
  env.REDK_MODEL_STEPS ??= '10000';
}
const vitest = ['node_modules/vitest/vitest.mjs', 'run', '--project', 'faults', '--project', 'integration', 'test/faults/', 'test/integration/coherence-parallel.test.ts', ...(values.long ? ['test/integration/coherence.test.ts'] : [])];
const result = spawnSync(process.execPath, vitest, { stdio: 'inherit', env });
process.exit(result.status ?? 1);
