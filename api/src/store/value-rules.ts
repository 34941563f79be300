// A store's host, title and admin email are checked against the rules in the chart's
// values.schema.json, the file Helm checks the same values against at install: the API
// accepts exactly what the chart does, so a store it accepts never fails on its own values.
import { readFileSync } from 'node:fs';
import { CHART_VALUES_SCHEMA } from '../repo-files.ts';

interface SchemaString {
  pattern: string;
  minLength?: number;
  maxLength?: number;
}

export interface ValueRule {
  /** JSON Schema's pattern: found anywhere in the value unless it anchors itself. */
  pattern: RegExp;
  minLength: number;
  maxLength: number;
}

const schemaFile = CHART_VALUES_SCHEMA;
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));

// `u`: code points, as Helm's Go regexps read the chart's patterns.
const rule = ({ pattern, minLength = 0, maxLength = Infinity }: SchemaString): ValueRule =>
  ({ pattern: new RegExp(pattern, 'u'), minLength, maxLength });

export const HOST_RULE = rule(schema.definitions.dnsName);
export const TITLE_RULE = rule(schema.properties.store.properties.title);
export const EMAIL_RULE = rule(schema.properties.store.properties.adminEmail);

/** Whether `value` meets `rule` as JSON Schema counts: lengths in code points, not UTF-16 units. */
export function meetsRule(rule: ValueRule, value: string): boolean {
  const length = [...value].length;
  return length >= rule.minLength && length <= rule.maxLength && rule.pattern.test(value);
}
