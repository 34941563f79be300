import { describe, expect, it } from 'vitest';
import { type BenchResult, mergeResult, renderTable, replaceTable, TABLE_END, TABLE_START } from './results.ts';

const result = (id: string, value: number, measuredAt = '2026-12-01T20:00:00.000Z'): BenchResult => ({
  id, title: id, measuredAt, commit: 'abc1234', machine: '2 cores', settings: { releases: 1000 },
  metrics: [{ name: 'page p99', value, unit: 'ms', goal: { op: '<=', value: 25 } }, { name: 'ratio', value: 140, unit: '×', goal: { op: '>=', value: 100 } }],
});

describe('bench results', () => {
  it('keeps each benchmark\'s latest run, in README order, remembering the values it replaced', () => {
    let file = mergeResult({ results: {} }, result('P3', 1));
    file = mergeResult(file, result('P10', 1));
    file = mergeResult(file, result('P1', 30));
    file = mergeResult(file, result('P1', 4.5, '2026-12-01T21:00:00.000Z'));
    expect(Object.keys(file.results)).toEqual(['P1', 'P3', 'P10']);
    expect(file.results.P1!.metrics[0]!.value).toBe(4.5);
    expect(file.results.P1!.previous).toEqual({ measuredAt: '2026-12-01T20:00:00.000Z', commit: 'abc1234', values: { 'page p99': 30, ratio: 140 } });
    expect(file.results.P3!.previous).toBeUndefined();
  });

  it('renders a table with each value, its goal met or not, and the last run\'s value', () => {
    const file = mergeResult(mergeResult({ results: {} }, result('P1', 30)), result('P1', 4.5, '2026-12-01T21:00:00.000Z'));
    expect(renderTable(file).split('\n')).toEqual([
      '| bench | measured | value | goal | last run | when, commit |',
      '|---|---|---|---|---|---|',
      '| P1 | page p99 | 4.50 ms | ≤ 25.0 ms ✅ | 30.0 ms | 2026-12-01 21:00 UTC, `abc1234`; releases 1000 |',
      '|  | ratio | 140× | ≥ 100× ✅ | 140× |  |',
    ]);
    expect(renderTable(mergeResult({ results: {} }, result('P1', 40)))).toContain('| P1 | page p99 | 40.0 ms | ≤ 25.0 ms ❌ | — |');
  });

  it('replaces only the text between the README markers, and nothing without them', () => {
    const readme = `# x\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nafter\n`;
    expect(replaceTable(readme, 'new table')).toBe(`# x\n\n${TABLE_START}\nnew table\n${TABLE_END}\n\nafter\n`);
    expect(replaceTable('# no markers\n', 'new table')).toBe('# no markers\n');
  });
});
