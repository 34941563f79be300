// Benchmark (not a test): the gzip size of the embeddable bundle (Lit included), against a
// one-element Lit bundle built the same way in the same run. Goal: ≤ 25 KB gzip.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, expect, it } from 'vitest';
import { recordBenchResult } from '../../bench/results.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BUDGET_BYTES = 25 * 1024;
const outDirs: string[] = [];

// Vitest sets NODE_ENV=test, which makes Vite pick Lit's development build; measure what
// `npm run build` ships.
process.env.NODE_ENV = 'production';

afterAll(() => Promise.all(outDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Builds `entry` as one minified ES module with its dependencies bundled; returns its bytes. */
async function bundle(entry: string, useProjectConfig: boolean): Promise<Buffer> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'storefleet-bench-'));
  outDirs.push(outDir);
  await build({
    root: ROOT,
    configFile: useProjectConfig ? path.join(ROOT, 'vite.config.ts') : false,
    mode: 'production',
    logLevel: 'silent',
    build: {
      outDir, emptyOutDir: true, sourcemap: false, minify: true, target: 'es2022',
      lib: { entry, formats: ['es'], fileName: () => 'bundle.js' },
    },
  });
  return readFile(path.join(outDir, 'bundle.js'));
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

it('embeddable bundle: gzip size with Lit included', async () => {
  const element = await bundle('src/index.ts', true);
  const baseline = await bundle('bench/lit-baseline.ts', false);
  const gzipped = gzipSync(element).length;
  const baselineGzipped = gzipSync(baseline).length;
  console.log([
    `store-manager bundle: ${kb(element.length)} minified, ${kb(gzipped)} gzip (goal ≤ ${kb(BUDGET_BYTES)})`,
    `baseline, one Lit element: ${kb(baseline.length)} minified, ${kb(baselineGzipped)} gzip`,
    `storefleet's own code: ${kb(gzipped - baselineGzipped)} gzip; ratio to baseline ${(gzipped / baselineGzipped).toFixed(2)}×`,
  ].join('\n'));
  await recordBenchResult({
    id: 'bundle',
    title: 'gzip size of store-manager.js (Lit included)',
    metrics: [
      { name: 'store-manager.js gzip', value: gzipped / 1024, unit: 'KB', goal: { op: '<=', value: BUDGET_BYTES / 1024 } },
      { name: 'one-element Lit baseline gzip', value: baselineGzipped / 1024, unit: 'KB' },
    ],
  });
  expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
}, 120_000);
