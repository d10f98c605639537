/**
 * 定期验单 as a CSV file for people with a spreadsheet: Chinese headings (the console's own),
 * units by name and kind in Chinese, rates as percentages; the JSON answer keeps its field names.
 */
import { ASSESSMENT_COLUMN_LABELS, ORG_KIND_LABELS } from '../../domain';
import { ASSESSMENT_COLUMNS, type Assessment, type AssessmentRow } from '../../lib/assessments';

/** Every column has its heading: a new column without one does not compile. */
const HEADINGS: Record<keyof AssessmentRow, string> = ASSESSMENT_COLUMN_LABELS;

const RATES = new Set<keyof AssessmentRow>(['responseRate', 'resolutionRate', 'onTimeRate', 'satisfactionRate', 'callbackSatisfactionRate']);

/** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; text that a
 * spreadsheet would run as a formula (= + - @ at the start) is prefixed with an apostrophe. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One cell as people read it: the kind in Chinese, a rate as a percentage (33.33%), the rest as it is. */
function cell(row: AssessmentRow, column: keyof AssessmentRow): string | number | null {
  const value = row[column] ?? null;
  if (value === null) return null;
  if (column === 'kind') return ORG_KIND_LABELS[value as 'street' | 'department'] ?? String(value);
  if (RATES.has(column) && typeof value === 'number') return `${(Math.round(value * 10_000) / 100).toString()}%`;
  return value as string | number;
}

/** The assessment as CSV: a BOM (so Excel reads UTF-8 Chinese), a header row of Chinese headings, CRLF lines. */
export function assessmentCsv(a: Assessment): string {
  const lines = [ASSESSMENT_COLUMNS.map((k) => csvField(HEADINGS[k])).join(',')];
  // A quarter published before a column existed has no value for it: an empty cell.
  for (const row of a.items) lines.push(ASSESSMENT_COLUMNS.map((k) => csvField(cell(row, k))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
