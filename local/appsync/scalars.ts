// AppSync's scalars with the validation AppSync applies to inputs (and, for outputs, to what a
// resolver returns). buildSchema gives them pass-through behaviour; we replace it in place.
import { GraphQLError, Kind, type GraphQLScalarType, type GraphQLSchema, type ValueNode } from 'graphql';

type Check = (value: unknown) => boolean;

const isString = (v: unknown): v is string => typeof v === 'string';
const DATE = '\\d{4}-\\d{2}-\\d{2}';
const TIME = '\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?';
const ZONE = '(Z|[+-]\\d{2}(:\\d{2}(:\\d{2})?)?)';
const matches = (pattern: string) => {
  const re = new RegExp(`^${pattern}$`);
  return (v: unknown) => isString(v) && re.test(v);
};
const validDate = (v: string) => !Number.isNaN(Date.parse(v.slice(0, 10)));

const checks: Record<string, Check> = {
  AWSDate: (v) => matches(`${DATE}${ZONE}?`)(v) && validDate(v as string),
  AWSTime: matches(`${TIME}${ZONE}?`),
  AWSDateTime: (v) => matches(`${DATE}T${TIME}${ZONE}`)(v) && validDate(v as string),
  AWSTimestamp: (v) => typeof v === 'number' && Number.isInteger(v),
  AWSEmail: matches('[^\\s@]+@[^\\s@]+\\.[^\\s@]+'),
  AWSURL: (v) => {
    if (!isString(v)) return false;
    try {
      return Boolean(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  AWSPhone: matches('\\+?[0-9 ()\\-.]{3,30}'),
  AWSIPAddress: (v) =>
    matches('(\\d{1,3}\\.){3}\\d{1,3}(/\\d{1,2})?')(v) || matches('[0-9a-fA-F:]+(/\\d{1,3})?')(v),
  AWSJSON: (v) => {
    if (!isString(v)) return false;
    try {
      JSON.parse(v);
      return true;
    } catch {
      return false;
    }
  },
};

function literalValue(node: ValueNode): unknown {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.STRING || node.kind === Kind.FLOAT || node.kind === Kind.BOOLEAN || node.kind === Kind.ENUM) {
    return node.kind === Kind.FLOAT ? Number(node.value) : node.value;
  }
  return undefined;
}

export function installAppSyncScalars(schema: GraphQLSchema): void {
  for (const [name, check] of Object.entries(checks)) {
    const type = schema.getType(name) as GraphQLScalarType | undefined;
    if (!type) continue;
    const accept = (value: unknown) => {
      if (!check(value)) throw new GraphQLError(`Invalid ${name} value: ${JSON.stringify(value)}`);
      return value;
    };
    // AppSync hands AWSJSON arguments to resolvers already parsed into maps, lists or scalars.
    const parse = name === 'AWSJSON' ? (value: unknown) => JSON.parse(accept(value) as string) : accept;
    type.parseValue = parse;
    type.parseLiteral = (node) => parse(literalValue(node));
    // AppSync serialises AWSJSON outputs that are objects as JSON text.
    type.serialize = (value: unknown) => (name === 'AWSJSON' && !isString(value) ? JSON.stringify(value) : accept(value));
  }
}
