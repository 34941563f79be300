// The entrypoint's own logic with a stand-in `helm` on PATH that records its calls and plays
// a scripted release state. (The real Helm runs it in the cluster suites.)
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const entrypoint = path.join(import.meta.dirname, 'entrypoint.sh');

interface Scenario {
  operation: string;
  listStatus?: string;
  failWith?: string;
}

function run({ operation, listStatus, failWith }: Scenario) {
  const dir = mkdtempSync(path.join(tmpdir(), 'provisioner-'));
  writeFileSync(path.join(dir, 'helm'), `#!/bin/sh
echo "$*" >> "${dir}/calls"
case "$1" in
  list) ${listStatus ? `echo "- name: shop1"; echo "  status: ${listStatus}"` : 'true'} ;;
  upgrade|rollback) ${failWith ? `printf '%s\\n' '${failWith}'; exit 1` : 'echo "Release \\"shop1\\" has been upgraded."'} ;;
esac
`);
  chmodSync(path.join(dir, 'helm'), 0o755);
  const result = spawnSync('sh', [entrypoint], {
    encoding: 'utf8',
    env: {
      PATH: `${dir}:/usr/bin:/bin`, TMPDIR: dir, TERMINATION_LOG: path.join(dir, 'termination'),
      OPERATION: operation, RELEASE: 'shop1', NAMESPACE: 'store-shop1', STORE_VALUES: '{"plan":"small"}', HELM_TIMEOUT: '90s',
    },
  });
  const read = (file: string) => { try { return readFileSync(path.join(dir, file), 'utf8'); } catch { return ''; } };
  return {
    code: result.status,
    lines: result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { step: string; status: string; message: string }),
    calls: read('calls').trim().split('\n'),
    termination: read('termination').trim(),
    values: read('storefleet/values.yaml').trim(),
  };
}

/** A directory with a stand-in `helm` whose `upgrade` runs `upgrade`, and the entrypoint's env for an install. */
function fakeHelm(prefix: string, upgrade: string) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  writeFileSync(path.join(dir, 'helm'), `#!/bin/sh\ncase "$1" in\n  list) true ;;\n  upgrade) ${upgrade} ;;\nesac\n`);
  chmodSync(path.join(dir, 'helm'), 0o755);
  const env = { PATH: `${dir}:/usr/bin:/bin`, TMPDIR: dir, TERMINATION_LOG: path.join(dir, 'termination'), OPERATION: 'install', RELEASE: 'shop1', NAMESPACE: 'store-shop1', STORE_VALUES: '{}' };
  return { dir, env };
}

