/** What an organisation file holds once read, and the errors people read about it. */

/** One record of the file, as written (trimmed); `row` is its 1-based position, the header not counted. */
export interface OrgRecord {
  row: number;
  id: string;
  kind: string;
  name: string;
  parentId: string | null;
  /** Absent (no column, or an empty cell): an existing unit keeps its state, a new one is active. */
  active?: boolean;
}

/** One error of the file: the record (0 for the file as a whole), its id, the field, in English and Chinese. */
export interface ImportError {
  row: number;
  id: string | null;
  field: string;
  message: string;
  messageZh: string;
}

export type FileFormat = 'csv' | 'json' | 'xlsx';

/** Every error of a file, not only the first: nothing of it is applied. */
export class ImportRefused extends Error {
  constructor(readonly errors: ImportError[]) {
    super(`the file has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was applied`);
  }
}

/** More records than any district has: refused whole (a file this long is not an organisation tree). */
export const MAX_RECORDS = 20_000;

export const fileError = (field: string, message: string, messageZh: string): ImportError => ({ row: 0, id: null, field, message, messageZh });

/** The format named by a file's extension or a request's content type; null when neither says. */
export function formatOf(nameOrType: string): FileFormat | null {
  const s = nameOrType.toLowerCase().split(';')[0].trim();
  if (s.endsWith('.csv') || s === 'text/csv') return 'csv';
  if (s.endsWith('.json') || s === 'application/json') return 'json';
  if (s.endsWith('.xlsx') || s === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') return 'xlsx';
  return null;
}
