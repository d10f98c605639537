/**
 * Words of residents' matters that jieba's general dictionary splits badly or does not know
 * (its dictionary has 灯不亮 as one word, so 路灯不亮 came out as 路 / 灯不亮), given a high
 * frequency so that the segmenter prefers them. Added to the packaged dictionary at load
 * (lib/text/words.ts); nothing is fetched.
 */
export const DOMAIN_WORDS: readonly string[] = [
  // lamps, power, water, gas
  '路灯', '不亮', '楼道灯', '声控灯', '跳闸', '停电', '停水', '水压', '水压低', '漏水', '渗水', '爆管', '水管', '水表',
  '燃气', '煤气', '燃气味', '漏气', '电表', '供电', '电线', '私拉电线', '飞线', '飞线充电', '充电桩',
  // drains and sanitation
  '化粪池', '满溢', '外溢', '反味', '下水道', '雨水井', '窨井', '井盖', '管道堵塞', '污水', '积水', '内涝',
  '垃圾桶', '垃圾清运', '垃圾分类', '建筑垃圾', '大件垃圾', '乱扔垃圾', '蚊虫', '老鼠', '卫生死角', '公厕', '油烟',
  // buildings, lifts, property
  '电梯', '困人', '电梯困人', '电梯故障', '物业费', '物业公司', '业委会', '维修基金', '外墙', '外墙脱落', '墙皮',
  '裂缝', '危房', '屋顶漏水', '楼顶', '违建', '违章搭建', '私搭乱建', '门禁', '监控', '消防通道', '楼道堆物',
  // roads and parking
  '坑洼', '路面塌陷', '人行道', '红绿灯', '信号灯', '斑马线', '公交站', '占道', '占道经营', '乱停车', '乱停乱放',
  '停车位', '车位', '电动车', '共享单车', '僵尸车', '车库', '地锁',
  // noise, greening, safety
  '噪音', '扰民', '广场舞', '夜间施工', '装修噪音', '高空抛物', '树枝', '枯树', '绿化带', '修剪', '草坪', '毁绿',
  '流浪狗', '遛狗', '犬只', '烟花爆竹', '安全隐患', '护栏', '防盗窗',
  // people and services
  '独居老人', '空巢老人', '助餐', '老年食堂', '居家养老', '养老金', '低保', '医保', '社保', '残疾人', '高龄补贴',
  '邻里纠纷', '拖欠工资', '欠薪', '调解',
];
