/** Rows grouped by a key in one pass, each group in the rows' order (values by `valueOf`, else the rows). */
export function groupBy<T, K, V = T>(rows: readonly T[], keyOf: (row: T) => K, valueOf?: (row: T) => V): Map<K, V[]> {
  const out = new Map<K, V[]>();
  for (const row of rows) {
    const value = valueOf ? valueOf(row) : (row as unknown as V);
    const list = out.get(keyOf(row));
    if (list) list.push(value);
    else out.set(keyOf(row), [value]);
  }
  return out;
}
