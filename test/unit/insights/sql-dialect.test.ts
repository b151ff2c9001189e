// The named queries stay in the SQL that Athena (Trino) and DuckDB both run with the same meaning:
// the lint names every construct outside it, and each query runs in DuckDB over the lake's tables.
import { describe, expect, it } from 'vitest';
import { lintPortableSql } from '../../../insights/dialect.ts';
import { openLake } from '../../../insights/duckdb.ts';
import { forExperiment, loadNamedQueries } from '../../../insights/queries.ts';

const queries = loadNamedQueries();

describe('named queries', () => {
  it('cover the questions of the issue, each with a description', () => {
    expect(queries.map((q) => q.name)).toEqual(
      expect.arrayContaining(['conversions_by_channel', 'time_to_conversion', 'cohort_curves', 'referrer_leaderboard', 'fraud_rejections', 'reward_cost_per_variant']),
    );
    for (const q of queries) expect(q.description.length, q.name).toBeGreaterThan(20);
  });

  it.each(queries.map((q) => [q.name, q.sql]))('%s is portable SQL', (_name, sql) => {
    expect(lintPortableSql(sql)).toEqual([]);
  });

  it('each binds in DuckDB against the lake tables and has an experiment_id column', async () => {
    const lake = await openLake('/nonexistent-lake');
    try {
      for (const q of queries) {
        const result = await lake.query(forExperiment(q.sql), { experiment: 'x' });
        expect(result.columns, q.name).toContain('experiment_id');
      }
    } finally {
      lake.close();
    }
  });
});

describe('lintPortableSql', () => {
  const cases: [string, string, RegExp][] = [
    [':: cast', 'SELECT x::DOUBLE FROM events', /CAST/],
    ['QUALIFY', 'SELECT a FROM events QUALIFY row_number() OVER (ORDER BY a) = 1', /QUALIFY/],
    ['ILIKE', "SELECT a FROM events WHERE a ILIKE 'x%'", /ILIKE/],
    ['GROUP BY ALL', 'SELECT a, COUNT(*) FROM events GROUP BY ALL', /GROUP\/ORDER BY ALL/],
    ['EXCLUDE', 'SELECT * EXCLUDE (a) FROM events', /EXCLUDE/],
    ['LIMIT', 'SELECT a FROM events LIMIT 5', /LIMIT/],
    ['a DuckDB-only function', 'SELECT epoch(recorded_at) FROM events', /epoch\(\) is not in the portable list/],
    ['a Trino-only function', 'SELECT to_unixtime(recorded_at) FROM events', /to_unixtime\(\) is not in the portable list/],
    ['strftime', "SELECT strftime(recorded_at, '%Y') FROM events", /strftime/],
    ["date_diff('hour')", "SELECT date_diff('hour', occurred_at, recorded_at) FROM events", /'day' \(between dates\)/],
    ["date_diff('day') on timestamps", "SELECT date_diff('day', occurred_at, recorded_at) FROM events", /CAST\(\.\.\. AS DATE\)/],
    ['date_trunc with a column unit', 'SELECT date_trunc(unit, recorded_at) FROM events', /date_trunc/],
    ['integer division', 'SELECT COUNT(*) / 2 FROM events', /division/],
    ['read_parquet', "SELECT * FROM read_parquet('x.parquet')", /DuckDB only/],
    ['two statements', 'SELECT 1; SELECT 2', /semicolons/],
    ['not a query', 'DELETE FROM events', /one SELECT/],
  ];
  it.each(cases)('rejects %s', (_what, sql, message) => {
    const problems = lintPortableSql(sql).map((p) => p.message);
    expect(problems.some((p) => message.test(p)), problems.join(' | ')).toBe(true);
  });

  it('accepts the portable forms and ignores words inside strings and comments', () => {
    const sql = [
      '-- QUALIFY and :: in a comment, LIMIT too',
      "SELECT CAST(COUNT(*) AS DOUBLE) / 2, date_diff('day', CAST(a AS DATE), CAST(b AS DATE)),",
      "  date_diff('millisecond', a, b), date_trunc('day', a), 'x::y ILIKE' AS s, 1.0 / 3",
      'FROM events WHERE kind IN (SELECT kind FROM events)',
    ].join('\n');
    expect(lintPortableSql(sql)).toEqual([]);
  });
});
