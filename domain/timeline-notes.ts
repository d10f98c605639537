/**
 * The timeline notes the workflows write themselves (timers, the calendar, merges, an
 * appointment) are recorded in the workflows' own words, which running cases keep for good.
 * This module says them in Chinese, with times in Beijing time (Asia/Shanghai), for everything
 * people read: the console's timelines and the notifications. A note a person wrote is left as
 * it is. Pure: the console imports it as well.
 */
import { LIST_LABELS, RETURN_RULING_LABELS } from './labels';
import { shanghaiMinute } from './shanghai-time';
import type { List } from './whistle';

const ISO = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})`;

/** A deadline by its name in the workflows (`street.accept`, `lists.phased`, `help.claimWithin`, …). */
export function deadlineName(what: string): string {
  const warning = what.endsWith('.warning');
  const key = warning ? what.slice(0, -'.warning'.length) : what;
  const list = /^lists\.(\w+)/.exec(key)?.[1];
  const names: Array<[RegExp, string]> = [
    [/^street\.accept/, '街道受理期限'],
    [/^street\.handle/, '街道办理期限'],
    [/^center\.triage/, '区中心派单期限'],
    [/^department\.accept/, '部门受理期限'],
    [/^evaluation/, '群众评价期限'],
    [/^phased\.progress/, '阶段性进展报告期限'],
    [/^help\.verify/, '社区审核期限'],
    [/^help\.claim/, '接单期限'],
    [/^help\.checkIn/, '报到期限'],
    [/^help\.confirm/, '确认评价期限'],
  ];
  const name = list ? `${LIST_LABELS[list as List] ?? list}办理期限` : names.find(([re]) => re.test(key))?.[1] ?? '办理期限';
  return warning ? `${name}预警` : name;
}

/** The deadlines the due-soon note names by their summary (`the street handling deadline is near: …`). */
const SUMMARY_KEYS: Record<string, string> = {
  'street acceptance deadline': 'street.accept',
  'street handling deadline': 'street.handle',
  'center triage deadline': 'center.triage',
  'department acceptance deadline': 'department.accept',
  'evaluation window': 'evaluation.window',
  'phased progress reminder': 'phased.progress',
};

const FIXED: Record<string, string> = {
  'the street office has not accepted in time': '街道未在期限内受理',
  'the center has not triaged in time': '区中心未在期限内分拨派单',
  'the department has not accepted in time': '部门未在期限内受理',
  'no progress reported for the period': '本期未反馈进展，请报告办理进展',
  'the street handling deadline passed': '街道办理期限已到，自动上报区中心',
  'the whistle-blower is unsatisfied; back to the center': '群众不满意，退回区中心重新派单办理',
  'no evaluation within the window': '评价期内未评价，自动结案',
  'the deadline passed before the center decided': '区中心审批前办理期限已到，延期申请失效',
  'escalated by a supervisor': '督查室上报区中心',
  'the community has not verified the request in time': '社区未在期限内审核点单',
  'nobody has taken the request yet': '点单暂无人接单',
  'the return was upheld': `退单审核：${RETURN_RULING_LABELS.upheld}`,
  'the return was rejected': `退单审核：${RETURN_RULING_LABELS.rejected}`,
};

/**
 * The note of a timeline entry as people read it: the workflows' own sentences in Chinese, times
 * in Beijing time; anything else (what a person wrote) unchanged. Null stays null.
 */
export function noteForPeople(type: string, note: string | null | undefined): string | null {
  if (note == null) return null;
  const fixed = FIXED[note];
  if (fixed) return fixed;
  let m: RegExpExecArray | null;
  if (type === 'overdue' && (m = /^the (\w+) list deadline passed$/.exec(note))) {
    return `${LIST_LABELS[m[1] as List] ?? m[1]}办理期限已过`;
  }
  if (type === 'due_soon' && (m = new RegExp(`^the (.+) is near: (${ISO})$`).exec(note))) {
    const summary = m[1].replace(/^early warning before the /, '');
    const list = /^(\w+) list deadline$/.exec(summary)?.[1];
    const key = list ? `lists.${list}` : SUMMARY_KEYS[summary];
    return `${key ? deadlineName(key) : '办理期限'}将到：${shanghaiMinute(m[2])}（北京时间）`;
  }
  if (type === 'deadline_recomputed' && (m = new RegExp(`^([\\w.]+): (${ISO}) → (${ISO}) \\(the holiday calendar changed\\)$`).exec(note))) {
    return `节假日安排调整，${deadlineName(m[1])}由 ${shanghaiMinute(m[2])} 改为 ${shanghaiMinute(m[3])}（北京时间）`;
  }
  if (type === 'claimed' && (m = new RegExp(`^(${ISO}) @ ([\\s\\S]*)$`).exec(note))) {
    return `约定时间 ${shanghaiMinute(m[1])}（北京时间），地点：${m[2]}`;
  }
  if (type === 'no_show' && /did not check in; back on the board$/.test(note)) return '接单人未按时报到，点单已重新上墙';
  if (type === 'merged_in' && (m = /^whistle (\S+) merged in as a repeated report$/.exec(note))) return `事项 ${m[1]} 作为重复件并入`;
  if (type === 'merge_unconfirmed' && (m = /^whistle (\S+) could not be told/.exec(note))) return `未能通知原事项 ${m[1]}，合并待确认`;
  return note;
}
