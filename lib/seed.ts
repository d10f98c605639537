/**
 * Development seed: Changle District's (长乐区) organisation tree with one account per unit
 * (key `dev-<accountId>`), plus party members (党员) and residents for every community.
 * Loaded only outside production and only when the database holds no organisations.
 */
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { devKey, hashKey } from './keys';
import { seedCatalogue } from './seed-catalogue';
import { seedKnowledge } from './seed-knowledge';
import { ROLE_OF_KIND, type Org, type Role } from '../domain/roles';
import { inTransaction } from './db';


const STREETS: Array<{ id: string; name: string; communities: Array<{ id: string; name: string; compounds: Array<[string, string]> }> }> = [
  {
    id: 'wuhang', name: '吴航街道', communities: [
      { id: 'xiguan', name: '西关社区', compounds: [['xiguan-jiangjing', '江景花园小区'], ['xiguan-wuhang', '吴航新村小区']] },
      { id: 'dongguan', name: '东关社区', compounds: [['dongguan-dongfang', '东方花园小区']] },
      { id: 'zhenghe', name: '郑和社区', compounds: [['zhenghe-baochuan', '宝船小区']] },
    ],
  },
  {
    id: 'hangcheng', name: '航城街道', communities: [
      { id: 'qinjiang', name: '琴江社区', compounds: [['qinjiang-shuicheng', '水城小区']] },
      { id: 'dongjiang', name: '洞江社区', compounds: [['dongjiang-binjiang', '滨江小区']] },
    ],
  },
  {
    id: 'yingqian', name: '营前街道', communities: [
      { id: 'changan', name: '长安社区', compounds: [['changan-hangjing', '航景小区']] },
      { id: 'mofan', name: '模范社区', compounds: [['mofan-xingfu', '幸福家园小区']] },
    ],
  },
  {
    id: 'zhanggang', name: '漳港街道', communities: [
      { id: 'xianqi', name: '仙岐社区', compounds: [['xianqi-haibin', '海滨小区']] },
    ],
  },
  {
    id: 'jinfeng', name: '金峰镇', communities: [
      { id: 'jinfeng-town', name: '金峰社区', compounds: [['jinfeng-jinhua', '金华小区']] },
    ],
  },
];

const DEPARTMENTS: Array<[string, string]> = [
  ['housing', '区住房和城乡建设局'],
  ['urban', '区城市管理局'],
  ['water', '区水利局'],
  ['environment', '福州市长乐生态环境局'],
  ['civil', '区民政局'],
  ['market', '区市场监督管理局'],
  ['transport', '区交通运输局'],
  ['health', '区卫生健康局'],
  ['planning', '区自然资源和规划局'],
  ['police', '长乐公安分局'],
];

const MEMBER_NAMES = ['陈志明', '林秀英', '郑建华', '王丽娟'];
const RESIDENT_NAMES = ['李大爷', '张阿姨', '黄先生', '吴女士'];

export function changleOrgs(): Org[] {
  const orgs: Org[] = [
    { id: 'center', kind: 'center', name: '区"智慧长乐"管理服务中心', parentId: null },
    { id: 'supervision', kind: 'supervision', name: '区委效能办督查室', parentId: 'center' },
  ];
  for (const street of STREETS) {
    orgs.push({ id: street.id, kind: 'street', name: street.name, parentId: 'center' });
    for (const community of street.communities) {
      orgs.push({ id: community.id, kind: 'community', name: community.name, parentId: street.id });
      for (const [id, name] of community.compounds) orgs.push({ id, kind: 'compound', name, parentId: community.id });
    }
  }
  for (const [id, name] of DEPARTMENTS) orgs.push({ id, kind: 'department', name, parentId: 'center' });
  return orgs;
}

export interface SeedAccount { id: string; role: Role; orgId: string; name: string }

