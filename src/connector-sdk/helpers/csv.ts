import { parse } from 'csv-parse/sync';

export interface CsvTable {
  delimiter: ';' | ',';
  /** Header names as written, trimmed, in lower case. */
  headers: string[];
  /** One record per data row, keyed by lower-case header; `line` is the 1-based line it starts on. */
  rows: { line: number; values: Record<string, string> }[];
}

/**
 * The line on which each record starts (1-based): blank lines are skipped and a quoted field may
 * span lines, so the record number alone is not the line a person sees in an editor.
 */
function recordStartLines(text: string): number[] {
  const starts: number[] = [];
  let line = 1;
  let quoted = false;
  let atRecordStart = true;
  for (const char of text) {
    if (atRecordStart && (char === '\n' || char === '\r')) {
      if (char === '\n') line += 1;
      continue;
    }
    if (atRecordStart) {
      starts.push(line);
      atRecordStart = false;
    }
    if (char === '"') quoted = !quoted;
    else if (char === '\n') {
      line += 1;
      atRecordStart = !quoted;
    }
  }
  return starts;
}

/**
 * Parses a CSV text with a header row. The delimiter (`;` or `,`) is taken from the header line;
 * quoted fields may hold delimiters and line breaks; empty lines are skipped.
 */
export function parseCsv(
  text: string,
): { ok: true; table: CsvTable } | { ok: false; message: string } {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter =
    (firstLine.match(/;/g) ?? []).length >= (firstLine.match(/,/g) ?? []).length ? ';' : ',';
  let records: string[][];
  try {
    const parsed: unknown = parse(text, {
      delimiter,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    });
    records = parsed as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return {
      ok: false,
      message: `not valid CSV${line === undefined ? '' : ` (near line ${line})`}`,
    };
  }
  const [header, ...data] = records;
  if (header === undefined) return { ok: false, message: 'the file is empty' };
  const headers = header.map((h) => h.trim().toLowerCase());
  const starts = recordStartLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const exact = starts.length === records.length;
  const rows = data.map((cells, index) => {
    const values: Record<string, string> = {};
    headers.forEach((name, i) => {
      values[name] = (cells[i] ?? '').trim();
    });
    return { line: exact ? (starts[index + 1] ?? index + 2) : index + 2, values };
  });
  return { ok: true, table: { delimiter, headers, rows } };
}
