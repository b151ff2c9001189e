// Active subscriptions, indexed for fan-out. AppSync's argument filtering delivers a mutation's
// payload to a subscription when every argument the subscriber gave (non-null) equals the payload's
// top-level field of the same name. Subscriptions are grouped by mutation, then by the set of
// argument names they gave, then by those arguments' values, so a publish looks up the matching
// subscribers instead of scanning all of them.

/** What the registry needs of a subscription. */
export interface Indexed {
  /** Mutation fields whose results reach this subscription. */
  readonly mutations: readonly string[];
  /** The subscription field (for invalidation). */
  readonly fieldName: string;
  /** Argument names the subscriber gave with a non-null value, sorted. */
  readonly argNames: readonly string[];
  /** Those arguments' values, in argNames order. */
  readonly argValues: readonly unknown[];
}

/** A canonical text for a value, used as a map key. Scalars compare by their text (an ID "5" equals 5). */
export function valueKey(value: unknown): string {
  if (value === undefined) return '\u0000u';
  if (value === null) return '\u0000n';
  if (typeof value !== 'object') return `\u0001${String(value)}`;
  return `\u0002${stableJson(value)}`;
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

function tupleKey(values: readonly unknown[]): string {
  return values.length === 1 ? valueKey(values[0]) : values.map(valueKey).join('\u0003');
}

interface Group<T> {
  names: readonly string[];
  byValues: Map<string, Set<T>>;
}

export class SubscriptionRegistry<T extends Indexed> {
  private readonly byMutation = new Map<string, Map<string, Group<T>>>();
  private readonly byField = new Map<string, Set<T>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(sub: T): void {
    const signature = sub.argNames.join('\u0000');
    const key = tupleKey(sub.argValues);
    for (const mutation of sub.mutations) {
      let groups = this.byMutation.get(mutation);
      if (!groups) this.byMutation.set(mutation, (groups = new Map()));
      let group = groups.get(signature);
      if (!group) groups.set(signature, (group = { names: sub.argNames, byValues: new Map() }));
      let set = group.byValues.get(key);
      if (!set) group.byValues.set(key, (set = new Set()));
      set.add(sub);
    }
    let fieldSet = this.byField.get(sub.fieldName);
    if (!fieldSet) this.byField.set(sub.fieldName, (fieldSet = new Set()));
    fieldSet.add(sub);
    this.count += 1;
  }

  remove(sub: T): void {
    const fieldSet = this.byField.get(sub.fieldName);
    if (!fieldSet?.delete(sub)) return;
    if (fieldSet.size === 0) this.byField.delete(sub.fieldName);
    const signature = sub.argNames.join('\u0000');
    const key = tupleKey(sub.argValues);
    for (const mutation of sub.mutations) {
      const groups = this.byMutation.get(mutation);
      const group = groups?.get(signature);
      const set = group?.byValues.get(key);
      if (!groups || !group || !set) continue;
      set.delete(sub);
      if (set.size === 0) group.byValues.delete(key);
      if (group.byValues.size === 0) groups.delete(signature);
      if (groups.size === 0) this.byMutation.delete(mutation);
    }
    this.count -= 1;
  }

  /** Whether any subscription listens for `mutation`. */
  listensTo(mutation: string): boolean {
    return this.byMutation.has(mutation);
  }

  /** Snapshot of the subscriptions whose arguments match `payload` (the mutation response). */
  candidates(mutation: string, payload: unknown): T[] {
    const groups = this.byMutation.get(mutation);
    if (!groups) return [];
    const record = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
    const out: T[] = [];
    for (const group of groups.values()) {
      const values = group.names.map((name) => record[name]);
      if (values.some((v) => v === undefined || v === null)) continue; // a given argument never equals a missing field
      const set = group.byValues.get(tupleKey(values));
      if (set) for (const sub of set) out.push(sub);
    }
    return out;
  }

  /** Snapshot of every subscription on a subscription field. */
  onField(fieldName: string): T[] {
    return [...(this.byField.get(fieldName) ?? [])];
  }

  clear(): void {
    this.byMutation.clear();
    this.byField.clear();
    this.count = 0;
  }
}
