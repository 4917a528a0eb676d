import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { cpSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

/** The Lua scripts are read at runtime from lua/ next to the main bundle. */
function copyLuaScripts(): Plugin {
  return {
    name: 'redk-copy-lua',
    closeBundle() {
      cpSync(resolve('src/main/core/lua'), resolve('out/main/lua'), {
        recursive: true,
        filter: (src) => !/\.[a-z]+$/.test(src) || src.endsWith('.lua'),
      });
    },
  };
}

export default defineConfig({
  main: {
    plugins: [copyLuaScripts()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          // Started as a worker thread, found next to index.js (see pglite-worker-db.ts).
          'pglite-worker': resolve('src/main/core/stores/embedded/pglite-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can only require('electron'): bundle everything else into one CJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
