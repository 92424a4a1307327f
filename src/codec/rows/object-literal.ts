// Row objects are built by functions generated once per result shape: an object literal with
// constant keys gets V8's fast properties in one step, where keys assigned in a loop go through a
// map transition and a keyed store each (a third of the time spent decoding a 12-column row).

/**
 * The source of the property key for a column name in an object literal. JSON.stringify makes
 * any name a safe literal; "__proto__" as a plain key would set the prototype, so it (only) is
 * written as a computed key and becomes an own property like every other column.
 */
export function propertyKey(name: string): string {
  return name === '__proto__' ? '["__proto__"]' : JSON.stringify(name);
}

export type ObjectFromValues = (values: ArrayLike<unknown>) => Record<string, unknown>;

/** A function that makes `{ [names[i]]: values[i] }` for every column (a later duplicate name wins). */
export function objectFromValues(names: readonly string[]): ObjectFromValues {
  const body = `return { ${names.map((name, i) => `${propertyKey(name)}: v[${i}]`).join(', ')} };`;
  return new Function('v', body) as ObjectFromValues;
}
