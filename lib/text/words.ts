/**
 * Chinese words of a text (分词), the same way for everything that matches text: the knowledge
 * base's index and its searches, and the suggestions' model (智能分派).
 *
 * @node-rs/jieba segments with the dictionary its package ships (loaded from the package's own
 * files: no network), plus the domain's words (lib/text/domain-words.ts). Search mode
 * (`cutForSearch`) also gives the shorter words inside a long one (化粪池 → 粪池, 化粪池), so a
 * search for a part finds the whole. Punctuation, spaces and the commonest function words
 * (的, 了, 我们 …) are left out; letters are lower-cased and full-width forms made half-width (NFKC).
 */
import { createRequire } from 'node:module';
import type * as JiebaModule from '@node-rs/jieba';
import type { Jieba } from '@node-rs/jieba';
import { DOMAIN_WORDS } from './domain-words';

/** Function words that say nothing about a matter. */
const STOP_WORDS = new Set((
  '的 了 在 是 我 我们 你 你们 他 她 它 他们 这 那 这个 那个 这里 那里 有 和 与 及 也 都 就 还 又 很 太 吧 吗 呢 啊 呀 哦 嗯 ' +
  '请 您 把 被 给 让 对 从 到 为 以 于 而 并 但 却 或 等 个 些 着 过 之 其 此 该 里 一 一直 已经 非常 一些 什么 怎么 ' +
  '没有 不 没 要 会 能 可以 希望 麻烦 谢谢 感谢 目前 现在 时候 问题 情况 反映 反应 相关 进行 处理 解决 尽快 及时 帮忙 ' +
  '一下 这样 那样 因为 所以 如果 但是 而且 然后 还是 就是 自己 大家 每天 已 又是 得 地 上 下 中 后 前 多 少'
).split(' '));

/** A token that carries a letter or a digit (not punctuation or space). */
const WORDLIKE = /[\p{L}\p{N}]/u;
const DIGITS = /^\p{N}{1,3}$/u;

let segmenter: Jieba | null = null;

/** The segmenter, loaded once per process (its dictionary takes about 0.7 s to load). */
function jieba(): Jieba {
  if (segmenter) return segmenter;
  const require = createRequire(__filename);
  const { Jieba: JiebaClass } = require('@node-rs/jieba') as typeof JiebaModule;
  const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
  const loaded = JiebaClass.withDict(dict);
  loaded.loadDict(Buffer.from(DOMAIN_WORDS.map((w) => `${w} 50000`).join('\n')));
  segmenter = loaded;
  return loaded;
}

/** The text as the segmenter reads it: NFKC (full-width → half-width), lower case. */
function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * The words of `text` in order, repeated as often as they occur (search mode: the shorter words
 * inside a long one follow it). At most `max` words (a 5,000-character description has about
 * 3,000).
 */
export function words(text: string, max = 4000): string[] {
  const out: string[] = [];
  if (!text) return out;
  for (const token of jieba().cutForSearch(normalise(text), true)) {
    const w = token.trim();
    if (!w || !WORDLIKE.test(w) || STOP_WORDS.has(w) || DIGITS.test(w)) continue;
    out.push(w);
    if (out.length >= max) break;
  }
  return out;
}

/** Each word once, in the order of first appearance. */
export function distinctWords(text: string, max = 4000): string[] {
  return [...new Set(words(text, max))];
}
