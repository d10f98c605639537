/**
 * A schema refusal (Ajv's error) as a Chinese sentence for people, naming the field by the word
 * the console shows for it (事项标题, 情况描述, 约定时间 …) where it has one: `body.title must
 * NOT have fewer than 1 characters` is read as 「请填写标题」.
 */
import type { ErrorObject } from 'ajv';

/** The Chinese name of each field the API's bodies and queries take, by its JSON name. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  title: '标题', description: '描述', category: '类别', location: '位置', communityId: '社区', compoundId: '小区',
  grid: '网格', address: '详细地址', lat: '纬度', lng: '经度', reporter: '反映人', name: '姓名', phone: '电话',
  urgent: '紧急', note: '说明', result: '办理结果', outcome: '办结方式', reason: '理由', list: '清单',
  departmentIds: '承办部门', leadDepartmentId: '牵头单位', kind: '类型', rating: '评价', comment: '意见', until: '延期至',
  approve: '审批意见', into: '并入事项', appointmentAt: '约定时间', place: '地点', neededBy: '需要时间',
  accountId: '账号', password: '密码', currentPassword: '原密码', newPassword: '新密码', from: '开始日期', to: '结束日期',
  quarter: '季度', live: '实时数据', format: '格式', limit: '每页条数', cursor: '翻页位置', status: '状态',
  holder: '办理单位', overdue: '超期', dueSoon: '临期', sort: '排序', streetId: '街道', claimerId: '接单人',
  requesterId: '点单人', waitingFor: '待办', id: '编号', attachmentIds: '照片', 'idempotency-key': '幂等键（Idempotency-Key）',
  departmentId: '部门', q: '关键词', subjectId: '事项',
  communityIds: '社区', schedule: '时间安排', everyDays: '间隔天数', calendar: '日程', month: '月份', dayOfMonth: '日期',
  hour: '时刻', paused: '暂停',
};

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: '文字', number: '数字', integer: '整数', boolean: '是或否', object: '一组字段', array: '列表', null: '空',
};

const PART_WORDS: Readonly<Record<string, string>> = {
  body: '提交的内容', querystring: '查询条件', params: '地址', headers: '请求头',
};

/** The field's Chinese name from its path (`/location/lat` → 位置的纬度; `/departmentIds/1` → 承办部门第 2 项). */
export function fieldLabel(instancePath: string, context?: string): string {
  const parts = instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (!parts.length) return PART_WORDS[context ?? ''] ?? '请求';
  const words: string[] = [];
  for (const part of parts) {
    if (/^\d+$/.test(part)) words.push(`第 ${Number(part) + 1} 项`);
    else words.push(FIELD_LABELS[part] ?? `“${part}”`);
  }
  return words.reduce((text, w) => (w.startsWith('第') ? `${text}${w}` : text ? `${text}的${w}` : w), '');
}

const typeWord = (t: unknown) => (Array.isArray(t) ? t.map((x) => TYPE_WORDS[String(x)] ?? String(x)).join('或') : TYPE_WORDS[String(t)] ?? String(t));

/** One Ajv error as a Chinese sentence. */
export function ajvErrorZh(error: Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'message'>, context?: string): string {
  const params = (error.params ?? {}) as Record<string, unknown>;
  const field = fieldLabel(error.instancePath, context);
  const n = Number(params.limit);
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty ?? '');
      return `请填写${fieldLabel(`${error.instancePath}/${missing}`, context)}`;
    }
    case 'additionalProperties':
      return `${error.instancePath ? `${field}中` : ''}有不认识的字段“${String(params.additionalProperty)}”`;
    case 'minLength':
      return n <= 1 ? `请填写${field}` : `${field}至少要 ${n} 个字`;
    case 'maxLength':
      return `${field}最多 ${n} 个字，请删减`;
    case 'pattern':
      return params.pattern === '\\S' ? `${field}不能只有空白` : `${field}的格式不对`;
    case 'format':
      return params.format === 'date-time' ? `${field}应为带时区的日期时间，例如 2026-05-01T09:30:00+08:00`
        : params.format === 'date' ? `${field}应为日期，例如 2026-05-01` : `${field}的格式不对`;
    case 'type':
      return `${field}应为${typeWord(params.type)}`;
    case 'enum':
      return `${field}不是可选的值`;
    case 'const':
      return `${field}的值不对`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `${field}不能小于${error.keyword === 'minimum' ? '' : '或等于'} ${n}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${field}不能大于${error.keyword === 'maximum' ? '' : '或等于'} ${n}`;
    case 'minItems':
      return n <= 1 ? `请至少选择一项${field}` : `${field}至少要 ${n} 项`;
    case 'maxItems':
      return `${field}最多 ${n} 项`;
    case 'uniqueItems':
      return `${field}有重复的项`;
    case 'minProperties':
      return `${field}不能为空`;
    default:
      return `${field}不符合要求`;
  }
}
