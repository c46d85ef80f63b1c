/** A minimal typed listener list (node's EventEmitter is untyped and re-entrant on errors). */
export class Listeners<T> {
  private readonly fns = new Set<(value: T) => void>();

  add(fn: (value: T) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }

  emit(value: T): void {
    for (const fn of [...this.fns]) fn(value);
  }

  clear(): void {
    this.fns.clear();
  }
}
