// `@aws-appsync/utils/dynamodb`: builds the DynamoDB request objects of
// @aws-appsync/utils lib/resolver-return-types.d.ts from plain JS input.
import { buildUpdate, operations } from './ddb-update.ts';
import { toMapValues } from './dynamodb-values.ts';
import { renderFilter, type DynamoDBExpression } from './transform-filter.ts';
import { assignPresent, isMap } from './values.ts';

type Input = Record<string, unknown>;

function expression(filter: unknown, what: string): DynamoDBExpression {
  const rendered = renderFilter(filter);
  if (rendered === null) throw new Error(`Invalid ${what}: ${JSON.stringify(filter)}`);
  return rendered;
}

/** Adds `condition` (a filter object) when present. */
function withCondition(out: Input, input: Input): Input {
  if (input.condition !== undefined && input.condition !== null) out.condition = expression(input.condition, 'condition');
  return out;
}

/** A projection list becomes {expression: "#a, #b.#c[1]", expressionNames}. */
function projection(paths: unknown): { expression: string; expressionNames: Record<string, string> } {
  const names: Record<string, string> = {};
  const list = Array.isArray(paths) ? paths : [];
  const rendered = list.map((p) =>
    String(p)
      .split('.')
      .map((segment) => {
        const [, name, index] = /^([^[]*)((?:\[\d+\])*)$/.exec(segment) ?? [segment, segment, ''];
        names[`#${name}`] = name as string;
        return `#${name}${index}`;
      })
      .join('.'),
  );
  return { expression: rendered.join(', '), expressionNames: names };
}

function withProjection(out: Input, input: Input): Input {
  if (Array.isArray(input.projection) && input.projection.length) out.projection = projection(input.projection);
  return out;
}

function sync(input: Input = {}): Input {
  const out: Input = { operation: 'Sync' };
  assignPresent(out, input, ['basePartitionKey', 'deltaIndexName', 'limit', 'nextToken', 'lastSync']);
  if (input.filter !== undefined && input.filter !== null) out.filter = expression(input.filter, 'filter');
  return out;
}

function scan(input: Input = {}): Input {
  const out: Input = { operation: 'Scan' };
  assignPresent(out, input, ['index', 'limit', 'consistentRead', 'nextToken', 'totalSegments', 'segment', 'select']);
  if (input.filter !== undefined && input.filter !== null) out.filter = expression(input.filter, 'filter');
  return withProjection(out, input);
}

const WRITE_OPTIONS = ['customPartitionKey', 'populateIndexFields', '_version'];

export const dynamodbModule = {
  get(input: Input): Input {
    const out: Input = { operation: 'GetItem', key: toMapValues(input.key) };
    assignPresent(out, input, ['consistentRead']);
    return withProjection(out, input);
  },
  put(input: Input): Input {
    const out: Input = { operation: 'PutItem', key: toMapValues(input.key), attributeValues: toMapValues(input.item ?? {}) };
    assignPresent(out, input, WRITE_OPTIONS);
    return withCondition(out, input);
  },
  remove(input: Input): Input {
    const out: Input = { operation: 'DeleteItem', key: toMapValues(input.key) };
    assignPresent(out, input, WRITE_OPTIONS);
    return withCondition(out, input);
  },
  update(input: Input): Input {
    const out: Input = { operation: 'UpdateItem', key: toMapValues(input.key), update: buildUpdate(input.update) };
    assignPresent(out, input, WRITE_OPTIONS);
    return withCondition(out, input);
  },
  query(input: Input): Input {
    const out: Input = { operation: 'Query', query: expression(input.query, 'query') };
    const rest = scan(input);
    delete rest.operation;
    delete rest.totalSegments;
    delete rest.segment;
    assignPresent(out, input, ['scanIndexForward']);
    return Object.assign(out, rest);
  },
  scan,
  sync,
  batchGet(input: Input): Input {
    const tables: Input = {};
    for (const [table, spec] of Object.entries(isMap(input.tables) ? input.tables : {})) {
      const s = isMap(spec) ? spec : {};
      const entry: Input = { keys: (Array.isArray(s.keys) ? s.keys : []).map(toMapValues) };
      assignPresent(entry, s, ['consistentRead']);
      tables[table] = withProjection(entry, s);
    }
    return { operation: 'BatchGetItem', tables };
  },
  batchPut(input: Input): Input {
    return { operation: 'BatchPutItem', tables: mapTables(input.tables) };
  },
  batchDelete(input: Input): Input {
    return { operation: 'BatchDeleteItem', tables: mapTables(input.tables) };
  },
  transactGet(input: Input): Input {
    const items = Array.isArray(input.items) ? input.items : [];
    const transactItems = items.map((item: Input) => withProjection({ table: item.table, key: toMapValues(item.key) }, item));
    return { operation: 'TransactGetItems', transactItems };
  },
  transactWrite(input: Input): Input {
    const items = Array.isArray(input.items) ? input.items : [];
    return { operation: 'TransactWriteItems', transactItems: items.map(transactWriteItem) };
  },
  toStringSet: (list: unknown[]) => ({ SS: list }),
  // The module's documented example renders numbers of a set as strings: { "NS": ["1", "2", "3"] }.
  toNumberSet: (list: unknown[]) => ({ NS: list.map(String) }),
  toBinarySet: (list: unknown[]) => ({ BS: list }),
  operations,
};

function mapTables(tables: unknown): Input {
  const out: Input = {};
  for (const [table, list] of Object.entries(isMap(tables) ? tables : {})) out[table] = (Array.isArray(list) ? list : []).map(toMapValues);
  return out;
}

function transactWriteItem(item: Input): Input {
  const [kind, spec] = Object.entries(item)[0] ?? ['', {}];
  const s = (isMap(spec) ? spec : {}) as Input;
  const base: Input = { table: s.table };
  switch (kind) {
    case 'putItem':
      return withCondition({ ...base, operation: 'PutItem', key: toMapValues(s.key), attributeValues: toMapValues(s.item ?? {}) }, s);
    case 'updateItem':
      return withCondition({ ...base, operation: 'UpdateItem', key: toMapValues(s.key), update: buildUpdate(s.update) }, s);
    case 'deleteItem':
      return withCondition({ ...base, operation: 'DeleteItem', key: toMapValues(s.key) }, s);
    case 'conditionCheck':
      return withCondition({ ...base, operation: 'ConditionCheck', key: toMapValues(s.key) }, s);
    default:
      throw new Error(`transactWrite: unknown item kind "${kind}" (expected putItem, updateItem, deleteItem or conditionCheck)`);
  }
}
