// ctx.info.selectionSetList / selectionSetGraphQL as AppSync builds them: field paths joined by "/"
// (aliases listed by alias), fragments expanded, introspection fields left out.
import { Kind, print, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export function selectionSetList(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
): string[] {
  const out = new Set<string>();
  collect(selectionSet, fragments, '', new Set(), out);
  return [...out];
}

/**
 * One level of a selection, as graphql-js's collectFields walks it: a fragment already spread at this
 * level is not expanded again (`visited`), so a fragment spread twice costs once and a chain of
 * fragments that each spread the next twice stays linear instead of doubling per link. A field's
 * own sub-selection is a new level with a new visited set.
 */
function collect(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  prefix: string,
  visited: Set<string>,
  out: Set<string>,
): void {
  if (!selectionSet) return;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.alias?.value ?? selection.name.value;
      if (name.startsWith('__')) continue;
      const path = prefix ? `${prefix}/${name}` : name;
      out.add(path);
      collect(selection.selectionSet, fragments, path, new Set(), out);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, fragments, prefix, visited, out);
    } else {
      const name = selection.name.value;
      if (visited.has(name)) continue;
      visited.add(name);
      collect(fragments[name]?.selectionSet, fragments, prefix, visited, out);
    }
  }
}

export function selectionSetGraphQL(field: FieldNode): string {
  return field.selectionSet ? print(field.selectionSet) : '';
}
