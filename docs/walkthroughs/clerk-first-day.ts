/**
 * Walkthrough A, last step: a community clerk's first sign-in in the console (Chromium):
 * the initial password, the forced change, then 吹哨 from the filing form.
 *   npx tsx docs/walkthroughs/clerk-first-day.ts BASE ACCOUNT INITIAL_PASSWORD NEW_PASSWORD
 */
import { openConsole, signIn } from './console-page';

async function main() {
  const [base, account, initial, chosen] = process.argv.slice(2);
  const { browser, page } = await openConsole();
  try {
    await signIn(page, base, account, initial);
    await page.waitForURL(/\/console\/password/);
    console.log(`signed in; the console opened ${new URL(page.url()).pathname}: ${await page.locator('[data-test=forced-change]').innerText()}`);
    await page.getByLabel('当前密码').fill(initial);
    await page.getByLabel('新密码', { exact: true }).fill(chosen);
    await page.getByLabel('再次输入新密码').fill(chosen);
    await page.getByRole('button', { name: '确定修改' }).click();
    await page.waitForURL(/\/console\/queue/);
    console.log(`password changed; the console opened ${new URL(page.url()).pathname}`);
    const menu = await page.getByRole('menuitem').allInnerTexts();
    console.log(`menu: ${menu.map((t) => t.trim()).join(' | ')}`);

    await page.getByRole('menuitem', { name: '吹哨' }).click();
    await page.getByLabel('事项标题').fill('江景小区3号楼下水道堵塞');
    const pick = async (label: string, option: string) => {
      const select = page.locator('form .el-form-item').filter({ hasText: label }).locator('.el-select');
      await select.click();
      const listbox = await select.locator('[role=combobox]').getAttribute('aria-controls');
      const options = page.locator(`[id="${listbox}"] .el-select-dropdown__item`);
      await options.first().waitFor();
      console.log(`${label} offers: ${(await options.allInnerTexts()).join(', ')}`);
      await options.filter({ hasText: new RegExp(`^${option}$`) }).click();
    };
    await pick('类别', '水电燃气');
    await page.getByLabel('情况描述').fill('污水从3号楼下水道外溢一周，社区联系物业未果。');
    await pick('小区', '江景小区');
    await page.getByLabel('详细地址').fill('江景小区3号楼东侧');
    await page.getByLabel('反映人姓名').fill('林阿姨');
    await page.getByLabel('反映人电话').fill('13900000011');
    await page.getByRole('button', { name: '吹哨', exact: true }).click();
    await page.waitForURL((url) => /^\/console\/whistles\/[A-Za-z0-9_-]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
    await page.locator('[data-test=status]').waitFor();
    console.log(`filed: ${new URL(page.url()).pathname}, status ${await page.locator('[data-test=status]').first().innerText()}`);
    await page.screenshot({ path: '/tmp/walk/clerk-whistle.png' });
  } finally {
    await browser.close();
  }
}
main().catch((err) => { console.error(err); process.exit(1); });
