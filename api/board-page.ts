/**
 * The community notice board (社区公示栏) as a Chinese HTML page for a screen in the community
 * hall or a printed sheet: big type on screens, A4 landscape in print. It renders the same
 * (already masked) board the JSON route returns, and escapes every text it shows.
 */
import type { BoardItem, BoardPage } from './schemas/supervision';
import { shanghaiDay, shanghaiMinute } from '../domain/shanghai-time';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string | null | undefined): string {
  return (text ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** 'YYYY-MM-DD' in Asia/Shanghai, or a dash for none. */
function day(iso: string | null): string {
  return iso ? shanghaiDay(iso) : '—';
}

function units(item: BoardItem): string {
  const street = escapeHtml(item.street.name);
  if (item.departments.length === 0) return `<span class="unit">${street}</span>`;
  const departments = [...item.departments].sort((a, b) => Number(b.lead) - Number(a.lead))
    .map((d) => `<span class="unit">${escapeHtml(d.name)}${d.lead ? '<em class="lead">牵头</em>' : ''}</span>`);
  return `<span class="unit muted">${street} 上报</span>${departments.join('')}`;
}

function evaluation(item: BoardItem): string {
  if (item.ratingName) return `<span class="rating rating-${escapeHtml(item.rating)}">${escapeHtml(item.ratingName)}</span>`;
  return item.status === 'resolved' ? '<span class="rating pending">待评价</span>' : '<span class="rating none">未评价</span>';
}

function row(item: BoardItem, n: number): string {
  const list = item.listName ? `<span class="list list-${escapeHtml(item.list)}">${escapeHtml(item.listName)}</span>` : '<span class="list list-street">镇街办理</span>';
  const explained = item.outcome === 'explained' ? '<em class="explained">解释说明</em>' : '';
  return `<tr>
  <td class="n">${n}</td>
  <td class="title">${escapeHtml(item.title)}${item.reports > 1 ? ` <span class="reports">（${item.reports}人次反映）</span>` : ''}</td>
  <td class="kind"><span class="category">${escapeHtml(item.categoryName)}</span>${list}</td>
  <td class="units">${units(item)}</td>
  <td class="date">${day(item.filedAt)}</td>
  <td class="date">${day(item.resolvedAt)}</td>
  <td class="result">${explained}${escapeHtml(item.result) || '—'}</td>
  <td class="rating-cell">${evaluation(item)}</td>
  <td class="reporter">${escapeHtml(item.reporter?.name) || '—'}</td>
</tr>`;
}

const STYLE = `
:root { --red: #b3261e; --ink: #1c1b1f; --muted: #5f5b66; --line: #d9d4cf; --paper: #fffdf8; }
* { box-sizing: border-box; }
html { font-size: 20px; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; line-height: 1.5; }
header { background: var(--red); color: #fff; padding: 1.1rem 2rem 1rem; border-bottom: 6px solid #f2c14e; }
header .district { font-size: 1rem; letter-spacing: .3em; opacity: .92; }
header h1 { margin: .2rem 0 .1rem; font-size: 2.3rem; letter-spacing: .12em; }
header .sub { margin: 0; font-size: 1rem; opacity: .92; }
main { padding: 1.2rem 2rem 0; }
table { width: 100%; border-collapse: collapse; background: #fff; }
caption { text-align: left; font-size: 1rem; color: var(--muted); padding-bottom: .5rem; }
th, td { border: 1px solid var(--line); padding: .55rem .6rem; vertical-align: top; text-align: left; }
thead th { background: #f6e9e7; color: var(--red); font-size: .95rem; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fbf8f4; }
td.n { text-align: center; color: var(--muted); width: 2.5em; }
td.title { font-weight: 700; font-size: 1.1rem; min-width: 10em; }
td.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.result { min-width: 14em; }
td.reporter, td.rating-cell { white-space: nowrap; text-align: center; }
.category, .unit { display: block; }
.unit, .lead, .list { white-space: nowrap; }
.list { display: inline-block; margin-top: .2rem; padding: 0 .45em; border-radius: .3em; font-size: .8rem; border: 1px solid currentColor; }
.list-immediate { color: #1b7f3b; } .list-phased { color: #a05a00; } .list-understanding { color: #3a5fb0; } .list-street { color: var(--muted); }
.muted { color: var(--muted); font-size: .85rem; }
.lead, .explained { font-style: normal; font-size: .75rem; margin-left: .35em; padding: 0 .35em; border-radius: .3em; background: var(--red); color: #fff; }
.explained { background: #3a5fb0; margin: 0 .4em 0 0; }
.rating { font-weight: 700; }
.reports { color: var(--muted); font-size: 90%; white-space: nowrap; }
.rating-satisfied { color: #1b7f3b; } .rating-basically_satisfied { color: #a05a00; } .rating-unsatisfied { color: var(--red); }
.rating.pending, .rating.none { color: var(--muted); font-weight: 400; }
.empty { padding: 3rem; text-align: center; color: var(--muted); font-size: 1.3rem; }
footer { padding: 1rem 2rem 1.5rem; color: var(--muted); font-size: .85rem; }
footer a { color: var(--red); }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  html { font-size: 10.5pt; }
  body { background: #fff; }
  header { background: #fff; color: #000; border-bottom: 2pt solid #000; padding: 0 0 6pt; }
  header h1 { font-size: 20pt; }
  main, footer { padding-left: 0; padding-right: 0; }
  thead { display: table-header-group; }
  thead th { background: #eee; color: #000; }
  tr { page-break-inside: avoid; break-inside: avoid; }
  tbody tr:nth-child(even) { background: #fff; }
  .lead, .explained { background: none; color: #000; border: 1px solid #000; }
  .pager { display: none; }
}
`;

/** The whole page. `now` is when it was rendered (shown as 更新时间); `nextHref` links the next page. */
export function renderBoardPage(board: BoardPage, now: Date, nextHref: string | null): string {
  const c = board.community;
  const title = `${c.name}居事办理公示栏`;
  const body = board.items.length === 0
    ? '<p class="empty">暂无办结事项公示</p>'
    : `<table>
<caption>社区吹哨、部门报到办理结果公示（最新办结在前）</caption>
<thead><tr><th>序号</th><th>事项</th><th>类别 / 清单</th><th>办理单位</th><th>上报日期</th><th>办结日期</th><th>办理结果</th><th>群众评价</th><th>反映人</th></tr></thead>
<tbody>
${board.items.map((item, i) => row(item, i + 1)).join('\n')}
</tbody>
</table>`;
  const next = nextHref ? ` · <a class="pager" href="${escapeHtml(nextHref)}">下一页 →</a>` : '';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)} · 长乐区</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <div class="district">福州市长乐区 · 吹哨报到</div>
  <h1>${escapeHtml(title)}</h1>
  <p class="sub">${escapeHtml(c.street.name)} · ${escapeHtml(c.name)}　社区“接单” · 精准“派单” · 定期“验单” · 群众“评单”</p>
</header>
<main>
${body}
</main>
<footer>本页 ${board.items.length} 项${next} · 更新时间 ${shanghaiMinute(now)}（北京时间）· 反映人姓名已隐去，不公开联系方式 · 如有疑问请联系社区居委会</footer>
</body>
</html>
`;
}
