import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// Debian's Chromium: browser downloads are not available, and the system one is what users run.
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

// Projects: `unit` (pure logic, fast, no cluster), `browser` (the elements in real Chromium),
// `cluster` (real Kubernetes, real Helm, real Chromium against the real API; its global setup
// picks or starts the cluster) and `bench`. `npm test` runs all but bench.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.cluster.test.ts', 'web-components/src/**'],
        },
      },
      {
        test: {
          name: 'browser',
          include: ['web-components/src/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: CHROMIUM }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['**/*.cluster.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['cluster/test/global-setup.ts'],
          setupFiles: ['cluster/test/after-each-file.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          // One real node with 2 cores: suites share it one file at a time.
          fileParallelism: false,
        },
      },
      {
        // `npm run bench`: printed measurements on the real cluster, never timed assertions.
        test: {
          name: 'bench',
          include: ['**/*.bench.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['cluster/test/global-setup.ts'],
          testTimeout: 1_800_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
