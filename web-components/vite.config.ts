// Two library builds of the elements (like shoelace's cdn/ and dist/):
//   dist/cdn/store-manager.js — one ES module with Lit bundled, for <script type="module">;
//   dist/npm/ — unbundled modules that import lit, for npm consumers and their bundlers.
import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => {
  const npm = mode === 'npm';
  return {
    build: {
      target: 'es2022',
      outDir: npm ? 'dist/npm' : 'dist/cdn',
      emptyOutDir: true,
      minify: !npm,
      sourcemap: true,
      lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => (npm ? 'index.js' : 'store-manager.js') },
      rolldownOptions: npm
        ? { external: [/^lit/, /^@lit/, 'eventsource-parser'], output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' } }
        : {},
    },
  };
});
