// Renders the store chart with the real Helm 4 binary and parses the manifests as data.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';

export const chartDir = path.resolve(import.meta.dirname, '..');
const repoRoot = path.resolve(chartDir, '..');

let toolsDir: string | undefined;
export function helmBinary(): string {
  toolsDir ??= execFileSync('bash', [path.join(repoRoot, 'cluster/tools.sh')], { encoding: 'utf8' }).trim();
  return path.join(toolsDir, 'helm');
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function helm(...args: string[]): HelmResult {
  const result = spawnSync(helmBinary(), args, { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: '/tmp/storefleet-helm-cache' } });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export const valuesFile = (name: string) => path.join(chartDir, name);

export interface RenderOptions {
  valuesFiles?: string[];
  set?: Record<string, string>;
  release?: string;
  namespace?: string;
}

export function templateArgs({ valuesFiles = [], set = {}, release = 'shop1', namespace = 'store-shop1' }: RenderOptions): string[] {
  return [
    'template', release, chartDir, '--namespace', namespace,
    ...valuesFiles.flatMap((f) => ['-f', valuesFile(f)]),
    ...Object.entries({ existingSecret: 'shop1-credentials', ...set }).flatMap(([k, v]) => ['--set-string', `${k}=${v}`]),
  ];
}

/** Renders the chart (hooks and tests included) and returns every object. */
export function render(options: RenderOptions = {}): k8s.KubernetesObject[] {
  const result = helm(...templateArgs(options));
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return k8s.loadAllYaml(result.stdout).filter(Boolean) as k8s.KubernetesObject[];
}

/** Every pod spec in the objects, with where it came from. */
export function podSpecs(objects: k8s.KubernetesObject[]): Array<{ owner: string; spec: k8s.V1PodSpec }> {
  return objects.flatMap((object) => {
    const owner = `${object.kind}/${object.metadata?.name}`;
    const o = object as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const spec: k8s.V1PodSpec | undefined =
      object.kind === 'Pod' ? o.spec
      : object.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec
      : o.spec?.template?.spec;
    return spec ? [{ owner, spec }] : [];
  });
}
