// A real store on the real cluster: the chart with WordPress and MariaDB images built from
// Debian 13 packages (cluster/store-images.sh) and WooCommerce from its source image, no
// stand-ins. It proves what a shop owner relies on: WordPress and WooCommerce installed and
// configured by the setup step, the admin's login with the platform's password, the REST
// API, a guest's order that outlives pod restarts, a plan upgrade, a rollback and a backup
// restore, and WooCommerce's background work run by the wp-cron CronJob with no visitors.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildLimitRange, buildResourceQuota } from '../../api/src/provisioning/guardrails.ts';
import { buildCredentialsSecret } from '../../api/src/store/credentials.ts';
import { plans, type PlanName } from '../../api/src/store/plans.ts';
import { isFinished, jobCondition } from '../../api/src/store/state.ts';
import { deleteNamespaces, kubeConfig, kubectlBinary, uniqueName, waitFor } from '../../test-support/harness.ts';
import { buildStoreImages } from '../../cluster/test/store-images.ts';
import { chartDir, valuesFile } from './render.ts';
import { parse, Visitor } from '../../test-support/store-http.ts';
import { money, placeGuestOrder } from '../../test-support/shopper.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const batch = kc.makeApiClient(k8s.BatchV1Api);
const namespace = uniqueName('store');
const release = 'shop1';
const HOST = 'shop.localhost';
const secret = buildCredentialsSecret('shop1-credentials');
const adminPassword = secret.stringData!['wordpress-admin-password']!;
const forwards: ChildProcess[] = [];

const kubeEnv = () => ({ ...process.env, KUBECONFIG: inject('kubeconfig'), HELM_CACHE_HOME: '/tmp/storefleet-helm-cache' });
const helmOnCluster = (...args: string[]) => {
  const result = spawnSync(path.join(inject('toolsDir'), 'helm'), args, { encoding: 'utf8', env: kubeEnv() });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};
const kubectl = (...args: string[]) => execFileSync(kubectlBinary(), ['-n', namespace, ...args], { encoding: 'utf8', env: kubeEnv() });

/** SQL against the store's real database, as root, inside the MariaDB pod. */
const sql = (query: string) => kubectl(
  'exec', `${release}-mariadb-0`, '-c', 'mariadb', '--', 'sh', '-c',
  'mariadb -uroot -p"$(cat /run/secrets/store/mariadb-root-password)" --batch --skip-column-names wordpress -e "$0"', query,
).trim();

async function createGuardedNamespace(name: string, plan: PlanName) {
  const psa = Object.fromEntries(['enforce', 'warn', 'audit'].map((mode) => [`pod-security.kubernetes.io/${mode}`, 'restricted']));
  await core.createNamespace({ body: { metadata: { name, labels: { ...psa, 'storefleet.io/test': 'store' } } } });
  await core.createNamespacedResourceQuota({ namespace: name, body: buildResourceQuota(plans[plan]) });
  await core.createNamespacedLimitRange({ namespace: name, body: buildLimitRange(plans[plan]) });
}

/** `kubectl port-forward` to the store's Service from a free loopback port. */
function forwardToStore(): Promise<string> {
  const child = spawn(kubectlBinary(), ['-n', namespace, 'port-forward', `svc/${release}-wordpress`, ':80'], {
    env: kubeEnv(), stdio: ['ignore', 'pipe', 'pipe'],
  });
  forwards.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(chunk.toString())?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
    child.once('exit', (code) => reject(new Error(`port-forward exited with ${code}`)));
  });
}

/** A fresh forward (pods behind the Service change in this test) and a logged-in admin. */
async function loggedInAdmin(): Promise<{ admin: Visitor; nonce: string }> {
  const admin = new Visitor(await forwardToStore(), HOST);
  const form = await admin.request('GET', '/wp-login.php');
  expect(form.status).toBe(200);
  expect(admin.cookies.has('wordpress_test_cookie')).toBe(true);
  const login = await admin.request('POST', '/wp-login.php', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ log: 'admin', pwd: adminPassword, 'wp-submit': 'Log In', redirect_to: `http://${HOST}/wp-admin/`, testcookie: '1' }).toString(),
  });
  expect(login.status, login.body.slice(0, 500)).toBe(302);
  expect(login.headers.location).toBe(`http://${HOST}/wp-admin/`);
  expect([...admin.cookies.keys()].some((name) => name.startsWith('wordpress_logged_in_'))).toBe(true);
  const nonce = await admin.request('GET', '/wp-admin/admin-ajax.php?action=rest-nonce');
  expect(nonce.status).toBe(200);
  expect(nonce.body).toMatch(/^[0-9a-f]{10}$/);
  return { admin, nonce: nonce.body };
}

