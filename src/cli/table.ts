/** Plain-text tables for the CLI: columns padded to their widest cell, two spaces apart. */

/**
 * One line per row under the header; the last column is not padded.
 * @example formatTable(['a', 'b'], [['1', '22']]) // 'a  b\n1  22\n'
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