const SYSTEM_ACCOUNTS: SeedAccount[] = [
  { id: 'admin', role: 'admin', orgId: 'center', name: '系统管理员' },
  { id: 'security', role: 'security', orgId: 'center', name: '安全管理员' },
  { id: 'auditor', role: 'auditor', orgId: 'center', name: '审计管理员' },
];

export function changleAccounts(orgs: Org[]): SeedAccount[] {
  const accounts: SeedAccount[] = orgs.map((o) => ({ id: o.id, role: ROLE_OF_KIND[o.kind], orgId: o.id, name: o.name }));
  orgs.filter((o) => o.kind === 'community').forEach((community, i) => {
    for (let n = 1; n <= 2; n++) {
      accounts.push({ id: `${community.id}-member-${n}`, role: 'member', orgId: community.id, name: `${MEMBER_NAMES[(i + n) % MEMBER_NAMES.length]}（党员）` });
      accounts.push({ id: `${community.id}-resident-${n}`, role: 'resident', orgId: community.id, name: RESIDENT_NAMES[(i + n) % RESIDENT_NAMES.length] });
    }
  });
  // 三员分立: the system, security and audit administrators, on the center.
  if (orgs.some((o) => o.id === 'center')) accounts.push(...SYSTEM_ACCOUNTS);
  return accounts;
}

/**
 * The API's start: seeds the development tree (public keys `dev-<id>`) into an empty database
 * only when `devSeed` says so — never in production, and otherwise only while HOST is a loopback
 * address or DEV_SEED=yes (lib/config.ts) — so an API reachable from a network never gets them.
 */
export async function seedForDevelopment(pool: Pool, config: { devSeed: boolean; keyPepper: string; host: string }, logger?: Logger): Promise<boolean> {
  if (!config.devSeed) {
    logger?.debug({ host: config.host }, 'not seeding the development tree (production, DEV_SEED=no, or HOST is not a loopback address)');
    return false;
  }
  const seeded = await seedIfEmpty(pool, config.keyPepper, logger);
  if (!seeded) await seedSystemAccounts(pool, config.keyPepper);
  return seeded;
}

/**
 * A development database seeded before the three administrators existed gets them (dev keys, like
 * the rest of the tree), when its center is the seeded one and the ids are free.
 */
async function seedSystemAccounts(pool: Pool, pepper: string): Promise<void> {
  for (const a of SYSTEM_ACCOUNTS) {
    await pool.query(
      `INSERT INTO accounts (id, role, org_id, name, key_hash)
       SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM orgs WHERE id = $3 AND kind = 'center')
       ON CONFLICT DO NOTHING`, [a.id, a.role, a.orgId, a.name, hashKey(pepper, devKey(a.id))]);
  }
}

/** Seeds the tree when no organisation exists yet; returns whether it did. */
export async function seedIfEmpty(pool: Pool, pepper: string, logger?: Logger): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    // One seeder at a time (API and worker may start together).
    await client.query('SELECT pg_advisory_xact_lock(7426001)');
    const { rows } = await client.query('SELECT count(*)::int AS n FROM orgs');
    if (rows[0].n > 0) return false;
    const orgs = changleOrgs();
    for (const org of orgs) {
      await client.query('INSERT INTO orgs (id, kind, name, parent_id) VALUES ($1, $2, $3, $4)', [org.id, org.kind, org.name, org.parentId]);
    }
    const accounts = changleAccounts(orgs);
    for (const a of accounts) {
      await client.query('INSERT INTO accounts (id, role, org_id, name, key_hash) VALUES ($1, $2, $3, $4, $5)',
        [a.id, a.role, a.orgId, a.name, hashKey(pepper, devKey(a.id))]);
    }
    await seedCatalogue(client);
    await seedKnowledge(client);
    logger?.info({ orgs: orgs.length, accounts: accounts.length }, 'seeded the Changle organisation tree (dev accounts use key and password dev-<accountId>)');
    return true;
  });
}
