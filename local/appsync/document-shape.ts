// The shape of a GraphQL document: the document with its literal values (strings, ints, floats)
// and alias names lifted out. Queries that differ only there (`note(id: "n7")` vs `note(id: "n8")`,
// an alias generated per request) share one shape, and the validation rules that never look at
// literal values or alias names give the same answer for all of them. So a shape validated once
// with every rule needs only LITERAL_RULES for the next document of that shape: the two rules of
// graphql-js that read those values (custom scalars such as AWSEmail and AWSDateTime parse literal
// content; fields with one response name must have equal arguments). Their errors come out exactly
// as full validation reports them, since every other rule passes for the shape.
//
// SHAPE_ONLY_RULES lists graphql-js's other specified rules, each checked by reading its source
// for what it reads: names, kinds, structure, and booleans/nulls/enum values (kept in the shape).
// A graphql-js upgrade that adds a rule fails the test that compares this list with specifiedRules.
import { OverlappingFieldsCanBeMergedRule, ValuesOfCorrectTypeRule, type ASTNode, type DocumentNode, type ValidationRule } from 'graphql';

export const LITERAL_RULES: readonly ValidationRule[] = [ValuesOfCorrectTypeRule, OverlappingFieldsCanBeMergedRule];

export const SHAPE_ONLY_RULES = [
  'ExecutableDefinitionsRule',
  'UniqueOperationNamesRule',
  'LoneAnonymousOperationRule',
  'SingleFieldSubscriptionsRule', // @skip/@include conditions are booleans or variables: kept
  'KnownTypeNamesRule',
  'FragmentsOnCompositeTypesRule',
  'VariablesAreInputTypesRule',
  'ScalarLeafsRule',
  'FieldsOnCorrectTypeRule',
  'UniqueFragmentNamesRule',
  'KnownFragmentNamesRule',
  'NoUnusedFragmentsRule',
  'PossibleFragmentSpreadsRule',
  'NoFragmentCyclesRule',
  'UniqueVariableNamesRule',
  'NoUndefinedVariablesRule',
  'NoUnusedVariablesRule',
  'KnownDirectivesRule',
  'UniqueDirectivesPerLocationRule',
  'KnownArgumentNamesRule',
  'UniqueArgumentNamesRule',
  'ProvidedRequiredArgumentsRule', // presence of arguments, not their values
  'VariablesInAllowedPositionRule', // whether a default is null: NullValue is kept
  'UniqueInputFieldNamesRule',
  'MaxIntrospectionDepthRule',
] as const;

const LIFTED_VALUES = new Set(['IntValue', 'FloatValue', 'StringValue']);

/**
 * The shape as a string: node kinds, names and kept values in document order, one token each,
 * with `-` for an absent child and brackets around lists, so different shapes give different strings.
 */
export function shapeKey(document: DocumentNode): string {
  const out: string[] = [];
  const walk = (node: ASTNode): void => {
    out.push(node.kind);
    if (LIFTED_VALUES.has(node.kind)) {
      out.push('#'); // the value is lifted out; the kind stays (an Int and a String literal differ)
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'kind' || key === 'loc') continue;
      if (key === 'alias') out.push(value ? 'alias' : '-');
      else if (value === undefined || value === null) out.push('-');
      else if (Array.isArray(value)) {
        out.push('[');
        for (const item of value as ASTNode[]) walk(item);
        out.push(']');
      } else if (typeof value === 'object') walk(value as ASTNode);
      else out.push(`.${String(value)}`); // names, operation types, booleans, enum values
    }
  };
  walk(document);
  return out.join(' ');
}
