// A binary heap ordered by `before(a, b)` (true when a comes out first). Used for the
// stable topological sort and for the scheduler's ready queue on large graphs.
export class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(value: T): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(value, a[parent] as T)) break;
      a[i] = a[parent] as T;
      i = parent;
    }
    a[i] = value;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let next = i;
      const current = () => (next === i ? last : (a[next] as T));
      if (left < a.length && this.before(a[left] as T, current())) next = left;
      if (right < a.length && this.before(a[right] as T, current())) next = right;
      if (next === i) break;
      a[i] = a[next] as T;
      i = next;
    }
    a[i] = last;
    return top;
  }
}
