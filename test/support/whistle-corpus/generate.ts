/**
 * Labelled whistle texts for the suggestions' benchmark and quality test: a timeline of `count`
 * whistles over `days` days, each written from a kind of matter (./subtopics.ts) with varied
 * templates — openings, places of the Changle seed, how long it has lasted, what it does to
 * people, the request — and with what real filings have: typos (homophones), a second matter
 * mentioned in passing, one-line filings, and ambiguity (a matter filed under the category clerks
 * chose, drawn from the kind's honest spread, plus 3% plain mistakes). The dispatch (lead
 * department and list) follows the kind, with 8% of other choices; on `catalogueChangeDay` the center
 * moves parking's lead from transport to urban, and the dispatches follow from then on.
 *
 * Held out by time: the test is the last `testShare` of the timeline, and only there do the
 * kinds' late phrasings appear (new ways of saying a thing, never in training). Seeded: the same
 * arguments give the same texts.
 */
import { random } from '../random';
import { SUBTOPICS, type Subtopic } from './subtopics';

export interface LabelledWhistle {
  id: string;
  at: Date;
  title: string;
  description: string;
  category: string;
  lead: string;
  departments: string[];
  list: string;
  communityId: string;
  streetId: string;
  compoundId: string | null;
  /** Whether it went to the center and was dispatched (62%), and whether it reached a resolution (90%). */
  dispatched: boolean;
  resolved: boolean;
  /** Written with a late phrasing (test part only). */
  latePhrasing: boolean;
}

export interface CorpusOptions { count: number; days?: number; seed?: number; testShare?: number; end?: Date; catalogueChangeDay?: number }

const PLACES: Array<{ street: string; streetName: string; community: string; name: string; compounds: Array<[string, string]> }> = [
  { street: 'wuhang', streetName: '吴航街道', community: 'xiguan', name: '西关社区', compounds: [['xiguan-jiangjing', '江景花园'], ['xiguan-wuhang', '吴航新村']] },
  { street: 'wuhang', streetName: '吴航街道', community: 'dongguan', name: '东关社区', compounds: [['dongguan-dongfang', '东方花园']] },
  { street: 'wuhang', streetName: '吴航街道', community: 'zhenghe', name: '郑和社区', compounds: [['zhenghe-baochuan', '宝船小区']] },
  { street: 'hangcheng', streetName: '航城街道', community: 'qinjiang', name: '琴江社区', compounds: [['qinjiang-shuicheng', '水城小区']] },
  { street: 'hangcheng', streetName: '航城街道', community: 'dongjiang', name: '洞江社区', compounds: [['dongjiang-binjiang', '滨江小区']] },
  { street: 'yingqian', streetName: '营前街道', community: 'changan', name: '长安社区', compounds: [['changan-hangjing', '航景小区']] },
  { street: 'yingqian', streetName: '营前街道', community: 'mofan', name: '模范社区', compounds: [['mofan-xingfu', '幸福家园']] },
  { street: 'zhanggang', streetName: '漳港街道', community: 'xianqi', name: '仙岐社区', compounds: [['xianqi-haibin', '海滨小区']] },
  { street: 'jinfeng', streetName: '金峰镇', community: 'jinfeng-town', name: '金峰社区', compounds: [['jinfeng-jinhua', '金华小区']] },
];
const ROADS = ['郑和中路', '吴航路', '西关路', '首占大道', '会堂路', '胜利路', '航城大道', '朝阳路', '十洋街', '和平街'];
const DEPARTMENTS = ['housing', 'urban', 'water', 'environment', 'civil', 'market', 'transport', 'health', 'planning', 'police'];
const CATEGORY_IDS = ['environment', 'property', 'roads', 'utilities', 'housing', 'public_safety', 'elderly_care', 'disputes', 'noise', 'greening', 'parking', 'social_security', 'other'];

const OPENINGS = ['', '', '', '您好，', '你好，', '居民来电反映：', '网格员巡查发现：', '群众反映：', '我是本小区的业主，', '有居民向社区反映，'];
const DURATIONS = ['', '', '已经好几天了，', '持续一个多星期了，', '从上个月开始就这样，', '最近一段时间经常这样，', '今天早上发现的，', '反映过好几次了，'];
const IMPACTS = ['', '', '严重影响居民生活。', '大家意见很大。', '存在很大的安全隐患。', '老人孩子出行很不方便。', '周边住户苦不堪言。'];
const REQUESTS = ['', '请有关部门尽快处理。', '希望尽快解决！', '麻烦派人来看一下。', '多次反映没有结果，请给个说法。', '请帮忙协调处理，谢谢。', '望领导重视！！'];
const ASIDES = ['另外，', '还有，', '顺便说一下，'];
const TYPOS: Array<[string, string]> = [
  ['垃圾', '拉圾'], ['噪音', '燥音'], ['停车', '亭车'], ['物业', '物叶'], ['漏水', '露水'], ['堵塞', '赌塞'], ['电梯', '电悌'],
  ['井盖', '井概'], ['路灯', '路登'], ['小区', '小去'], ['修剪', '修减'], ['已经', '以经'], ['严重', '严众'], ['处理', '处里'],
  ['居民', '居名'], ['扰民', '扰名'], ['施工', '施公'], ['油烟', '油湮'], ['装修', '装休'], ['低保', '低饱'], ['老人', '老仁'],
];

