/** Vitest setup file: after each test file (its own afterAll hooks run first), remove its temp folders. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs';

afterAll(() => removeTempDirs());
