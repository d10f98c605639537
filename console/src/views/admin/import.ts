/** What the organisations' and accounts' pages share: importing a file, its columns' names, the roles per unit kind, the accounts' actions. */
import { ref, shallowRef, type Ref } from 'vue';
import { uploadOf } from '../../api/admin-calls';
import { ApiRefusal, wordsOf } from '../../api/client';
import type { ImportError } from '../../api/types';

/** An import's refusal: every error of the file (row, id, field, Chinese sentence), or null for any other failure. */
function importErrorsOf(err: unknown): ImportError[] | null {
  if (err instanceof ApiRefusal && err.code === 'validation_failed' && err.detail?.errors?.length) return err.detail.errors;
  return null;
}

/**
 * A page's import of a file: the file's errors by row, or its problem in a sentence (a type the
 * API does not read, any other refusal). `send` makes one request with the file, `busy` true
 * meanwhile, and answers what `request` answered, or undefined when it failed.
 */
export function useFileImport() {
  const errors = shallowRef<ImportError[] | null>(null);
  const problem = ref('');
  const clear = () => {
    errors.value = null;
    problem.value = '';
  };
  async function send<T>(file: File, busy: Ref<boolean>, request: (upload: { body: Blob; type: string }) => Promise<T>): Promise<T | undefined> {
    clear();
    const upload = uploadOf(file);
    if (!upload) {
      problem.value = '请选择 CSV（.csv）、Excel（.xlsx）或 JSON（.json）文件';
      return undefined;
    }
    busy.value = true;
    try {
      return await request(upload);
    } catch (err) {
      errors.value = importErrorsOf(err);
      if (!errors.value) problem.value = wordsOf(err);
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  return { errors, problem, clear, send };
}

/** The Chinese name of a column of the import files. */
export const FIELD_LABELS: Record<string, string> = {
  id: '编号', kind: '类型', name: '名称', parentId: '上级编号', active: '是否启用', role: '角色', orgId: '所属单位', file: '文件', '': '文件',
};

/** A credential just made, shown once (SecretsDialog): the account, and its initial password or key or both. */
export interface Secret { id: string; name: string; unit: string; initialPassword?: string; key?: string }

/** The roles an account may have on a unit of each kind (the API's rule; admin, security and auditor only at the command line). */
export const ROLES_FOR_KIND: Record<string, Array<'center' | 'supervisor' | 'street' | 'community' | 'department' | 'member' | 'resident'>> = {
  center: ['center'], supervision: ['supervisor'], street: ['street'], community: ['community', 'member', 'resident'],
  compound: ['community'], grid: ['community'], department: ['department'],
};

/** What can be done to an account from the accounts page, with its words. */
export type AccountAction = 'disable' | 'enable' | 'rotate-key' | 'reset-password' | 'unlock' | 'end-sessions';
export const ACCOUNT_ACTIONS: Record<AccountAction, { label: string; explain: string; danger?: boolean }> = {
  disable: { label: '停用', explain: '停用后，该账号的接口密钥和全部登录立即失效，不能再登录；可随时重新启用。', danger: true },
  enable: { label: '启用', explain: '启用后，该账号的接口密钥恢复可用，可以重新登录；已退出的登录不会恢复。' },
  'rotate-key': { label: '更换密钥', explain: '生成新的接口密钥，只显示一次；旧密钥以及用它打开的会话立即失效。', danger: true },
  'reset-password': { label: '重置密码', explain: '生成新的初始密码，只显示一次；该账号的全部登录立即退出，下次登录时须修改密码。', danger: true },
  unlock: { label: '解除锁定', explain: '清除该账号因多次密码错误而受到的登录限制（所有地址）。' },
  'end-sessions': { label: '强制下线', explain: '结束该账号当前的全部登录，需要重新登录。', danger: true },
};
