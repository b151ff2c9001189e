// ctx.info.selectionSetList / selectionSetGraphQL as AppSync builds them: field paths joined by "/"
// (aliases listed by alias), fragments expanded, introspection fields left out.
import { Kind, print, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export function selectionSetList(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  prefix = '',
): string[] {
  if (!selectionSet) return [];
  const out: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.alias?.value ?? selection.name.value;
      if (name.startsWith('__')) continue;
      const path = prefix ? `${prefix}/${name}` : name;
      out.push(path, ...selectionSetList(selection.selectionSet, fragments, path));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      out.push(...selectionSetList(selection.selectionSet, fragments, prefix));
    } else {
      const fragment = fragments[selection.name.value];
      if (fragment) out.push(...selectionSetList(fragment.selectionSet, fragments, prefix));
    }
  }
  return [...new Set(out)];
}

export function selectionSetGraphQL(field: FieldNode): string {
  return field.selectionSet ? print(field.selectionSet) : '';
}
