import { describe, expect, it } from 'vitest';
import { fillUnlessFull, isOutOfMemory, MEMORY_ATTEMPTS, withMemoryRelief } from '../../src/main/core/cache/memory-relief';

const oom = () => new Error("OOM command not allowed when used memory > 'maxmemory'.");
const execAbort = (previous: Error[]) => Object.assign(new Error('EXECABORT Transaction discarded because of previous errors.'), { previousErrors: previous });

describe('memory relief (R2 under pressure)', () => {
  it('knows an OOM refusal, alone, inside a script error, or inside a discarded MULTI', () => {
    expect(isOutOfMemory(oom())).toBe(true);
    expect(isOutOfMemory(new Error("ERR Error running script (call to f_x): @user_script:3: OOM command not allowed when used memory > 'maxmemory'."))).toBe(true);
    expect(isOutOfMemory(execAbort([oom()]))).toBe(true);
    expect(isOutOfMemory(execAbort([new Error('WRONGTYPE Operation against a key holding the wrong kind of value')]))).toBe(false);
    expect(isOutOfMemory(new Error('MOVED 1 127.0.0.1:7000'))).toBe(false);
    expect(isOutOfMemory(null)).toBe(false);
  });

  it('relieves and runs the step again; after MEMORY_ATTEMPTS refusals it says why, as cluster_unavailable', async () => {
    let runs = 0;
    let reliefs = 0;
    const relieve = async () => {
      reliefs++;
    };
    await expect(withMemoryRelief('a like', async () => (++runs < 3 ? Promise.reject(oom()) : 'done'), relieve)).resolves.toBe('done');
    expect([runs, reliefs]).toEqual([3, 2]);
    runs = 0;
    reliefs = 0;
    await expect(withMemoryRelief('a like', async () => Promise.reject(oom()).finally(() => runs++), relieve)).rejects.toMatchObject({ code: 'cluster_unavailable', message: expect.stringMatching(/no memory left for a like/) });
    expect([runs, reliefs]).toEqual([MEMORY_ATTEMPTS, MEMORY_ATTEMPTS - 1]);
    // Any other error goes through at once.
    await expect(withMemoryRelief('a like', async () => Promise.reject(new Error('boom')), relieve)).rejects.toThrow('boom');
    expect(reliefs).toBe(MEMORY_ATTEMPTS - 1);
  });

  it('a cache fill refused for memory is skipped; other failures are not', async () => {
    await expect(fillUnlessFull(Promise.reject(execAbort([oom()])))).resolves.toBeUndefined();
    await expect(fillUnlessFull(Promise.reject(new Error('CLUSTERDOWN')))).rejects.toThrow('CLUSTERDOWN');
  });
});
