// GoalComparison.decision is the Decision enum (it was a String): clients read the same strings,
// and the schema now says which. The goal's decisions must be values of that enum.
import { join } from 'node:path';
import { GraphQLEnumType, GraphQLNonNull, GraphQLObjectType } from 'graphql';
import { expect, it } from 'vitest';
import { DECISIONS } from '../../../lambdas/domain/stats/decision.ts';
import { goalComparisons } from '../../../lambdas/domain/referrals/roi.ts';
import { loadSchema } from '../../../local/appsync/schema.ts';

const ROOT = join(import.meta.dirname, '../../..');

it('GoalComparison.decision is Decision!, and every goal decision is one of its values', () => {
  const schema = loadSchema(join(ROOT, 'schema/schema.graphql'), join(ROOT, 'schema/appsync.graphql'));
  const type = (schema.getType('GoalComparison') as GraphQLObjectType).getFields().decision!.type;
  expect(type).toBeInstanceOf(GraphQLNonNull);
  const named = (type as GraphQLNonNull<GraphQLEnumType>).ofType;
  expect(named.name).toBe('Decision');
  expect(named.getValues().map((v) => v.value)).toEqual([...DECISIONS]);

  const arm = (key: string, users: number, converting: number) => ({ key, users, convertingReferrers: converting, netRevenue: 0, netRevenueSumSq: 0 });
  const seen = [...goalComparisons('CONVERTING_REFERRER_RATE', arm('A', 5000, 500), [arm('B', 5000, 800), arm('C', 5000, 200), arm('D', 50, 5)]).values()].map((g) => g.decision);
  expect(new Set(seen)).toEqual(new Set(['TREATMENT_BETTER', 'TREATMENT_WORSE', 'KEEP_RUNNING']));
  for (const d of seen) expect(named.serialize(d)).toBe(d);
});