/** The post as anyone reads it through the REST API (404 when it is gone). */
async function readPost(id: number) {
  const visitor = new Visitor(await forwardToStore(), HOST);
  const reply = await visitor.request('GET', `/wp-json/wp/v2/posts/${id}`);
  return { status: reply.status, title: reply.status === 200 ? (JSON.parse(reply.body) as { title: { rendered: string } }).title.rendered : undefined };
}

/** The order as the shop's admin reads it through WooCommerce's own REST API (404 when it is gone). */
async function readOrder(id: number) {
  const { admin, nonce } = await loggedInAdmin();
  const reply = await admin.request('GET', `/wp-json/wc/v3/orders/${id}`, { headers: { 'x-wp-nonce': nonce } });
  if (reply.status !== 200) return { status: reply.status };
  const order = parse<{ status: string; total: string; line_items: { name: string }[] }>(reply);
  return { status: reply.status, order: order.status, total: order.total, items: order.line_items.map((item) => item.name) };
}
const keptOrder = () => ({ status: 200, order: 'processing', total: '9.99', items: ['Sample product'] });

const podsOf = async (component: string) => (await core.listNamespacedPod({
  namespace, labelSelector: `app.kubernetes.io/instance=${release},app.kubernetes.io/component=${component}`,
})).items.filter((p) => !p.metadata!.deletionTimestamp);
const isReady = (pod: k8s.V1Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Deletes the component's pod and waits until its replacement (a new UID) is ready. */
async function restart(component: string) {
  const [old] = await podsOf(component);
  await core.deleteNamespacedPod({ namespace, name: old!.metadata!.name! });
  await waitFor(`a new ${component} pod to be ready`, async () => {
    const pods = await podsOf(component);
    return pods.length === 1 && pods[0]!.metadata!.uid !== old!.metadata!.uid && isReady(pods[0]!) ? true : undefined;
  }, 300_000, 2000);
}

// A Job's pods are bounded by activeDeadlineSeconds (240 s); the test waits longer to read why.
const RUN_JOB_WAIT_MS = 300_000;
const RUN_JOB_TEST_MS = RUN_JOB_WAIT_MS + 60_000;

/** What a person would read to see why a Job did not succeed: its conditions, pods and events. */
const jobStory = (name: string) => [
  kubectl('describe', 'job', name),
  kubectl('get', 'pods', '-l', `job-name=${name}`, '-o', 'wide'),
  kubectl('get', 'events', '--sort-by=.lastTimestamp'),
  spawnSync(kubectlBinary(), ['-n', namespace, 'logs', `job/${name}`], { encoding: 'utf8', env: kubeEnv() }).stdout,
].join('\n');

/** Waits for the Job's final condition: a Job failed by its deadline before any pod ran has no failed pod to count. */
async function runJob(name: string): Promise<string> {
  const job = await waitFor(`job ${name} to finish`, async () => {
    const current = await batch.readNamespacedJob({ namespace, name });
    return isFinished(current) ? current : undefined;
  }, RUN_JOB_WAIT_MS, 2000).catch((error: Error) => {
    throw new Error(`${error.message}\n${jobStory(name)}`);
  });
  if (!jobCondition(job, 'Complete')) throw new Error(`job ${name} failed\n${jobStory(name)}`);
  return kubectl('logs', `job/${name}`);
}

let install: { status: number | null; stdout: string; stderr: string };
let installSeconds = 0;
let valuesPath = '';
let postId = 0;
let orderId = 0;
const postTitle = `Opening hours ${uniqueName('post')}`;

beforeAll(async () => {
  const started = Date.now();
  const values = buildStoreImages(inject('clusterKind') === 'k3s' ? { k3sContainerId: inject('k3sContainerId') } : {});
  console.log(`[store] images ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(values)}`);
  valuesPath = path.join(mkdtempSync(path.join(tmpdir(), 'storefleet-store-')), 'images.json');
  writeFileSync(valuesPath, JSON.stringify(values));
  await createGuardedNamespace(namespace, 'small');
  await core.createNamespacedSecret({ namespace, body: secret });
  const installStarted = Date.now();
  install = helmOnCluster(
    'upgrade', '--install', release, chartDir, '-n', namespace, '-f', valuesFile('values-local.yaml'), '-f', valuesPath,
    '--set', 'existingSecret=shop1-credentials', '--wait', '--timeout', '10m',
  );
  installSeconds = (Date.now() - installStarted) / 1000;
  console.log(`[store] helm upgrade --install --wait with the real images took ${installSeconds.toFixed(1)} s`);
}, 1_800_000);

afterAll(async () => {
  for (const child of forwards) child.kill();
  await deleteNamespaces(kc, namespace);
});

describe('a real store: WordPress and MariaDB from Debian packages', () => {
  it('installs and becomes ready under the small plan', async () => {
    expect(install.stderr).not.toMatch(/Error/);
    expect(install.status).toBe(0);
    const wordpress = await apps.readNamespacedDeployment({ namespace, name: 'shop1-wordpress' });
    expect(wordpress.status?.readyReplicas).toBe(1);
    const mariadb = await apps.readNamespacedStatefulSet({ namespace, name: 'shop1-mariadb' });
    expect(mariadb.status?.readyReplicas).toBe(1);
  });

  it('installed WordPress for real with the setup step: title and admin in the database', async () => {
    const log = kubectl('logs', 'job/shop1-setup');
    console.log(`[store] the setup Job's log:\n${log}`);
    expect(log).toMatch(/storefleet: installed WordPress 6\.8\.\d+: "My Store", admin user "admin"/);
    expect(log).toContain('storefleet: permalinks set to /%postname%/');
    expect(sql("SELECT option_value FROM wp_options WHERE option_name IN ('blogname') ")).toBe('My Store');
    expect(sql("SELECT option_value FROM wp_options WHERE option_name = 'siteurl'")).toBe(`http://${HOST}`);
    expect(sql("SELECT user_login FROM wp_users WHERE ID = 1")).toBe('admin');
    // The platform's password is stored only as WordPress's hash (bcrypt since WordPress 6.8).
    expect(sql('SELECT user_pass FROM wp_users WHERE ID = 1')).toMatch(/^\$wp\$2y\$/);
    expect(sql('SELECT user_pass FROM wp_users WHERE ID = 1')).not.toContain(adminPassword);
  });

  it('installed, activated and configured WooCommerce from its checked zip, and says so in the termination message', async () => {
    const log = kubectl('logs', 'job/shop1-setup');
    for (const line of ['installed WooCommerce from /opt/woocommerce-source/', 'activated WooCommerce', 'enabled Cash on delivery', 'added free shipping for every address',
      'the shop page is the front page', 'created the sample product (9.99, 100 in stock)',
      "the Store API lists 1 product(s) through the store's Service (http://shop1-wordpress/wp-json/wc/store/v1/products): Sample product"]) {
      expect(log).toContain(`storefleet: ${line}`);
    }
    const summary = /^WordPress is set up at http:\/\/shop\.localhost; WooCommerce \d+\.\d+\.\d+ is active$/;
    const [pod] = (await core.listNamespacedPod({ namespace, labelSelector: 'job-name=shop1-setup' })).items;
    expect(pod!.status!.containerStatuses!.find((c) => c.name === 'setup')!.state!.terminated!.message).toMatch(summary);
    expect(sql("SELECT option_value FROM wp_options WHERE option_name = 'active_plugins'")).toContain('woocommerce/woocommerce.php');
    expect(sql("SELECT option_value FROM wp_options WHERE option_name IN ('woocommerce_currency', 'woocommerce_default_country', 'woocommerce_coming_soon') ORDER BY option_name"))
      .toBe('no\nUSD\nUS:CA');
    for (const page of ['shop', 'cart', 'checkout', 'myaccount']) {
      expect(Number(sql(`SELECT option_value FROM wp_options WHERE option_name = 'woocommerce_${page}_page_id'`)), page).toBeGreaterThan(0);
    }
  });

  it('lets the admin log in through /wp-login.php over the Service with the platform password', async () => {
    const { admin } = await loggedInAdmin();
    const dashboard = await admin.request('GET', '/wp-admin/');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain('<title>Dashboard');
    const stranger = new Visitor(await forwardToStore(), HOST);
    await stranger.request('GET', '/wp-login.php');
    const refused = await stranger.request('POST', '/wp-login.php', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ log: 'admin', pwd: 'not-the-password', testcookie: '1' }).toString(),
    });
    expect(refused.status).toBe(200);
    expect(refused.body).toContain('login_error');
  });

  it('answers /wp-json/ and reads back a post written through the REST API', async () => {
    const { admin, nonce } = await loggedInAdmin();
    const index = await admin.request('GET', '/wp-json/');
    expect(index.status).toBe(200);
    const api = JSON.parse(index.body) as { name: string; namespaces: string[] };
    expect(api.name).toBe('My Store');
    expect(api.namespaces).toContain('wp/v2');
    const created = await admin.json('POST', '/wp-json/wp/v2/posts', { title: postTitle, content: 'Mon-Fri 9-17', status: 'publish' }, { 'x-wp-nonce': nonce });
    expect(created.status, created.body.slice(0, 500)).toBe(201);
    postId = (JSON.parse(created.body) as { id: number }).id;
    expect(await readPost(postId)).toEqual({ status: 200, title: postTitle });
  });

  it('takes a guest\'s order with Cash on delivery through the Store API, and its admin reads it', async () => {
    const order = await placeGuestOrder(new Visitor(await forwardToStore(), HOST));
    expect(order).toMatchObject({ status: 'processing', payment_method: 'cod' });
    expect(money(order.cartTotals.total_price, order.cartTotals.currency_minor_unit)).toBe('9.99');
    orderId = order.order_id;
    expect(await readOrder(orderId)).toEqual(keptOrder());
  });

  it('keeps the data when the WordPress pod is deleted', async () => {
    await restart('wordpress');
    expect(await readPost(postId)).toEqual({ status: 200, title: postTitle });
    expect(await readOrder(orderId)).toEqual(keptOrder());
  });

  it('keeps the data when the MariaDB pod is deleted', async () => {
    await restart('mariadb');
    // WordPress reconnects on its next request; the readiness probe needs the database.
    await waitFor('WordPress to be ready again', async () => {
      const d = await apps.readNamespacedDeployment({ namespace, name: 'shop1-wordpress' });
      return d.status?.readyReplicas === 1 ? true : undefined;
    }, 120_000, 2000);
    expect(await readPost(postId)).toEqual({ status: 200, title: postTitle });
    expect(await readOrder(orderId)).toEqual(keptOrder());
  });

  it('keeps the data through an upgrade to the medium plan, and the setup step changes nothing', async () => {
    await core.replaceNamespacedResourceQuota({ namespace, name: 'store-quota', body: buildResourceQuota(plans.medium) });
    await core.replaceNamespacedLimitRange({ namespace, name: 'store-limits', body: buildLimitRange(plans.medium) });
    const upgrade = helmOnCluster(
      'upgrade', release, chartDir, '-n', namespace, '-f', valuesFile('values-local.yaml'), '-f', valuesPath,
      '--set', 'existingSecret=shop1-credentials', '--set', 'plan=medium', '--wait', '--timeout', '10m',
    );
    expect(upgrade.stderr).not.toMatch(/Error/);
    expect(upgrade.status).toBe(0);
    const wordpress = await apps.readNamespacedDeployment({ namespace, name: 'shop1-wordpress' });
    expect(wordpress.spec!.template.spec!.containers[0]!.resources!.limits!.memory).toBe(plans.medium.wordpress.limits.memory);
    const log = kubectl('logs', 'job/shop1-setup');
    expect(log).toMatch(/storefleet: WordPress 6\.8\.\d+ is already installed/);
    expect(log).not.toContain('installed WordPress 6');
    // Set up once: a second run leaves the shop as its admin made it, creates no second
    // product and resets no stock (one was sold).
    expect(log).toMatch(/storefleet: the shop was set up on \d{4}-\d\d-\d\dT[\d:]+Z; its settings are left as its admin made them/);
    expect(log).not.toContain('created the sample product');
    expect(log).not.toContain('enabled Cash on delivery');
    expect(sql("SELECT meta_value FROM wp_postmeta WHERE meta_key = '_stock' AND post_id = (SELECT ID FROM wp_posts WHERE post_name = 'sample-product' AND post_type = 'product')"))
      .toMatch(/^99(\.0+)?$/);
    expect(sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'product' AND post_name = 'sample-product'")).toBe('1');
    expect(await readPost(postId)).toEqual({ status: 200, title: postTitle });
    expect(await readOrder(orderId)).toEqual(keptOrder());
  });

  it('keeps the order through a rollback to the small plan', async () => {
    const rollback = helmOnCluster('rollback', release, '0', '-n', namespace, '--wait', '--timeout', '10m');
    expect(rollback.status, rollback.stderr).toBe(0);
    const wordpress = await apps.readNamespacedDeployment({ namespace, name: 'shop1-wordpress' });
    expect(wordpress.spec!.template.spec!.containers[0]!.resources!.limits!.memory).toBe(plans.small.wordpress.limits.memory);
    await waitFor('WordPress to be ready after the rollback', async () => {
      const d = await apps.readNamespacedDeployment({ namespace, name: 'shop1-wordpress' });
      return d.status?.readyReplicas === 1 && d.status.updatedReplicas === 1 ? true : undefined;
    }, 300_000, 2000);
    expect(await readOrder(orderId)).toEqual(keptOrder());
  });

  it('runs wp-cron, and with it WooCommerce\'s Action Scheduler, with no visitors: no action is left overdue', async () => {
    const overdue = () => Number(sql("SELECT COUNT(*) FROM wp_actionscheduler_actions WHERE status = 'pending' AND scheduled_date_gmt < UTC_TIMESTAMP() - INTERVAL 10 MINUTE"));
    const done = () => Number(sql("SELECT COUNT(*) FROM wp_actionscheduler_actions WHERE status = 'complete'"));
    const doneBefore = done();
    kubectl('create', 'job', 'wp-cron-now', '--from=cronjob/shop1-wp-cron');
    await runJob('wp-cron-now');
    expect(done()).toBeGreaterThan(doneBefore);
    expect(overdue()).toBe(0);
  }, RUN_JOB_TEST_MS);

  it('passes helm test: the WordPress REST API and the WooCommerce Store API answer', () => {
    const result = helmOnCluster('test', release, '-n', namespace, '--logs', '--timeout', '3m');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/Phase:\s+Succeeded/);
    expect(result.stdout).toContain('WordPress REST API answered');
    expect(result.stdout).toContain('WooCommerce Store API answered with JSON');
  });

  it('backs up the real database and brings a deleted post and a deleted order back with the documented restore', async () => {
    kubectl('create', 'job', 'backup-1', '--from=cronjob/shop1-backup');
    const backupLog = await runJob('backup-1');
    const dump = /storefleet: wrote (\/backups\/wordpress-\d{8}T\d{6}Z\.sql\.gz)/.exec(backupLog)?.[1];
    expect(dump, backupLog).toBeTruthy();
    const head = kubectl('exec', 'shop1-mariadb-0', '-c', 'mariadb', '--', 'sh', '-c', 'gzip -dc "$0" | head -n 3; gzip -dc "$0" | grep -c "$1"', dump!, postTitle);
    expect(head).toMatch(/^-- MariaDB dump/m);
    expect(Number(head.trim().split('\n').pop())).toBeGreaterThanOrEqual(1);

    const { admin, nonce } = await loggedInAdmin();
    const deleted = await admin.request('DELETE', `/wp-json/wp/v2/posts/${postId}?force=true`, { headers: { 'x-wp-nonce': nonce } });
    expect(deleted.status).toBe(200);
    expect((await readPost(postId)).status).toBe(404);
    const deletedOrder = await admin.request('DELETE', `/wp-json/wc/v3/orders/${orderId}?force=true`, { headers: { 'x-wp-nonce': nonce } });
    expect(deletedOrder.status, deletedOrder.body.slice(0, 300)).toBe(200);
    expect((await readOrder(orderId)).status).toBe(404);

    // README, "Backups and restore": a Job from the restore CronJob, with the dump to use.
    execFileSync('sh', ['-c',
      '"$0" -n "$1" create job restore-1 --from=cronjob/shop1-restore --dry-run=client -o yaml'
      + ' | "$0" set env --local -f - DUMP="$2" -o yaml | "$0" -n "$1" create -f -',
      kubectlBinary(), namespace, dump!], { env: kubeEnv() });
    const restoreLog = await runJob('restore-1');
    expect(restoreLog).toContain(`storefleet: restored ${dump}`);
    expect(await readPost(postId)).toEqual({ status: 200, title: postTitle });
    expect(await readOrder(orderId)).toEqual(keptOrder());
  }, 2 * RUN_JOB_TEST_MS);
});
