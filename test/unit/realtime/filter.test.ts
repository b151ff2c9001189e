import { describe, expect, it } from 'vitest';
import { compileFilter, FilterValidationError, matchesFilter } from '../../../local/appsync/realtime/filter.ts';

const one = (fieldName: string, operator: string, value: unknown) => compileFilter({ filterGroup: [{ filters: [{ fieldName, operator, value }] }] });

describe('enhanced subscription filters', () => {
  const payload = {
    id: 'x1',
    severity: 5,
    title: 'Server down',
    tags: ['ops', 'urgent'],
    author: { id: 'u1', profile: { tier: 'gold' } },
    nothing: null,
  };

  it.each([
    ['eq', 'severity', 5, true],
    ['eq', 'severity', 4, false],
    ['eq', 'missing', null, true],
    ['ne', 'severity', 4, true],
    ['ne', 'severity', 5, false],
    ['lt', 'severity', 6, true],
    ['lt', 'severity', 5, false],
    ['le', 'severity', 5, true],
    ['gt', 'severity', 4, true],
    ['gt', 'severity', 5, false],
    ['ge', 'severity', 5, true],
    ['ge', 'title', 'Server', true],
    ['gt', 'severity', '4', false],
    ['contains', 'title', 'down', true],
    ['contains', 'title', 'up', false],
    ['contains', 'tags', 'ops', true],
    ['contains', 'tags', 'dev', false],
    ['notContains', 'tags', 'dev', true],
    ['notContains', 'title', 'down', false],
    ['beginsWith', 'title', 'Server', true],
    ['beginsWith', 'title', 'down', false],
    ['in', 'severity', [1, 5], true],
    ['in', 'severity', [1, 2], false],
    ['notIn', 'severity', [1, 2], true],
    ['notIn', 'severity', [5], false],
    ['between', 'severity', [5, 9], true],
    ['between', 'severity', [6, 9], false],
    ['containsAny', 'tags', ['dev', 'urgent'], true],
    ['containsAny', 'tags', ['dev'], false],
    ['containsAny', 'title', ['Server down'], false],
    ['eq', 'author.id', 'u1', true],
    ['eq', 'author.profile.tier', 'gold', true],
    ['eq', 'author.profile.tier.x', 'gold', false],
  ])('%s on %s %j -> %s', (operator, fieldName, value, expected) => {
    expect(matchesFilter(one(fieldName, operator, value), payload)).toBe(expected);
  });

  it('ANDs filters in a group and ORs groups', () => {
    const filter = compileFilter({
      filterGroup: [
        { filters: [{ fieldName: 'severity', operator: 'ge', value: 7 }, { fieldName: 'title', operator: 'contains', value: 'down' }] },
        { filters: [{ fieldName: 'tags', operator: 'contains', value: 'urgent' }] },
      ],
    });
    expect(matchesFilter(filter, payload)).toBe(true);
    expect(matchesFilter(filter, { ...payload, tags: [] })).toBe(false);
    expect(matchesFilter(filter, { ...payload, tags: [], severity: 8 })).toBe(true);
  });

  it('matches everything without a filter or with no groups', () => {
    expect(compileFilter(undefined)).toBeNull();
    expect(matchesFilter(null, payload)).toBe(true);
    expect(matchesFilter(compileFilter({ filterGroup: [] }), payload)).toBe(true);
  });

  it('rejects malformed filters', () => {
    expect(() => compileFilter({})).toThrow(FilterValidationError);
    expect(() => compileFilter({ filterGroup: [{}] })).toThrow(/filters list/);
    expect(() => one('a', 'like', 'x')).toThrow(/unknown operator "like"/);
    expect(() => one('', 'eq', 'x')).toThrow(/fieldName/);
    expect(() => one('a', 'in', 'x')).toThrow(/list value/);
    expect(() => one('a', 'between', [1])).toThrow(/two values/);
    expect(() => one('a', 'eq', { b: 1 })).toThrow(/scalar/);
  });

  it('accepts what util.transform.toSubscriptionFilter produces', async () => {
    const { toSubscriptionFilter } = await import('../../../local/appsync/js/runtime/transform-subscription.ts');
    const filter = compileFilter(toSubscriptionFilter({ or: [{ severity: { ge: 7 } }, { tags: { containsAny: ['urgent'] } }], author: { ne: 'bot' } }));
    expect(matchesFilter(filter, { severity: 1, tags: ['urgent'], author: 'me' })).toBe(true);
    expect(matchesFilter(filter, { severity: 9, tags: [], author: 'bot' })).toBe(false);
  });
});
