import { parse } from 'csv-parse/sync';

export interface CsvTable {
  delimiter: ';' | ',';
  /** Header names as written, trimmed, in lower case. */
  headers: string[];
  /** One record per data row, keyed by lower-case header; `line` is the 1-based line in the file. */
  rows: { line: number; values: Record<string, string> }[];
}

/**
 * Parses a CSV text with a header row. The delimiter (`;` or `,`) is taken from the header line;
 * quoted fields may hold delimiters and line breaks; empty lines are skipped.
 */
export function parseCsv(text: string): { ok: true; table: CsvTable } | { ok: false; message: string } {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g) ?? []).length >= (firstLine.match(/,/g) ?? []).length ? ';' : ',';
  let records: string[][];
  try {
    records = parse(text, { delimiter, bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return { ok: false, message: `not valid CSV${line === undefined ? '' : ` (near line ${line})`}` };
  }
  const [header, ...data] = records;
  if (header === undefined) return { ok: false, message: 'the file is empty' };
  const headers = header.map((h) => h.trim().toLowerCase());
  const rows = data.map((cells, index) => {
    const values: Record<string, string> = {};
    headers.forEach((name, i) => {
      values[name] = (cells[i] ?? '').trim();
    });
    return { line: index + 2, values };
  });
  return { ok: true, table: { delimiter, headers, rows } };
}
