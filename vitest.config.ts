import { defineConfig } from 'vitest/config';

/**
 * Engines the tests start as processes (serve, CLI) read REDK_* from the environment: the suites
 * drill and fail over again and again, so they run without the failover cooldown (its own tests
 * set it), and they create hundreds of users, so password hashes cost 2^10 instead of 2^16.
 */
const env = { REDK_FAILOVER_COOLDOWN_MS: '0', REDK_SCRYPT_COST: '10' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          env,
          setupFiles: ['test/helpers/temp-dirs-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          env,
          setupFiles: ['test/helpers/temp-dirs-setup.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // One real cluster is shared; files run one after another so failovers don't overlap.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'stores',
          include: ['test/stores/**/*.test.ts'],
          environment: 'node',
          env,
          setupFiles: ['test/helpers/temp-dirs-setup.ts'],
          // Each file starts its own Java/Go server; on 2 cores they must not overlap.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          // Real crashes, hangs and signals: each file starts the processes and clusters it
          // breaks, on its own ports and folders, and stops them.
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          env,
          setupFiles: ['test/helpers/temp-dirs-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // After every other project, alone: its bounds (no call over 5 s, a node back within
          // 15 s) are about the engine, not about sharing 2 cores with the e2e and store tests.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          env,
          setupFiles: ['test/helpers/temp-dirs-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
