/**
 * The staff console (工作台), built with Vite into console/dist, which the API serves at /console/.
 * Element Plus components are imported on demand (unplugin-vue-components), so each route's
 * chunk carries only what it uses; `bundleReport` prints the gzipped sizes after every build and
 * fails the build when the sign-in screen's JavaScript exceeds its budget.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { bundleReport } from './bundle-report.mts';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  // The console is built on the API alone; nothing is read from the environment.
  envPrefix: 'WHISTLE_CONSOLE_',
  plugins: [
    vue(),
    Components({
      dirs: [],
      dts: "types/components.d.ts",
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
    }),
    bundleReport({ entryRoute: 'src/views/account/SignIn.vue', budgetKb: 350 }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    // No inline script in index.html (the CSP forbids it): the entry is a file.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      output: {
        // Element Plus's shared chunks are named after their first component (not "css").
        chunkFileNames: (chunk) => {
          const component = chunk.moduleIds.map((id) => /element-plus\/es\/components\/([^/]+)\//.exec(id)?.[1]).find(Boolean);
          return component && !chunk.facadeModuleId?.includes('/console/src/') ? `assets/ep-${component}-[hash].js` : 'assets/[name]-[hash].js';
        },
      },
    },
  },
});
