/**
 * What each role opens in the console, as the server decides it (api/services/menus.ts, carried
 * by GET /v1/me): the side menu in the contract's words, the first page, and the rights beyond
 * the menu (pages reached from a list, parts of pages).
 */
import { consoleAccess } from '../api/services/menus';
import { ROLES } from '../lib/accounts';

const menuOf = (role: (typeof ROLES)[number], id = role as string) => consoleAccess({ id, role });
const titles = (role: (typeof ROLES)[number]) => menuOf(role).menus.map((m) => m.title);

test('each role\'s menu, in order and in its own words', () => {
  expect(titles('community')).toEqual(['待办', '吹哨', '本社区事项', '知识库', '邻里搭把手', '通知', '工作日历']);
  expect(titles('street')).toEqual(['待办', '辖区事项', '知识库', '邻里搭把手', '通知', '工作日历']);
  expect(titles('center')).toEqual([
    '待办', '全部事项', '回访', '派单目录', '高频诉求', '未诉先办', '知识库', '超期预警', '定期验单', '统计', '邻里搭把手', '通知', '工作日历',
  ]);
  expect(titles('department')).toEqual(['待办', '本部门事项', '派单目录', '知识库', '邻里搭把手', '通知', '工作日历']);
  expect(titles('supervisor')).toEqual(['超期预警', '待办', '全部事项', '定期验单', '统计', '高频诉求', '派单目录', '知识库', '邻里搭把手', '通知', '工作日历']);
  expect(titles('member')).toEqual(['邻里搭把手', '待办', '我的服务记录', '通知', '工作日历']);
  expect(titles('resident')).toEqual(['邻里搭把手', '我要点单', '待办', '通知', '工作日历']);
});

test('every account starts at its first menu page, and may open every page of its menu', () => {
  for (const role of ROLES) {
    const access = menuOf(role);
    expect(access.home).toBe(access.menus[0].path);
    for (const m of access.menus) expect(access.rights).toContain(m.key);
  }
  expect(menuOf('supervisor').home).toBe('/overdue');
  expect(menuOf('member').home).toBe('/help');
  expect(menuOf('street').home).toBe('/queue');
});

test('a party member\'s record is its own page', () => {
  expect(menuOf('member', 'xiguan-member-1').menus.find((m) => m.key === 'record')?.path).toBe('/members/xiguan-member-1/record');
});

test('the parts of pages go to the roles the contract names', () => {
  const holders = (right: string) => ROLES.filter((role) => (menuOf(role).rights as string[]).includes(right));
  expect(holders('catalogue-edit')).toEqual(['center']);
  expect(holders('temporal-ui')).toEqual(['center', 'supervisor']);
  expect(holders('help-claimed')).toEqual(['street', 'member']);
  expect(holders('file')).toEqual(['community']);
  expect(holders('whistle')).toEqual(['community', 'street', 'center', 'department', 'supervisor']);
  const workRoles = ROLES.filter((role) => !['admin', 'security', 'auditor'].includes(role));
  expect(holders('help-new')).toEqual(workRoles);
  expect(holders('help-request')).toEqual(workRoles);
  expect(holders('password')).toEqual([...ROLES]);
  expect(holders('calendar')).toEqual([...ROLES]);
  expect(holders('board')).toEqual(['community']);
  // The center's practice: the center phones back, runs proactive rounds and edits the knowledge
  // base; supervisors read the recurring matters; every handling role reads the knowledge base.
  expect(holders('callbacks')).toEqual(['center']);
  expect(holders('proactive')).toEqual(['center']);
  expect(holders('recurring')).toEqual(['center', 'supervisor']);
  expect(holders('knowledge')).toEqual(['community', 'street', 'center', 'department', 'supervisor']);
  expect(holders('knowledge-edit')).toEqual(['center']);
});

test('三员分立: the administrators open what runs the system, and no case', () => {
  expect(titles('admin')).toEqual(['机构管理', '账号管理', '工作日历']);
  expect(titles('security')).toEqual(['登录记录', '账号锁定与会话', '工作日历']);
  expect(titles('auditor')).toEqual(['审计日志', '登录记录', '工作日历']);
  expect(menuOf('admin').rights).toEqual(['password', 'orgs', 'accounts', 'accounts-edit', 'calendar']);
  expect(menuOf('security').rights).toEqual(['password', 'accounts', 'accounts-unlock', 'sign-ins', 'calendar']);
  expect(menuOf('auditor').rights).toEqual(['password', 'sign-ins', 'audit', 'calendar']);
});
