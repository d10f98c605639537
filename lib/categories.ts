/** Categories of residents' matters (居事类别): English ids for the API, Chinese names for people. */
export interface Category { id: string; name: string }

export const CATEGORIES: readonly Category[] = [
  { id: 'environment', name: '环境卫生' },
  { id: 'property', name: '物业管理' },
  { id: 'roads', name: '道路交通' },
  { id: 'utilities', name: '水电燃气' },
  { id: 'housing', name: '房屋安全' },
  { id: 'public_safety', name: '公共安全' },
  { id: 'elderly_care', name: '养老服务' },
  { id: 'disputes', name: '矛盾纠纷' },
  { id: 'noise', name: '噪音扰民' },
  { id: 'greening', name: '园林绿化' },
  { id: 'parking', name: '停车管理' },
  { id: 'social_security', name: '社会保障' },
  { id: 'other', name: '其他' },
];

export const CATEGORY_IDS: readonly string[] = CATEGORIES.map((c) => c.id);

export function categoryName(id: string): string {
  return CATEGORIES.find((c) => c.id === id)?.name ?? id;
}
