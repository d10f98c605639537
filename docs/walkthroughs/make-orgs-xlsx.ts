/**
 * Walkthrough A: a small district's organisation tree as an Excel file (first sheet,
 * columns id,kind,name,parentId), the way the district would hand it over.
 *   npx tsx docs/walkthroughs/make-orgs-xlsx.ts /tmp/walk/组织架构.xlsx
 */
import ExcelJS from 'exceljs';

/** The units kind by kind, each as [id, name, parentId]; the sheet lists them in this order. */
const units: Array<[kind: string, units: Array<[id: string, name: string, parentId: string]>]> = [
  ['center', [['center', '长乐区社会治理服务中心', '']]],
  ['supervision', [['supervision', '区督查室', 'center']]],
  ['street', [['wuhang', '吴航街道', 'center']]],
  ['community', [['xiguan', '西关社区', 'wuhang'], ['dongguan', '东关社区', 'wuhang']]],
  ['compound', [['xiguan-jiangjing', '江景小区', 'xiguan'], ['dongguan-huayuan', '花园小区', 'dongguan']]],
  ['grid', [['xiguan-grid-1', '西关第一网格', 'xiguan'], ['dongguan-grid-1', '东关第一网格', 'dongguan']]],
  ['department', [['urban', '区城市管理局', 'center'], ['water', '区水利局', 'center'], ['housing', '区住建局', 'center']]],
];
const rows = units.flatMap(([kind, ofKind]) => ofKind.map(([id, name, parentId]) => [id, kind, name, parentId]));

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: make-orgs-xlsx.ts OUT.xlsx');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('组织架构');
  sheet.addRow(['id', 'kind', 'name', 'parentId']);
  for (const r of rows) sheet.addRow(r);
  await book.xlsx.writeFile(out);
  console.log(`${out}: ${rows.length} units`);
}
void main();
