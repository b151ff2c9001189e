// Parsed-and-validated GraphQL documents by query text, least recently used dropped first: a hot
// query stays parsed however many one-off queries (a literal that changes per request) pass by.
// (The previous cache was cleared whole at 500 entries, which sent hot queries back to the parser.)
export class DocumentCache<T> {
  private readonly entries = new Map<string, T>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity = 1000) {}

  get size(): number {
    return this.entries.size;
  }

  get(query: string): T | undefined {
    const found = this.entries.get(query);
    if (found === undefined) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    this.entries.delete(query); // Map order is insertion order: re-inserting marks it most recent
    this.entries.set(query, found);
    return found;
  }

  set(query: string, value: T): void {
    this.entries.delete(query);
    this.entries.set(query, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
