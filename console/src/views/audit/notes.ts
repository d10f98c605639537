/**
 * The audit log's notes in Chinese. The API writes them in English for operators' logs and the
 * chain keeps them as written; the console says the usual ones in Chinese (each part of a note
 * joined by "; " on its own) and shows any other text as it is.
 */
import { ROLE_LABELS } from '../../labels';

const role = (r: string) => (ROLE_LABELS as Record<string, string>)[r] ?? r;

const PHRASES: Array<[RegExp, (...m: string[]) => string]> = [
  [/^signed in$/, () => '登录成功'],
  [/^signed in; the password must be changed first$/, () => '登录成功，须先修改密码'],
  [/^signed out$/, () => '退出登录'],
  [/^wrong account or password$/, () => '账号或密码错误'],
  [/^account disabled$/, () => '账号已停用'],
  [/^sign-in throttling cleared$/, () => '已清除登录限制'],
  [/^(\w+) of ([\w-]+)( \(imported\))?$/, (_, r, org, imported) => `${role(r)}，所属单位 ${org}${imported ? '（批量导入）' : ''}`],
  [/^(\d+) accounts? created: (.*)$/, (_, n, ids) => `创建 ${n} 个账号：${ids}`],
  [/^(\d+) created, (\d+) updated, (\d+) deactivated, (\d+) unchanged$/, (_, c, u, d, k) => `新增 ${c} 个，修改 ${u} 个，停用 ${d} 个，不变 ${k} 个`],
  [/^new API key issued; the previous key no longer works$/, () => '已换发新接口密钥，旧密钥失效'],
  [/^(\d+) sessions? opened with it ended$/, (_, n) => `用旧密钥打开的 ${n} 个会话已结束`],
  [/^key refused and (\d+) sessions? ended$/, (_, n) => `密钥停用，${n} 个登录已结束`],
  [/^key works again; earlier sessions stay ended$/, () => '密钥恢复可用，此前的登录仍已结束'],
  [/^password set$/, () => '已设置密码'],
  [/^(\d+) earlier sessions? ended$/, (_, n) => `此前的 ${n} 个登录已结束`],
  [/^initial password issued, to be changed at the next sign-in$/, () => '已发放初始密码，下次登录须修改'],
  [/^password changed by its account$/, () => '本人修改密码'],
  [/^(\d+) other sessions? ended$/, (_, n) => `其他 ${n} 个登录已结束`],
  [/^(\d+) sessions? ended$/, (_, n) => `${n} 个登录已结束`],
];

/** A note as people read it: the known phrases in Chinese, anything else as written. */
export function noteZh(note: string | null | undefined): string {
  if (!note) return '';
  return note.split('; ').map((part) => {
    for (const [pattern, say] of PHRASES) {
      const m = pattern.exec(part);
      if (m) return say(...m);
    }
    return part;
  }).join('；');
}
