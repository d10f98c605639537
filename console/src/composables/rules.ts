/**
 * The forms' rules, shape only (required, length), checked as the person types and again when a
 * field is left, so an error goes away as soon as the field is right.
 */
import type { FormItemRule } from 'element-plus';

const ON = ['change', 'blur'];

/** Characters as the API counts them (code points: an emoji is one). */
export const charCount = (text: string | null | undefined): number => [...(text ?? '')].length;

export function required(message: string): FormItemRule {
  return { required: true, message, trigger: ON };
}

/** Text of at most `max` characters: past it, says by how much (nothing is cut). */
export function limit(max: number): FormItemRule {
  return {
    trigger: ON,
    validator: (_rule, value: string | null | undefined, callback: (error?: Error) => void) => {
      const used = charCount(value);
      callback(used > max ? new Error(`最多 ${max} 字，已超出 ${used - max} 字，请删减`) : undefined);
    },
  };
}

/** A required text of at most `max` characters. */
export const text = (message: string, max: number): FormItemRule[] => [required(message), limit(max)];
