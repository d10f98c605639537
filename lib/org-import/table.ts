/**
 * Reading a table of records (organisations, accounts) from the files offices keep: CSV (UTF-8,
 * with or without a byte-order mark; csv-parse), JSON (`{ "<list>": [ {...} ] }`) or an Excel
 * workbook (.xlsx, its first sheet; exceljs). Every cell comes out as trimmed text (or null when
 * empty); the header is checked against the columns the caller expects.
 *
 * Formulas: a cell holding a formula is refused (an error naming the cell), never evaluated nor
 * taken at its cached result: the cached value may be stale or absent (a file written by a program
 * that does not compute), and a formula is not what the office means to import. The error asks for
 * the value instead (Excel: paste as values).
 */
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { fileError, MAX_RECORDS, type FileFormat, type ImportError } from './records';

export interface TableColumns { required: readonly string[]; optional: readonly string[] }

/** One record: its position (1-based, the header not counted) and its cells by column name. */
export interface TableRecord { row: number; cells: Record<string, string | null> }

export interface Table { records: TableRecord[]; errors: ImportError[] }

const text = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
};

function parseCsv(content: string): Promise<string[][]> {
  return new Promise((resolve, reject) => parse(content, {
    bom: true, skip_empty_lines: true, relax_column_count: true, trim: true,
  }, (err, rows: string[][]) => (err ? reject(err) : resolve(rows))));
}

/** Header and cells of every record, or the file's errors. */
function fromRows(rows: unknown[][], columns: TableColumns, cellName: (row: number, col: number) => string): Table {
  const errors: ImportError[] = [];
  if (rows.length === 0) return { records: [], errors: [fileError('file', 'the file is empty', '文件是空的')] };
  const header = rows[0].map((h) => text(h) ?? '');
  while (header.length && header[header.length - 1] === '') header.pop();
  const known = [...columns.required, ...columns.optional];
  const expected = `${columns.required.join(',')}${columns.optional.map((c) => `[,${c}]`).join('')}`;
  const unknown = header.filter((h) => !known.includes(h));
  const missing = columns.required.filter((c) => !header.includes(c));
  const repeated = header.filter((h, i) => header.indexOf(h) !== i);
  if (unknown.length || missing.length || repeated.length) {
    const found = header.join(',');
    return { records: [], errors: [fileError('header', `the header must be ${expected}, found "${found}"`, `表头应为 ${expected}，实际为“${found}”`)] };
  }
  if (rows.length === 1) return { records: [], errors: [fileError('file', 'the file has no records below its header', '文件只有表头，没有数据')] };
  if (rows.length - 1 > MAX_RECORDS) {
    return { records: [], errors: [fileError('file', `the file has ${rows.length - 1} records; at most ${MAX_RECORDS} are accepted`, `文件有 ${rows.length - 1} 行，最多接受 ${MAX_RECORDS} 行`)] };
  }
  const records: TableRecord[] = [];
  rows.slice(1).forEach((cells, i) => {
    const row = i + 1;
    const record: Record<string, string | null> = {};
    header.forEach((h, c) => {
      const v = cells[c];
      if (v && typeof v === 'object' && 'formula' in (v as object)) {
        errors.push({ row, id: text(cells[header.indexOf('id')]) , field: h, message: `cell ${cellName(row, c)} holds a formula: enter its value instead`,
          messageZh: `单元格 ${cellName(row, c)} 是公式，请改为填写数值（可“选择性粘贴—数值”）` });
        record[h] = null;
        return;
      }
      record[h] = text(v);
    });
    if (cells.length > header.length && cells.slice(header.length).some((v) => text(v) !== null)) {
      errors.push({ row, id: record.id ?? null, field: 'file', message: 'the record has more cells than the header has columns', messageZh: '该行的列数多于表头' });
    }
    records.push({ row, cells: record });
  });
  return { records, errors };
}

/** The value of an Excel cell as the office sees it: text, a number, a boolean, a date; a formula kept as such. */
function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('formula' in v || 'sharedFormula' in v) return { formula: true };
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('text' in v) return typeof v.text === 'string' ? v.text : null; // a hyperlink
  if ('error' in v) return null;
  return null;
}

const columnLetter = (c: number) => {
  let s = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

async function xlsxRows(content: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellValue);
    if (values.some((v) => v !== null && !(typeof v === 'string' && v.trim() === ''))) rows.push(values);
  });
  return rows;
}

/** Reads `content` as a table of `columns`; a JSON file holds `{ [listName]: [...] }`. */
export async function readTable(content: Buffer, format: FileFormat, columns: TableColumns, listName: string): Promise<Table> {
  if (content.length === 0) return { records: [], errors: [fileError('file', 'the file is empty', '文件是空的')] };
  if (format === 'csv') {
    let rows: string[][];
    try {
      rows = await parseCsv(content.toString('utf8'));
    } catch (err) {
      return { records: [], errors: [fileError('file', `not a readable CSV file: ${(err as Error).message}`, 'CSV 文件格式有误，无法读取')] };
    }
    return fromRows(rows, columns, (row, c) => `${columnLetter(c)}${row + 1}`);
  }
  if (format === 'xlsx') {
    let rows: unknown[][];
    try {
      rows = await xlsxRows(content);
    } catch {
      return { records: [], errors: [fileError('file', 'not a readable Excel workbook (.xlsx)', 'Excel 文件（.xlsx）无法读取')] };
    }
    return fromRows(rows, columns, (row, c) => `${columnLetter(c)}${row + 1}`);
  }
  return fromJson(content, columns, listName);
}

function fromJson(content: Buffer, columns: TableColumns, listName: string): Table {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return { records: [], errors: [fileError('file', 'not valid JSON', '不是有效的 JSON')] };
  }
  const list = (parsed as Record<string, unknown> | null)?.[listName];
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Array.isArray(list) || Object.keys(parsed).length !== 1) {
    return { records: [], errors: [fileError('file', `the JSON must be { "${listName}": [ … ] }`, `JSON 应为 { "${listName}": [ … ] }`)] };
  }
  if (list.length === 0) return { records: [], errors: [fileError('file', `"${listName}" is empty`, `“${listName}”没有数据`)] };
  if (list.length > MAX_RECORDS) {
    return { records: [], errors: [fileError('file', `${list.length} records; at most ${MAX_RECORDS} are accepted`, `共 ${list.length} 条，最多接受 ${MAX_RECORDS} 条`)] };
  }
  const known = [...columns.required, ...columns.optional];
  const errors: ImportError[] = [];
  const records = list.map((item, i): TableRecord => {
    const row = i + 1;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ row, id: null, field: 'file', message: 'each record must be an object', messageZh: '每一条须为对象' });
      return { row, cells: {} };
    }
    const o = item as Record<string, unknown>;
    const cells: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(o)) {
      if (!known.includes(k)) {
        errors.push({ row, id: typeof o.id === 'string' ? o.id : null, field: k, message: `unknown field "${k}"`, messageZh: `未知字段“${k}”` });
      } else if (v !== null && typeof v === 'object') {
        errors.push({ row, id: typeof o.id === 'string' ? o.id : null, field: k, message: `${k} must be text`, messageZh: `${k} 须为文本` });
      } else {
        cells[k] = text(v);
      }
    }
    return { row, cells };
  });
  return { records, errors };
}
