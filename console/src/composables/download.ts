/**
 * Files the console hands to the person: a blob saved under a name, and tables written as CSV the
 * way Excel in China opens them (UTF-8 with a byte-order mark, Chinese headers, CRLF lines).
 */

/** Saves a blob as a download named `name`. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One CSV cell: quoted when it holds a comma, a quote or a line break; a leading = + - @ is kept as text (no formula). */
function cell(value: string | number | boolean | null | undefined): string {
  let text = value == null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A table as a CSV file: the headers (Chinese) and the rows, in that order. */
export function csvBlob(headers: string[], rows: Array<Array<string | number | boolean | null | undefined>>): Blob {
  const lines = [headers, ...rows].map((r) => r.map(cell).join(','));
  return new Blob([`\uFEFF${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
}
