/**
 * 知识库 of the development seed: a handful of articles a district's center would write first
 * (answers to the matters residents raise most), so the console's search and the whistle page's
 * related articles have something to show. Loaded with the organisation tree (lib/seed.ts).
 */
import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { articleVector } from './knowledge';
import { insertArticle, type ArticleFields } from './stores/knowledge';

const DEV_ARTICLES: readonly ArticleFields[] = [
  {
    title: '小区化粪池满溢、污水外溢的处置',
    body: '有物业的小区，化粪池、污水管道的清掏和疏通由物业服务企业负责，应在接报后24小时内到场，化粪池满溢、污水外溢的当日清掏并消杀。' +
      '无物业的老旧小区，由社区联系街道环卫所或区城市管理局安排吸粪车清掏；涉及市政污水管网堵塞的，转区城市管理局排水管理部门。' +
      '清掏后社区应回访周边住户，确认不再反味、外溢。',
    categories: ['environment', 'property', 'utilities'],
    replyTemplate: '您好，您反映的化粪池满溢问题已转{单位}处理，{日期}前完成清掏和消杀。如仍有外溢或异味，请再联系社区。',
  },
  {
    title: '路灯损坏、不亮的报修与维护责任',
    body: '市政道路的路灯由区城市管理局路灯管理所维护，报修后一般3个工作日内修复；小区内部的庭院灯、楼道灯由物业或产权单位维修。' +
      '路灯损坏、灯杆倾斜或线路裸露存在触电危险的，按紧急事项处理，当日安排抢修并设置警示。报修时请说明路灯编号或附近门牌。',
    categories: ['roads', 'utilities', 'public_safety'],
    replyTemplate: '您好，您反映的{地点}路灯损坏问题已报路灯管理所，预计{日期}前修复，请夜间出行注意安全。',
  },
  {
    title: '电梯故障困人的应急处置',
    body: '电梯困人时，被困人员应按下轿厢内紧急呼叫按钮，不要强行扒门。电梯使用单位（一般为物业）接报后应立即通知维保单位，维保人员须在30分钟内到场救援。' +
      '同一部电梯频繁故障的，社区可提请区市场监督管理局（特种设备安全监察）检查；住宅电梯大修、更新可按规定申请使用住宅专项维修资金。',
    categories: ['property', 'public_safety', 'housing'],
    replyTemplate: '您好，您反映的{小区}{楼号}电梯故障问题已通知物业和维保单位，{日期}前完成检修，并将报请特种设备安全监察部门检查。',
  },
  {
    title: '夜间施工和装修噪音扰民的处理',
    body: '住宅装修应在工作日8:00-12:00、14:00-18:00进行，节假日不得进行产生噪声的装修作业。建筑工地夜间22:00至次日6:00施工须取得夜间施工许可并公示。' +
      '无证夜间施工、超时施工扰民的，由生态环境部门和城市管理部门依法查处；社会生活噪声（广场舞、娱乐场所）由公安派出所劝阻、处理。',
    categories: ['noise'],
    replyTemplate: '您好，您反映的{地点}噪音扰民问题已转{单位}现场核查，对违规施工将依法处理，处理结果将反馈给您。',
  },
  {
    title: '高龄津贴与居家养老服务补贴的申领',
    body: '本区户籍80周岁以上老年人可申领高龄津贴，由本人或家属携带身份证、户口簿、银行卡到社区服务站申请，街道审核、区民政局审批，次月起按月发放。' +
      '独居、空巢、失能老人可申请居家养老服务补贴，经评估后由服务机构上门提供助餐、助洁、助医等服务。老年食堂助餐点名单可在社区公示栏查询。',
    categories: ['elderly_care', 'social_security'],
    replyTemplate: '您好，高龄津贴请携带身份证、户口簿和银行卡到{社区}服务站申请，审批通过后次月起发放。',
  },
  {
    title: '小区乱停车、占用消防通道的处理',
    body: '小区内部道路停车由业主大会或物业按管理规约管理；占用、堵塞消防通道的，物业应劝阻并报告，消防救援机构和公安机关可依法处理。' +
      '市政道路违法停车由公安交警部门处理，人行道乱停放由城市管理部门处理。长期停放的僵尸车，由社区登记后联系交警或城管拖移。',
    categories: ['parking', 'public_safety'],
    replyTemplate: '您好，您反映的{地点}乱停车问题已转{单位}处理，对占用消防通道的车辆将依法处置。',
  },
  {
    title: '邻里纠纷的调解',
    body: '漏水、噪音、公共部位使用等邻里纠纷，先由社区人民调解委员会或网格员组织双方调解，调解达成协议的制作调解协议书。' +
      '调解不成的，可申请街道人民调解委员会调解，或告知当事人通过诉讼解决；涉及治安的转公安派出所。',
    categories: ['disputes'],
    replyTemplate: '您好，您反映的纠纷已安排社区调解员{日期}组织双方协商，请届时到社区参加调解。',
  },
  {
    title: '树木修剪、枯树倒伏与绿地养护',
    body: '道路两侧行道树和公共绿地由区城市管理局园林绿化部门养护；小区内绿化由物业养护，修剪、移植大树须按规定报批。' +
      '树枝遮挡路灯、碰触电线或枯树有倒伏危险的，按紧急事项处理；台风季节前园林部门组织巡查加固。毁绿、占绿种菜的由城管部门处理。',
    categories: ['greening', 'public_safety'],
    replyTemplate: '您好，您反映的{地点}树木问题已转园林绿化部门，{日期}前完成修剪或加固。',
  },
];

/** Adds the seed's articles (a fresh tree only: the caller seeds an empty database). */
export async function seedKnowledge(client: PoolClient): Promise<void> {
  for (const article of DEV_ARTICLES) {
    await insertArticle(client, randomBytes(8).toString('hex'), article, articleVector(article), 'seed');
  }
}
