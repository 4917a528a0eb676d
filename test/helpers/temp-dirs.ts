/**
 * Temp folders for tests, removed after the test file's last test (test/helpers/temp-dirs-setup.ts
 * registers that for every file): engines, stores and static roots made by a test never outlive
 * its file. Before this, each `npm test` left ~500 MB of PGlite stores in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new, empty folder named `<prefix>-XXXXXX` under the OS temp folder. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes every folder tempDir made in this file (called once its tests and hooks are done). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
