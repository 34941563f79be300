// The API and the chart judge a store's host, title and admin email alike: each input goes
// through the API's body schema and, as the API would send it, through the real Helm 4
// checking chart/values.schema.json. A value the API accepts never fails the install.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { chartDir, helmBinary } from '../../../chart/test/render.ts';
import { changeStoreBody } from '../routes/stores.schema.ts';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'value-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Field = 'host' | 'title' | 'adminEmail';
const chartValues = (field: Field, value: string) => field === 'host' ? { ingress: { host: value } } : { store: { [field]: value } };

const INPUTS: Record<Field, string[]> = {
  host: [
    'shop.example.com', 'a.bc', `${'x'.repeat(63)}.com`, `${'x'.repeat(64)}.com`, `${'abcdefgh.'.repeat(27)}com`, `${'abcdefgh.'.repeat(28)}com`,
    'Shop.example.com', 'shop_1.example.com', '-shop.example.com', 'shop.example.com.', 'shop', 'shop.1com', 'xn--bcher-kva.example',
    'shop..example.com', ' shop.example.com', 'shop.example.com\n', 'bücher.example',
  ],
  title: [
    'My shop', '  spaced  ', '', '   ', '\u2003', '\ufeff', '\u000b', '\t\n', 'a'.repeat(100), 'a'.repeat(101), '😀'.repeat(100), '😀'.repeat(101),
    `Bob's "best" shop`, 'é', ` ${'a'.repeat(100)} `, 'line\nbreak', '\u00a0x\u00a0',
  ],
  adminEmail: [
    'admin@shop.example.com', 'o.brien+tag@example.co.uk', "o'brien@example.com", 'a..b@example.com', '.a@example.com', 'a.@example.com', 'a@b',
    'a@-b.com', 'a@b-.com', 'a b@x.com', 'a@exa_mple.com', 'é@example.com', 'A@EXAMPLE.COM', 'a@[1.2.3.4]', 'a@example.c', '"a"@example.com',
    `${'a'.repeat(242)}@example.com`, `${'a'.repeat(243)}@example.com`, 'a@b@example.com', 'admin@localhost',
  ],
};

/** What the API does with the value: refuses it, or sends the (possibly trimmed) value on to the chart. */
function api(field: Field, value: string): { accepted: boolean; sent: string } {
  const parsed = changeStoreBody.safeParse({ [field]: value });
  return parsed.success ? { accepted: true, sent: parsed.data[field]! } : { accepted: false, sent: value };
}

let cases = 0;
async function chartAccepts(field: Field, value: string): Promise<boolean> {
  const file = path.join(dir, `${cases++}.yaml`);
  writeFileSync(file, JSON.stringify({ existingSecret: 'shop1-credentials', ...chartValues(field, value) }));
  try {
    await run(helmBinary(), ['template', 'shop1', chartDir, '-f', file], { env: { ...process.env, HELM_CACHE_HOME: path.join(dir, 'cache') } });
    return true;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr);
    if (!stderr.includes("values don't meet the specifications of the schema")) throw error;
    return false;
  }
}

describe('the API and the chart schema on the same inputs', () => {
  it.each(Object.keys(INPUTS) as Field[])('%s: same verdict for every input', async (field) => {
    const verdicts = [];
    // A few Helm processes at a time: the machine has two cores.
    for (let i = 0; i < INPUTS[field].length; i += 4) {
      verdicts.push(...await Promise.all(INPUTS[field].slice(i, i + 4).map(async (value) => {
        const { accepted, sent } = api(field, value);
        return { value, api: accepted, chart: await chartAccepts(field, sent) };
      })));
    }
    expect(verdicts.filter((v) => v.api !== v.chart)).toEqual([]);
    // Each list holds values both sides accept and values both refuse.
    expect(new Set(verdicts.map((v) => v.api))).toEqual(new Set([true, false]));
  }, 60_000);

  it('accepts admin@<host> for every host it accepts (the address a store gets when none is given)', () => {
    for (const host of INPUTS.host.filter((value) => api('host', value).accepted && value.length <= 248)) {
      expect(api('adminEmail', `admin@${host}`).accepted, host).toBe(true);
    }
  });
});
