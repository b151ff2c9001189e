// util.transform.toSubscriptionFilter: groups are ORed, filters inside a group ANDed; every
// operator of a field, every `or` member and every rule is an alternative, so groups multiply
// out. Behaviour (including `not` being read as a field name and unknown operators passing
// through) follows AWS EvaluateCode recordings (localstack/appsync-utils
// __tests__/__snapshots__/transform-subscription.test.js.snap).
import { isMap } from './values.ts';

export interface SubscriptionFilterEntry {
  fieldName: string;
  operator: string;
  value: unknown;
}
type Group = SubscriptionFilterEntry[];

function product(left: Group[], right: Group[]): Group[] {
  const out: Group[] = [];
  for (const l of left) for (const r of right) out.push([...l, ...r]);
  return out;
}

function fieldAlternatives(name: string, ops: unknown): Group[] {
  if (!isMap(ops)) return [];
  return Object.entries(ops).map(([operator, value]) => [{ fieldName: name, operator, value }]);
}

function alternatives(filter: unknown, ignored: string[]): Group[] {
  let groups: Group[] = [[]];
  if (!isMap(filter)) return groups;
  for (const [key, value] of Object.entries(filter)) {
    if (ignored.includes(key)) continue;
    let alts: Group[];
    if (key === 'and' && Array.isArray(value)) {
      alts = value.reduce<Group[]>((acc, member) => product(acc, alternatives(member, ignored)), [[]]);
    } else if (key === 'or' && Array.isArray(value)) {
      alts = value.flatMap((member) => alternatives(member, ignored));
    } else {
      alts = fieldAlternatives(key, value);
      if (alts.length === 0) continue; // a field with no operator constrains nothing
    }
    groups = product(groups, alts);
  }
  return groups;
}

export function toSubscriptionFilter(filter: unknown, ignoredFields?: unknown, rules?: unknown) {
  if (!isMap(filter)) return null;
  const ignored = Array.isArray(ignoredFields) ? ignoredFields.map(String) : [];
  let groups = alternatives(filter, ignored);
  if (isMap(rules)) {
    const ruleAlts = Object.entries(rules).flatMap(([name, ops]) => fieldAlternatives(name, ops));
    if (ruleAlts.length) groups = product(groups, ruleAlts);
  }
  return { filterGroup: groups.filter((g) => g.length > 0).map((filters) => ({ filters })) };
}
