// util.transform.toElasticsearchQueryDSL: a filter object as an OpenSearch Query DSL JSON string.
// Fields are ANDed (`bool.must`), and so are several operators on one field; `and`/`or`/`not` nest
// (`must`/`should`/`must_not`). The documented example (AWS "Transformation helpers in
// util.transform", upvotes/title) is reproduced exactly; other shapes follow the same rules.
import { isMap } from './values.ts';

type Query = Record<string, unknown>;

const RANGE: Record<string, string> = { gt: 'gt', ge: 'gte', gte: 'gte', lt: 'lt', le: 'lte', lte: 'lte' };
const LEAF: Record<string, string> = {
  eq: 'term',
  match: 'match',
  matchPhrase: 'match_phrase',
  matchPhrasePrefix: 'match_phrase_prefix',
  multiMatch: 'multi_match',
  wildcard: 'wildcard',
  regexp: 'regexp',
};

const all = (queries: Query[]): Query => (queries.length === 1 ? queries[0]! : { bool: { must: queries } });

function operator(field: string, op: string, value: unknown): Query {
  if (op === 'ne') return { bool: { must_not: { term: { [field]: value } } } };
  if (op === 'exists') return value === false ? { bool: { must_not: { exists: { field } } } } : { exists: { field } };
  if (op === 'range' && Array.isArray(value)) return { range: { [field]: { gte: value[0], lte: value[1] } } };
  if (op in RANGE) return { range: { [field]: { [RANGE[op]!]: value } } };
  if (op in LEAF) return { [LEAF[op]!]: { [field]: value } };
  throw new Error(`util.transform.toElasticsearchQueryDSL: unsupported operator "${op}" on field "${field}"`);
}

function toQuery(filter: unknown): Query {
  if (!isMap(filter)) throw new Error('util.transform.toElasticsearchQueryDSL expects an object');
  const parts: Query[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'and' && Array.isArray(value)) parts.push({ bool: { must: value.map(toQuery) } });
    else if (key === 'or' && Array.isArray(value)) parts.push({ bool: { should: value.map(toQuery) } });
    else if (key === 'not') parts.push({ bool: { must_not: toQuery(value) } });
    else if (isMap(value)) parts.push(all(Object.entries(value).map(([op, v]) => operator(key, op, v))));
  }
  return all(parts);
}

export function toElasticsearchQueryDSL(filter: unknown): string {
  return JSON.stringify(toQuery(filter));
}
