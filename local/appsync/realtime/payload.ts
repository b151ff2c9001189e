// What a subscriber receives, computed the way AppSync does it:
// 1. The published payload is the mutation's *response*: the resolver's value shaped by the mutation
//    field's return type and, when the mutation document is known, by its selection set (fields the
//    mutation did not select are absent, so subscribers get null for them), with leaf values
//    serialized (an ID is a string, AWSJSON is JSON text).
// 2. Each subscriber gets that payload projected onto its own selection set by executing the
//    subscription document against it with graphql-js default resolvers (aliases, __typename and
//    fragments work); fields the subscriber may not read become null.
import {
  defaultFieldResolver,
  executeSync,
  getNamedType,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Subscription field name -> the mutation fields listed in its `@aws_subscribe(mutations: [...])`. */
export function subscribeDirectives(schema: GraphQLSchema): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const type = schema.getSubscriptionType();
  if (!type) return out;
  for (const field of Object.values(type.getFields())) {
    const directive = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
    const arg = directive?.arguments?.find((a) => a.name.value === 'mutations');
    if (!arg) continue;
    const value = valueFromASTUntyped(arg.value);
    const list = (Array.isArray(value) ? value : [value]).filter((m): m is string => typeof m === 'string');
    out.set(field.name, [...new Set(list)]);
  }
  return out;
}

/** The fields selected below one field, merged over every occurrence; `open` when a fragment could not be resolved. */
export interface SelectionTree {
  fields: Map<string, SelectionTree>;
  open: boolean;
}

function emptyTree(): SelectionTree {
  return { fields: new Map(), open: false };
}

function addSelections(
  tree: SelectionTree,
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  seen: Set<string>,
): void {
  if (!selectionSet) return;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      let child = tree.fields.get(name);
      if (!child) tree.fields.set(name, (child = emptyTree()));
      addSelections(child, selection.selectionSet, fragments, seen);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      addSelections(tree, selection.selectionSet, fragments, seen);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment) tree.open = true;
      else if (!seen.has(fragment.name.value)) {
        seen.add(fragment.name.value);
        addSelections(tree, fragment.selectionSet, fragments, seen);
        seen.delete(fragment.name.value);
      }
    }
  }
}

type MutationSource = DocumentNode | OperationDefinitionNode;
const treeCache = new WeakMap<MutationSource, Map<string, SelectionTree | null>>();

/**
 * The selection tree of `fieldName` in a mutation document (or a bare operation node, which is what
 * graphql-js' `info.operation` is). Null when the document does not select the field.
 */
export function mutationSelection(source: MutationSource, fieldName: string): SelectionTree | null {
  let perField = treeCache.get(source);
  if (!perField) treeCache.set(source, (perField = new Map()));
  const cached = perField.get(fieldName);
  if (cached !== undefined) return cached;

  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  if (source.kind === Kind.DOCUMENT) {
    for (const def of source.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
      else if (def.kind === Kind.OPERATION_DEFINITION && def.operation === 'mutation') operations.push(def);
    }
  } else operations.push(source);

  const root = emptyTree();
  for (const op of operations) addSelections(root, op.selectionSet, fragments, new Set());
  const tree = root.fields.get(fieldName) ?? (root.open ? { fields: new Map(), open: true } : null);
  perField.set(fieldName, tree);
  return tree;
}

function serializeLeaf(type: GraphQLOutputType, value: unknown): unknown {
  const named = getNamedType(type);
  if (!isLeafType(named)) return value;
  try {
    const out = named.serialize(value);
    return out === undefined ? null : out;
  } catch {
    return null;
  }
}

/**
 * The mutation response for `value` of `type`: object fields the schema does not declare are
 * dropped, unselected ones too when `tree` is given (null: every declared field), leaves serialized.
 */
export function shapeResponse(schema: GraphQLSchema, value: unknown, type: GraphQLOutputType, tree: SelectionTree | null): unknown {
  if (value === null || value === undefined) return null;
  if (isNonNullType(type)) return shapeResponse(schema, value, type.ofType, tree);
  if (isListType(type)) {
    if (!Array.isArray(value)) return null;
    return value.map((item) => shapeResponse(schema, item, type.ofType, tree));
  }
  if (isLeafType(type)) return serializeLeaf(type, value);
  if (typeof value !== 'object' || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  let objectType: GraphQLObjectType | undefined;
  if (isObjectType(type)) objectType = type;
  else if (isAbstractType(type) && typeof record.__typename === 'string') {
    const candidate = schema.getType(record.__typename);
    if (isObjectType(candidate)) objectType = candidate;
  }
  if (!objectType) return value;
  const fields = objectType.getFields();
  const out: Record<string, unknown> = {};
  if (typeof record.__typename === 'string') out.__typename = record.__typename;
  for (const [name, field] of Object.entries(fields)) {
    const fieldValue = record[name];
    if (fieldValue === undefined) continue;
    let child: SelectionTree | null = null;
    if (tree) {
      const selected = tree.fields.get(name);
      if (!selected && !tree.open) continue;
      child = selected && !selected.open ? selected : null;
    }
    out[name] = shapeResponse(schema, fieldValue, field.type, child);
  }
  return out;
}

/** What projection needs of a subscriber. */
export interface ProjectionTarget {
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  fieldName: string;
  allowed(typeName: string, fieldName: string): boolean;
}

interface ProjectionContext {
  allowed(typeName: string, fieldName: string): boolean;
}

const authorizedResolver: GraphQLFieldResolver<unknown, ProjectionContext> = (source, args, context, info) => {
  if (!context.allowed(info.parentType.name, info.fieldName)) return null;
  return defaultFieldResolver(source, args, context, info);
};

export interface FormattedDataError {
  message: string;
  errorType: string | null;
  path: ReadonlyArray<string | number> | null;
  locations: { line: number; column: number }[] | null;
}

function formatDataError(error: GraphQLError): FormattedDataError {
  return {
    message: error.message,
    errorType: null,
    path: error.path ?? null,
    locations: error.locations?.map((l) => ({ line: l.line, column: l.column })) ?? null,
  };
}

/** The JSON text of a `data` message's payload: `{"data": {...}}` (plus `errors` when projection had some). */
export function projectPayload(schema: GraphQLSchema, target: ProjectionTarget, payload: unknown): string {
  const result = executeSync({
    schema,
    document: target.document,
    operationName: target.operationName,
    variableValues: target.variables,
    rootValue: { [target.fieldName]: payload },
    contextValue: { allowed: target.allowed } satisfies ProjectionContext,
    fieldResolver: authorizedResolver as GraphQLFieldResolver<unknown, unknown>,
  });
  const body: { data: unknown; errors?: FormattedDataError[] } = { data: result.data ?? null };
  if (result.errors?.length) body.errors = result.errors.map(formatDataError);
  return JSON.stringify(body);
}
