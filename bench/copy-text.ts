// COPY's text format, written by hand for the Node peers: neither pg nor postgres.js encodes rows
// for COPY, so their users do this. Built on every call, as each call's own client-side cost.

// Backslash first, so the escapes added after it are not escaped again.
const ESCAPES: [RegExp, string][] = [
  [/\\/g, '\\\\'],
  [/\t/g, '\\t'],
  [/\n/g, '\\n'],
  [/\r/g, '\\r'],
];

function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let text = String(value);
  for (const [pattern, escaped] of ESCAPES) text = text.replace(pattern, escaped);
  return text;
}

/** Tab-separated lines, one per row, each ending in a newline. */
export function copyText(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const row of rows) out += `${row.map(field).join('\t')}\n`;
  return out;
}
