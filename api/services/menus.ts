/**
 * What an account opens in the console (工作台): its side menu in order, every page (and part of
 * a page) it may open, and the page it starts at. This module is the only place that knows which
 * role opens which page; `GET /v1/me` carries its answer, and the console's router and menu
 * follow it. What an account may *do* on a page is another matter: the API's `allowedActions`
 * and its refusals decide that, whatever a page shows.
 *
 * A new page of the console is a new key here, given to the roles that open it.
 */
import { isSystemRole, type Role } from '../../domain';

/**
 * Pages of the console and the parts of pages that only some roles see. Pages reached from a
 * list (a whistle, a help request) and parts of pages (the catalogue's 编辑, the 我接的单 tab,
 * the link to the Temporal UI) are rights like any menu page.
 */
export const CONSOLE_RIGHTS = [
  'queue', 'file', 'whistles', 'whistle', 'notifications',
  'help', 'help-new', 'help-request', 'help-claimed', 'record',
  'catalogue', 'catalogue-edit', 'overdue', 'assessment', 'stats', 'temporal-ui',
  'password', 'orgs', 'accounts', 'accounts-edit', 'accounts-unlock', 'sign-ins', 'audit', 'calendar', 'board',
  // The center's practice (国办函〔2025〕66号): 回访, 高频诉求, 未诉先办, 知识库 (and who edits it).
  'callbacks', 'recurring', 'proactive', 'knowledge', 'knowledge-edit',
] as const;
export type ConsoleRight = (typeof CONSOLE_RIGHTS)[number];

/** The pages that can stand in a menu: where each is and what it is called unless a role calls it otherwise. */
const PAGES = {
  queue: { title: '待办', path: () => '/queue' },
  file: { title: '吹哨', path: () => '/whistles/new' },
  whistles: { title: '全部事项', path: () => '/whistles' },
  catalogue: { title: '派单目录', path: () => '/catalogue' },
  overdue: { title: '超期预警', path: () => '/overdue' },
  assessment: { title: '定期验单', path: () => '/assessment' },
  stats: { title: '统计', path: () => '/stats' },
  help: { title: '邻里搭把手', path: () => '/help' },
  'help-new': { title: '我要点单', path: () => '/help/new' },
  record: { title: '我的服务记录', path: (accountId: string) => `/members/${encodeURIComponent(accountId)}/record` },
  notifications: { title: '通知', path: () => '/notifications' },
  orgs: { title: '机构管理', path: () => '/admin/orgs' },
  accounts: { title: '账号管理', path: () => '/admin/accounts' },
  'sign-ins': { title: '登录记录', path: () => '/security/sign-ins' },
  audit: { title: '审计日志', path: () => '/audit' },
  calendar: { title: '工作日历', path: () => '/calendar' },
  callbacks: { title: '回访', path: () => '/callbacks' },
  recurring: { title: '高频诉求', path: () => '/recurring' },
  proactive: { title: '未诉先办', path: () => '/proactive' },
  knowledge: { title: '知识库', path: () => '/knowledge' },
} satisfies Partial<Record<ConsoleRight, { title: string; path: (accountId: string) => string }>>;
type MenuPage = keyof typeof PAGES;

interface RoleConsole {
  /** The side menu in order; the first entry is where the account starts. A pair gives the role's own title. */
  menu: Array<MenuPage | [MenuPage, string]>;
  /** Rights beyond the menu's own pages. */
  also: ConsoleRight[];
}

/**
 * Every account posts and reads help requests (contract, "Neighbour help"), changes its own
 * password and reads the holiday calendar; the three administrators (三员分立) only the latter
 * two: they never see cases.
 */
const EVERYONE: ConsoleRight[] = ['help-request', 'help-new', 'password', 'calendar'];
const ADMINISTRATORS: ConsoleRight[] = ['password', 'calendar'];

const ROLE_CONSOLES: Record<Role, RoleConsole> = {
  community: {
    menu: ['queue', 'file', ['whistles', '本社区事项'], 'knowledge', 'help', 'notifications', 'calendar'],
    // `board`: the link to its community's public notice board (公示栏).
    also: ['whistle', 'record', 'board'],
  },
  street: {
    menu: ['queue', ['whistles', '辖区事项'], 'knowledge', 'help', 'notifications', 'calendar'],
    also: ['whistle', 'help-claimed'],
  },
  center: {
    menu: [
      'queue', 'whistles', 'callbacks', 'catalogue', 'recurring', 'proactive', 'knowledge',
      'overdue', 'assessment', 'stats', 'help', 'notifications', 'calendar',
    ],
    also: ['whistle', 'catalogue-edit', 'record', 'temporal-ui', 'knowledge-edit'],
  },
  department: {
    menu: ['queue', ['whistles', '本部门事项'], 'catalogue', 'knowledge', 'help', 'notifications', 'calendar'],
    also: ['whistle'],
  },
  supervisor: {
    menu: ['overdue', 'queue', 'whistles', 'assessment', 'stats', 'recurring', 'catalogue', 'knowledge', 'help', 'notifications', 'calendar'],
    also: ['whistle', 'temporal-ui'],
  },
  member: {
    menu: ['help', 'queue', 'record', 'notifications', 'calendar'],
    also: ['help-claimed'],
  },
  resident: {
    menu: ['help', 'help-new', 'queue', 'notifications', 'calendar'],
    also: [],
  },
  // 三员分立: organisations and accounts; sign-in records, locked accounts and sessions; the audit log.
  admin: { menu: ['orgs', 'accounts', 'calendar'], also: ['accounts-edit'] },
  // `accounts-edit`: create, disable, enable, rotate, reset; `accounts-unlock`: unlock (ending sessions is both's).
  security: { menu: ['sign-ins', ['accounts', '账号锁定与会话'], 'calendar'], also: ['accounts-unlock'] },
  auditor: { menu: ['audit', 'sign-ins', 'calendar'], also: [] },
};

export interface MenuEntry { key: MenuPage; title: string; path: string }
export interface ConsoleAccess { menus: MenuEntry[]; rights: ConsoleRight[]; home: string }

/** The console of one account: its menu, its rights, its first page. */
export function consoleAccess(account: { id: string; role: Role }): ConsoleAccess {
  const role = ROLE_CONSOLES[account.role];
  const menus = role.menu.map((entry): MenuEntry => {
    const [key, title] = typeof entry === 'string' ? [entry, PAGES[entry].title] : entry;
    return { key, title, path: PAGES[key].path(account.id) };
  });
  const rights = new Set<ConsoleRight>([...menus.map((m) => m.key), ...role.also, ...(isSystemRole(account.role) ? ADMINISTRATORS : EVERYONE)]);
  return { menus, rights: CONSOLE_RIGHTS.filter((r) => rights.has(r)), home: menus[0].path };
}
