/**
 * Walkthrough B's pictures: the center's pages (Chromium, signed in as `center` with the dev
 * password) on the data the walkthrough made, into docs/walkthrough-*.png.
 *   npx tsx docs/walkthroughs/center-screens.ts BASE RETURNED_WHISTLE_ID
 */
import type { Page } from 'playwright-core';
import { openConsole, signIn } from './console-page';

async function shot(page: Page, name: string, fullPage = true) {
  await page.waitForTimeout(500); // the console keeps /v1/events open: no network idle
  await page.screenshot({ path: `docs/walkthrough-${name}.png`, fullPage });
  console.log(`docs/walkthrough-${name}.png`);
}

async function main() {
  const [base, returned] = process.argv.slice(2);
  const { browser, page } = await openConsole();
  try {
    await signIn(page, base, 'center', 'dev-center');
    await page.waitForURL(/\/console\/queue/);

    // 分拨派单 of a whistle a department returned: the return to rule on.
    await page.goto(`${base}/console/whistles/${returned}?action=triage`);
    const triage = page.getByRole('dialog', { name: /^分拨派单：/ });
    await triage.locator('[data-test=return-to-rule]').waitFor();
    await triage.getByRole('button', { name: '确定分拨派单' }).click();
    await triage.locator('.el-form-item').filter({ hasText: '退单审核' }).getByText('请审核退单').waitFor();
    await shot(page, 'return-ruling', false);
    await triage.getByRole('button', { name: '取消' }).click().catch(() => page.keyboard.press('Escape'));

    for (const [title, name, ready] of [
      ['回访', 'callbacks', '[data-test=callbacks]'],
      ['高频诉求', 'recurring', 'table'],
      ['未诉先办', 'proactive', '[data-test=proactive] article'],
      ['定期验单', 'assessment', 'table'],
    ] as const) {
      await page.getByRole('menuitem', { name: title }).click();
      await page.locator(ready).first().waitFor();
      await page.waitForTimeout(800); // charts draw after their data
      if (name === 'assessment') {
        // The columns 2026 added (pending, returns ruled, callbacks) are at the table's right end.
        await page.locator('.el-table__body-wrapper .el-scrollbar__wrap').first().evaluate((el) => { el.scrollLeft = el.scrollWidth; });
        await page.locator('.el-table').first().scrollIntoViewIfNeeded();
        await page.waitForTimeout(300);
        await shot(page, name, false);
        continue;
      }
      await shot(page, name);
    }
  } finally {
    await browser.close();
  }
}
main().catch((err) => { console.error(err); process.exit(1); });