export function generateCorpus(options: CorpusOptions): { train: LabelledWhistle[]; test: LabelledWhistle[]; catalogueChangedAt: Date } {
  const days = options.days ?? 730;
  const end = options.end ?? new Date('2026-12-01T00:00:00+08:00');
  const start = end.getTime() - days * 86_400_000;
  const testShare = options.testShare ?? 0.2;
  const changeDay = options.catalogueChangeDay ?? Math.floor(days * 0.55);
  const cutDay = days * (1 - testShare);
  const rnd = random(options.seed ?? 20261201);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;
  const weighted = (xs: Array<[string, number]>): string => {
    let r = rnd() * xs.reduce((a, [, w]) => a + w, 0);
    for (const [x, w] of xs) { r -= w; if (r <= 0) return x; }
    return xs[xs.length - 1][0];
  };
  const typo = (text: string): string => {
    const found = TYPOS.filter(([right]) => text.includes(right));
    if (found.length === 0) return text;
    const [right, wrong] = pick(found);
    return text.replace(right, wrong);
  };

  const all: LabelledWhistle[] = [];
  for (let i = 0; i < options.count; i++) {
    const day = (i + rnd()) * days / options.count;
    const late = day >= cutDay;
    const kind: Subtopic = pick(SUBTOPICS);
    const place = pick(PLACES);
    const [compoundId, compound] = pick(place.compounds);
    const inCompound = chance(0.6);
    const where = inCompound
      ? pick([`${compound}${1 + Math.floor(rnd() * 30)}号楼`, `${compound}`, `${place.name}${compound}`, `${compound}南门`, `${compound}${1 + Math.floor(rnd() * 20)}栋${1 + Math.floor(rnd() * 4)}单元`])
      : pick([`${pick(ROADS)}${10 + Math.floor(rnd() * 300)}号附近`, `${pick(ROADS)}与${pick(ROADS)}交叉口`, `${place.name}${pick(ROADS)}`, `${place.streetName}${pick(ROADS)}`]);
    const latePhrasing = late && kind.late !== undefined && chance(0.35);
    const problem = latePhrasing ? pick(kind.late!) : pick(kind.long);
    const short = pick(kind.short);

    const title = typoMaybe(pick([`${where}${short}`, short, `关于${where}${short}的问题`, `${short}，请尽快处理`, `${place.name}${short}`]), 0.08);
    let description: string;
    if (chance(0.1)) {
      description = `${where}${short}。`;
    } else {
      const parts = [pick(OPENINGS), `${where}`, pick(['，', '这边', '的', '一带']), problem, '，', pick(DURATIONS), pick(IMPACTS)];
      if (chance(0.15)) parts.push(pick(ASIDES), pick(pick(SUBTOPICS).long), '。');
      parts.push(pick(REQUESTS));
      if (chance(0.1)) parts.push(`联系电话${13_000_000_000 + Math.floor(rnd() * 999_999_999)}。`);
      description = typoMaybe(parts.join('').replace(/，，/g, '，').replace(/，。/g, '。').replace(/，$/, '。'), 0.3);
    }

    let category = weighted(kind.categories);
    if (chance(0.03)) category = pick(CATEGORY_IDS);
    let departments = [...kind.departments];
    if (departments[0] === 'transport' && category === 'parking' && day >= changeDay) departments = ['urban', ...departments.slice(1).filter((d) => d !== 'urban')];
    if (chance(0.08)) {
      const other = departments.length > 1 && chance(0.6) ? departments[1] : pick(DEPARTMENTS);
      departments = [other, ...departments.filter((d) => d !== other)];
    }
    const list = chance(0.05) ? pick(['immediate', 'phased', 'understanding']) : kind.list;

    all.push({
      id: `corpus-${String(i).padStart(7, '0')}`,
      at: new Date(start + day * 86_400_000),
      title: title.slice(0, 200), description: description.slice(0, 5000), category,
      lead: departments[0], departments, list,
      communityId: place.community, streetId: place.street, compoundId: inCompound ? compoundId : null,
      dispatched: chance(0.62), resolved: chance(0.9), latePhrasing,
    });
  }
  const cut = start + cutDay * 86_400_000;
  return {
    train: all.filter((w) => w.at.getTime() < cut),
    test: all.filter((w) => w.at.getTime() >= cut),
    catalogueChangedAt: new Date(start + changeDay * 86_400_000),
  };

  function typoMaybe(text: string, p: number): string {
    if (!chance(p)) return text;
    const once = typo(text);
    return chance(0.3) ? typo(once) : once;
  }
}
