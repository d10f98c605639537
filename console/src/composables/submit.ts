/**
 * Sending a form or a dialog, the same way everywhere: the form's own rules first (shape only:
 * required, length), then the call with a busy flag (one send at a time), a success message when
 * it went through, and otherwise the API's refusal in its own words (`messageZh` when it gave one)
 * until the person changes the form.
 */
import { nextTick, ref, watch, type Ref, type WatchSource } from 'vue';
import type { FormInstance, FormItemProp } from 'element-plus';
import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import { wordsOf } from '../api/client';

interface SubmitOptions<T> {
  /** The form's fields: a refusal is cleared as soon as one of them changes. */
  form?: object | WatchSource;
  /** The Element Plus form whose rules are checked before sending. */
  formRef?: Ref<FormInstance | undefined>;
  /** The message once the call went through (none when omitted). */
  success?: string | ((result: T) => string);
  /**
   * The form's rules when they change with the form (a reason required only when rejecting):
   * the fields showing an error are checked again when they change, so an error whose rule no
   * longer applies goes away. The form takes `:validate-on-rule-change="false"` and
   * `@validate="onValidate"`, so a change of rules never marks fields not yet filled in.
   */
  rules?: WatchSource;
}

export function useSubmit<T = unknown>(options: SubmitOptions<T> = {}) {
  const busy = ref(false);
  /** The API's refusal of the last send, in its words; '' when there is none. */
  const refusal = ref('');

  if (options.form) watch(options.form, () => { refusal.value = ''; }, { deep: true });

  /** The fields whose last check failed (the form's `validate` events). */
  const failing = new Set<FormItemProp>();
  const onValidate = (prop: FormItemProp, valid: boolean) => {
    if (valid) failing.delete(prop);
    else failing.add(prop);
  };
  if (options.rules) {
    watch(options.rules, async () => {
      await nextTick();
      if (failing.size && options.formRef?.value) await options.formRef.value.validateField([...failing]).catch(() => undefined);
    }, { deep: true });
  }

  /**
   * Checks the form, then runs `send` (the call and what follows it: clearing the draft, leaving
   * the page). Resolves with its result, or undefined when the form is not valid, a send is
   * already under way, or the API refused (then `refusal` says why).
   */
  async function run(send: () => Promise<T>): Promise<T | undefined> {
    if (busy.value) return undefined;
    if (options.formRef?.value && !(await options.formRef.value.validate().catch(() => false))) return undefined;
    busy.value = true;
    refusal.value = '';
    try {
      const result = await send();
      const { success } = options;
      if (success) ElMessage.success(typeof success === 'function' ? success(result) : success);
      return result;
    } catch (err) {
      refusal.value = wordsOf(err);
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  return { busy, refusal, run, onValidate };
}

/**
 * An action outside a form (a button in a list or a toolbar): what follows it (a success message,
 * a reload) is in `action`; the API's refusal is said in a message, as there is no form to show it in.
 */
export async function withRefusalMessage(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    ElMessage.error(wordsOf(err));
  }
}

/**
 * A delete button's action for a list of things with a title: `remove(id)`, then 已删除：<title>
 * and `reload()`; a refusal as a message.
 */
export function removal<T extends { id: string; title: string }>(remove: (id: string) => Promise<unknown>, reload: () => Promise<unknown>) {
  return (item: T) => withRefusalMessage(async () => {
    await remove(item.id);
    ElMessage.success(`已删除：${item.title}`);
    await reload();
  });
}
