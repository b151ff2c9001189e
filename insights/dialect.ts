// The SQL that both Athena (Trino) and DuckDB run with the same meaning. The named queries must
// stay inside it; `lintPortableSql` names each construct that would break one of the two engines
// or make them disagree. Allow-listed functions (rather than a block list) so that a new function
// has to be checked against both engines' docs before it is used.

/** Functions with the same name, arguments and result in Trino and DuckDB. */
export const PORTABLE_FUNCTIONS = new Set([
  'count', 'sum', 'min', 'max', 'avg',
  'coalesce', 'nullif', 'cast', 'round', 'floor', 'abs', 'greatest', 'least', 'lower', 'upper',
  'row_number', 'rank', 'dense_rank',
  // Checked below: units and argument types.
  'date_diff', 'date_trunc',
]);

/** Words followed by `(` that are syntax, not function calls. */
const SYNTAX_BEFORE_PAREN = new Set(['in', 'as', 'over', 'from', 'join', 'and', 'or', 'not', 'exists', 'on', 'using', 'when', 'then', 'else', 'select', 'where', 'with', 'by', 'union', 'all', 'distinct', 'is']);

const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  { pattern: /::/, why: '`::` casts are DuckDB/PostgreSQL only: use CAST(x AS type)' },
  { pattern: /\bqualify\b/i, why: 'QUALIFY is DuckDB only: filter a window function in an outer query' },
  { pattern: /\bilike\b/i, why: 'ILIKE is DuckDB only: compare lower(x) LIKE ...' },
  { pattern: /\b(group|order)\s+by\s+all\b/i, why: 'GROUP/ORDER BY ALL is DuckDB only: list the columns' },
  { pattern: /\bexclude\s*\(/i, why: 'SELECT * EXCLUDE is DuckDB only' },
  { pattern: /\b(un)?pivot\b/i, why: 'PIVOT is DuckDB only' },
  { pattern: /\binterval\b/i, why: 'INTERVAL literals differ: use date_diff on dates' },
  { pattern: /\boffset\b/i, why: 'OFFSET placement differs: use row_number() in a subquery' },
  { pattern: /\blimit\b/i, why: 'LIMIT without a total order differs between engines: rank with row_number() and filter' },
  { pattern: /`/, why: 'backticks are Hive DDL quoting, not SQL: use double quotes' },
  { pattern: /\bfrom\s+'/i, why: "FROM 'file' is DuckDB only: read the lake tables by name" },
  { pattern: /\b(read_parquet|read_csv|parquet_scan)\b/i, why: 'file readers are DuckDB only: read the lake tables by name' },
  { pattern: /\bdate\s*'/i, why: "DATE 'literal' parsing differs: use CAST('...' AS DATE)" },
];

export interface LintProblem {
  message: string;
}

/** Comments and string literals blanked out (same length), so that patterns see only SQL. */
export function stripLiterals(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, (m) => ' '.repeat(m.length))
    .replace(/'(?:[^']|'')*'/g, (m) => `'${' '.repeat(m.length - 2)}'`);
}

/** The text of the call's arguments, split at top-level commas. */
function callArguments(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '(') depth += 1;
    else if (ch === ')') {
      depth -= 1;
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args;
      }
    } else if (ch === ',' && depth === 1) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

const isDateCast = (arg: string) => /^cast\s*\(.*\bas\s+date\s*\)$/is.test(arg);

export function lintPortableSql(sql: string): LintProblem[] {
  const problems: LintProblem[] = [];
  const code = stripLiterals(sql);
  const original = sql.replace(/--[^\n]*/g, (m) => ' '.repeat(m.length));
  if (!/^\s*(select|with)\b/i.test(code)) problems.push({ message: 'a named query is one SELECT (or WITH ... SELECT)' });
  if (/;\s*\S/.test(code) || /;\s*$/.test(code)) problems.push({ message: 'no semicolons: one statement per file, without a terminator' });
  for (const { pattern, why } of FORBIDDEN) if (pattern.test(code)) problems.push({ message: why });
  if (/"[^"]*"/.test(code) && /"[^"]*\s[^"]*"/.test(code)) problems.push({ message: 'quoted identifiers with spaces are not portable to Glue column names' });

  for (const match of code.matchAll(/\b([a-z_][a-z0-9_]*)\s*\(/gi)) {
    const name = match[1]!.toLowerCase();
    if (SYNTAX_BEFORE_PAREN.has(name)) continue;
    if (!PORTABLE_FUNCTIONS.has(name)) {
      problems.push({ message: `function ${name}() is not in the portable list (Trino and DuckDB differ or lack it)` });
      continue;
    }
    const open = match.index! + match[0].length - 1;
    const args = callArguments(original, open);
    if (name === 'date_diff') {
      const unit = args[0]?.toLowerCase();
      if (unit === "'day'") {
        // DuckDB counts day boundaries, Trino whole elapsed days: equal only between dates.
        if (!isDateCast(args[1] ?? '') || !isDateCast(args[2] ?? '')) problems.push({ message: "date_diff('day', ...) must compare CAST(... AS DATE) values" });
      } else if (unit !== "'millisecond'") {
        problems.push({ message: "date_diff takes 'day' (between dates) or 'millisecond' (between timestamps): other units count boundaries in DuckDB but elapsed time in Trino" });
      }
    }
    if (name === 'date_trunc' && !/^'(day|week|month|year)'$/i.test(args[0] ?? '')) {
      problems.push({ message: "date_trunc(unit, value) takes a literal 'day', 'week', 'month' or 'year' first" });
    }
  }

  // Trino divides integers as integers, DuckDB as doubles: the left operand must be a double.
  for (const match of code.matchAll(/\//g)) {
    const before = code.slice(0, match.index).trimEnd();
    if (!/\bas\s+double\s*\)$/i.test(before) && !/\d+\.\d+$/.test(before)) {
      problems.push({ message: 'division: make the left operand CAST(... AS DOUBLE) (Trino divides integers as integers, DuckDB does not)' });
    }
  }
  return problems;
}