describe('provisioner entrypoint', () => {
  it('installs with --wait, --rollback-on-failure and a timeout, one JSON line per step', () => {
    const result = run({ operation: 'install' });
    expect(result.code).toBe(0);
    expect(result.calls.at(-1)).toMatch(/^upgrade --install shop1 \/chart -n store-shop1 -f .*\/values.yaml --wait --rollback-on-failure --timeout 90s --debug$/);
    expect(result.values).toBe('{"plan":"small"}');
    expect(result.lines.map((l) => `${l.step}:${l.status}`)).toEqual(['start:started', 'inspect:succeeded', 'install:started', 'install:output', 'done:succeeded']);
    expect(result.termination).toBe('The store is ready: install completed.');
  });

  it('recovers a pending install before installing again', () => {
    const result = run({ operation: 'install', listStatus: 'pending-install' });
    expect(result.calls.map((c) => c.split(' ')[0])).toEqual(['list', 'uninstall', 'upgrade']);
    expect(result.code).toBe(0);
  });

  it('rolls back a pending upgrade', () => {
    const result = run({ operation: 'upgrade', listStatus: 'pending-upgrade' });
    expect(result.calls[1]).toMatch(/^rollback shop1 0 -n store-shop1 --wait/);
  });

  it('fails with a plain reason on a readiness timeout, and quotes Helm safely', () => {
    const result = run({ operation: 'install', failWith: 'Error: resource Deployment/x not ready "quoted": context deadline exceeded' });
    expect(result.code).toBe(1);
    expect(result.termination).toBe("The store did not become ready within 90s; its pods were not ready. Check the store's events and retry.\ncode: NotReadyInTime");
    expect(result.lines.find((l) => l.status === 'output')!.message).toContain('"quoted"');
    expect(result.lines.at(-1)).toMatchObject({ step: 'done', status: 'failed' });
  });

  it('says a failed setup hook is the setup\'s, where its reason is, and does not retry the operation', () => {
    const result = run({ operation: 'install', failWith: 'Error: release shop1 failed, and has been uninstalled due to rollback-on-failure being set: failed post-install: resource Job/store-shop1/shop1-setup not ready. status: Failed' });
    expect(result.code).toBe(3);
    expect(result.termination).toBe("The store's setup step failed; its own reason is in its log: kubectl -n store-shop1 logs job/shop1-setup\ncode: SetupFailed");
  });

  it('names the quota when the plan is too small', () => {
    const result = run({ operation: 'upgrade', failWith: 'Error: pods "x" is forbidden: exceeded quota: store-quota' });
    expect(result.termination).toBe('The store needs more resources than its plan allows; choose a larger plan.\ncode: QuotaExceeded');
    // The code is the API's to take off: the progress line keeps the words alone.
    expect(result.lines.at(-1)).toMatchObject({ step: 'done', status: 'failed', message: 'The store needs more resources than its plan allows; choose a larger plan.' });
  });

  it('streams each Helm line while Helm still runs, and keeps its exit status', async () => {
    // A Helm that prints a line, then waits to be told to go on before it fails.
    const { dir, env } = fakeHelm('provisioner-live-', 'echo "waiting for 2 resources"; while [ ! -e "$TMPDIR/go" ]; do sleep 0.05; done; echo "Error: timed out waiting for the condition"; exit 3');
    const child = spawn('sh', [entrypoint], { env });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    await expect.poll(() => out, { timeout: 10_000 }).toContain('waiting for 2 resources');
    expect(out).not.toContain('timed out');
    writeFileSync(path.join(dir, 'go'), '');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(out).toContain('"step":"install","status":"output","message":"Error: timed out waiting for the condition"');
    expect(readFileSync(path.join(dir, 'termination'), 'utf8')).toMatch(/did not become ready/);
  });

  it("tells Helm's --debug progress in few words: what it created, what it still waits for, once per change", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provisioner-debug-'));
    writeFileSync(path.join(dir, 'helm'), `#!/bin/sh
case "$1" in
  list) true ;;
  upgrade) cat <<'OUT'
level=DEBUG msg="unmarshalled JSON schema" schema="{ a long schema }"
level=DEBUG msg="Created resource via patch" namespace=store-shop1 name=shop1-mariadb gvk="apps/v1, Kind=StatefulSet"
level=DEBUG msg="waiting for resources" count=15 timeout=5m0s
level=DEBUG msg="waiting for resource" namespace=store-shop1 name=shop1-mariadb kind=StatefulSet expectedStatus=Current actualStatus=InProgress
level=DEBUG msg="waiting for resource" namespace=store-shop1 name=shop1-mariadb kind=StatefulSet expectedStatus=Current actualStatus=InProgress
level=DEBUG msg="waiting for resource" namespace=store-shop1 name=shop1-wordpress kind=Deployment expectedStatus=Current actualStatus=InProgress
NAME: shop1
USER-SUPPLIED VALUES:
plan: small
MANIFEST:
kind: Secret
NOTES:
Your store is installed.
OUT
  ;;
esac
`);
    chmodSync(path.join(dir, 'helm'), 0o755);
    const result = spawnSync('sh', [entrypoint], {
      encoding: 'utf8',
      env: { PATH: `${dir}:/usr/bin:/bin`, TMPDIR: dir, TERMINATION_LOG: path.join(dir, 'termination'), OPERATION: 'install', RELEASE: 'shop1', NAMESPACE: 'store-shop1', STORE_VALUES: '{}' },
    });
    const said = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { status: string; message: string }).filter((l) => l.status === 'output').map((l) => l.message);
    expect(said).toEqual([
      'created StatefulSet shop1-mariadb',
      'waiting for resources count=15 timeout=5m0s',
      'waiting for StatefulSet shop1-mariadb: InProgress',
      'waiting for Deployment shop1-wordpress: InProgress',
      'NAME: shop1',
      'NOTES:',
      'Your store is installed.',
    ]);
    expect(result.status).toBe(0);
  });

  it('stops at once on TERM (the Job was ended early), with its own termination message', async () => {
    const { dir, env } = fakeHelm('provisioner-term-', 'echo "waiting"; sleep 30');
    const child = spawn('sh', [entrypoint], { env });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    await expect.poll(() => out, { timeout: 10_000 }).toContain('"message":"waiting"');
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(143);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(readFileSync(path.join(dir, 'termination'), 'utf8')).toMatch(/stopped before it finished/);
  });

  describe('with a shop check', () => {
    /**
     * An install whose stand-in `nc` plays the ingress controller: it records where it was
     * sent and the request, and answers `answer` (an HTTP response), or fails as `failure` says.
     */
    function installWithIngress({ answer = '', failure = '' }: { answer?: string; failure?: string }) {
      const { dir, env } = fakeHelm('provisioner-shop-', 'true');
      writeFileSync(path.join(dir, 'answer'), answer);
      writeFileSync(path.join(dir, 'failure'), failure);
      writeFileSync(path.join(dir, 'nc'), `#!/bin/sh
echo "$1 $2 $3 $4" >> "${dir}/nc-calls"
${failure ? `cat "${dir}/failure" >&2; exit 1` : `shift 5; "$@" < "${dir}/answer" > "${dir}/request"`}
`);
      chmodSync(path.join(dir, 'nc'), 0o755);
      const result = spawnSync('sh', [entrypoint], {
        encoding: 'utf8',
        env: { ...env, SHOP_URL: 'http://shop1.localhost:8081/', SHOP_CHECK_ADDRESS: '10.213.0.1:8081', SHOP_CHECK_TRIES: '2' },
      });
      const read = (file: string) => { try { return readFileSync(path.join(dir, file), 'utf8'); } catch { return ''; } };
      return { code: result.status, stdout: result.stdout, termination: read('termination').trim(), ncCalls: read('nc-calls').trim().split('\n'), request: read('request') };
    }
    const http = (status: string, body: string) => `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\n\r\n${body}`;

    it("is ready only once the shop's Store API answers through the ingress controller, asked with the shop's host", () => {
      const result = installWithIngress({ answer: http('200 OK', '[{"slug":"sample-product"}]') });
      expect(result.code).toBe(0);
      expect(result.ncCalls).toEqual(['-w 10 10.213.0.1 8081']);
      expect(result.request).toBe('GET /wp-json/wc/store/v1/products HTTP/1.0\r\nHost: shop1.localhost:8081\r\nUser-Agent: storefleet-provisioner\r\n\r\n');
      expect(result.stdout).toContain('"step":"shop","status":"succeeded","message":"http://shop1.localhost:8081/ opens');
    });

    it('fails with what the ingress controller said and what to do, when the address does not open', () => {
      const result = installWithIngress({ failure: "nc: can't connect to remote host (10.213.0.1): Connection refused" });
      expect(result.code).toBe(3); // no retry of the whole operation: its Job fails at once
      expect(result.ncCalls).toHaveLength(2);
      expect(result.termination).toBe('The store is installed, but its address http://shop1.localhost:8081/ does not open: the ingress controller at 10.213.0.1:8081 '
        + "answered: can't connect to remote host (10.213.0.1): Connection refused. Check that the ingress controller (Traefik) runs and that no other Ingress holds the host "
        + 'shop1.localhost, then change the store again or delete it.\ncode: ShopUnreachable');
    });

    it('says what the controller answered instead: a 404 (no route for the host), or another page', () => {
      expect(installWithIngress({ answer: http('404 Not Found', '404 page not found') }).termination).toContain('at 10.213.0.1:8081 answered: HTTP/1.1 404 Not Found.');
      expect(installWithIngress({ answer: http('200 OK', '<html>another site</html>') }).termination)
        .toContain("answered with something other than the Store API's product list");
    });
  });

  it('refuses an unknown operation', () => {
    const result = run({ operation: 'explode' });
    expect(result.code).toBe(2);
    expect(result.termination).toMatch(/Unknown operation "explode"/);
  });
});
