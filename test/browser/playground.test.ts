import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { YEAR } from '../helpers/application-driver';
import { BotProcess, spawnBot } from '../helpers/bot-process';
import { describeInChromium, launchChromium } from '../helpers/chromium';

/**
 * The playground in a real browser: the built bot (`node dist/src/main.js`, as `npm start` runs
 * it) in dry-run mode, driven in Chromium the way a newcomer would click through it. Every
 * assertion is on what the page shows. With SCREENSHOTS=1 (and in CI) the main cards are saved
 * into docs/ for the README.
 */

const DOCS = join(__dirname, '..', '..', 'docs');
const SAVE_SCREENSHOTS = process.env.SCREENSHOTS === '1' || process.env.CI === 'true';

describeInChromium('the playground in Chromium', () => {
  let dbDir: string;
  let bot: BotProcess;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;

  beforeAll(async () => {
    dbDir = mkdtempSync(join(tmpdir(), 'innovation-bot-playground-'));
    bot = await spawnBot({ DATABASE_URL: `sqlite:${join(dbDir, 'bot.sqlite')}`, CAMPAIGN_YEAR: String(YEAR), SCHEDULE_TIMEZONE: 'Asia/Shanghai', LOG_LEVEL: 'info' });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(10_000);
    await page.goto(`${bot.url}/playground`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  });

  /** Saves a screenshot for docs/, in a window tall enough for the whole card. */
  const screenshot = async (target: Page | Locator, name: string, height = 900) => {
    if (!SAVE_SCREENSHOTS) return;
    mkdirSync(DOCS, { recursive: true });
    await page.setViewportSize({ width: 1280, height });
    try {
      await target.screenshot({ path: join(DOCS, name) });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  };

  const be = async (person: string, chat: 'private' | string) => {
    await page.click(`[data-person="${person}"]`);
    await page.click(chat === 'private' ? '#chats li:first-child .chat-item' : `.chat-item[data-chat="${chat}"]`);
  };
  const say = async (text: string) => {
    await page.fill('#text', text);
    await page.press('#text', 'Enter');
  };
  /** The bot's card in the open chat whose text has all of `texts` (the newest one). */
  const botCard = (...texts: string[]) => {
    let cards = page.locator('.msg.bot .card');
    for (const t of texts) cards = cards.filter({ hasText: t });
    return cards.last();
  };
  const cardTitle = (card: Locator) => card.locator('.card-title');
  const toast = (text: string) => page.locator('.toast', { hasText: text });

  it('files an application through the form card, reviews it in the centre\'s group, and the filer sees and queries the result', async () => {
    // 包头市 staff file privately.
    await be('baotou', 'private');
    await say('申请');
    const form = botCard('活动申请表', '提交申请');
    await form.waitFor();
    expect(await cardTitle(form).textContent()).toBe('活动申请表');
    const field = (name: string) => form.locator(`[name="${name}"]`);
    await field('org_name').fill('包头市科学技术协会');
    await field('region').selectOption('包头市');
    await field('venue').fill('包头稀土高新区创新中心报告厅');
    await field('start_date').fill(`${YEAR}-06-10`);
    await field('end_date').fill(`${YEAR}-06-11`);
    await field('headcount').fill('100');
    await field('core_count').fill('80');
    await field('enterprise_count').fill('30');
    await field('key_industry_count').fill('18');
    await field('audience').fill('园区企业研发负责人、工程师和一线职工');
    await field('needs').fill('稀土永磁材料的工艺改进');
    await form.locator('.card-multi input[type=checkbox]').nth(3).check();
    await field('contact_name').fill('张敏');
    await field('mobile').fill('13812345678');
    await field('email').fill('zhangmin@example.com');
    await form.evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'playground-form.png');
    const formMessage = await form.getAttribute('data-message-id');
    await form.getByRole('button', { name: '提交申请' }).click();

    // The form turns into the confirmation, in place.
    await toast(`已提交，编号 SQ${YEAR}-0001`).waitFor();
    const filed = page.locator(`.card[data-message-id="${formMessage}"]`);
    await filed.filter({ hasText: '待审核' }).waitFor();
    expect(await cardTitle(filed).textContent()).toBe(`活动申请 SQ${YEAR}-0001`);

    // The admin reviews in the centre's group.
    await be('admin', 'oc_playground_centre');
    const review = botCard(`待审核申请 SQ${YEAR}-0001`);
    await review.waitFor();
    expect(await review.textContent()).toContain('包头稀土高新区创新中心报告厅');
    await screenshot(review, 'playground-review.png', 1400);
    await review.getByRole('button', { name: '通过' }).click();
    // Files cannot be sent in the playground, so there is no stamped scan: the bot asks once more.
    const question = page.locator('.msg.bot .card').filter({ hasText: '尚未收到盖章扫描件，仍然通过？' }).last();
    await question.getByRole('button', { name: '仍然通过' }).click();
    await toast(`SQ${YEAR}-0001`).filter({ hasText: '已通过' }).waitFor();
    const decided = page.locator('.msg.bot .card').filter({ hasText: `SQ${YEAR}-0001` }).last();
    await cardTitle(decided).filter({ hasText: `申请 SQ${YEAR}-0001 · 已通过` }).waitFor();
    expect(await decided.getByRole('button', { name: '通过' }).count()).toBe(0);

    // The filer gets the result privately, and 查询 lists it.
    await be('baotou', 'private');
    await botCard(`SQ${YEAR}-0001`, '已通过').waitFor();
    await say('查询');
    const list = botCard(`SQ${YEAR}-0001`, '包头市科学技术协会', '已通过');
    await list.waitFor();
    expect(await page.locator('.msg.mine .bubble-text').last().textContent()).toBe('查询');
  }, 60_000);

  it('runs weekly-summary from the job panel and shows the digest in the centre\'s group', async () => {
    await be('admin', 'oc_playground_centre');
    await page.selectOption('#job-name', 'weekly-summary');
    await page.fill('#job-at', `${YEAR}-06-07T09:30`);
    await page.click('#job-run');
    await page.locator('#job-result', { hasText: '已运行' }).waitFor();
    const digest = botCard('每周小结 · 全区');
    await digest.waitFor();
    expect(await digest.textContent()).toContain('已通过 1');
    await digest.locator('.card-chart').first().waitFor();
    await screenshot(digest, 'playground-digest.png', 1600);
  }, 30_000);

  it('draws the chart of the digest with VChart', async () => {
    await be('admin', 'oc_playground_centre');
    const chart = botCard('每周小结 · 全区').locator('.card-chart');
    await chart.locator('canvas, svg').first().waitFor();
    expect(await chart.getAttribute('data-rendered')).toBe('true');
  });

  it('draws a card\'s `chart` element with VChart', async () => {
    // A card as the bot would send it, with a native chart element (VChart spec), drawn by the page's own renderer.
    await page.evaluate(() => {
      const card = {
        schema: '2.0',
        header: { title: { tag: 'plain_text', content: '图表示例' }, template: 'blue' },
        body: {
          elements: [
            {
              // The shape of the digest's chart (cards/digest-chart.ts): a fixed height, a stacked horizontal bar.
              tag: 'chart',
              height: '400px',
              preview: true,
              chart_spec: {
                type: 'bar',
                direction: 'horizontal',
                title: { text: '各盟市申请情况' },
                data: [
                  {
                    id: 'figures',
                    values: [
                      { region: '包头市', status: '待审核', count: 1 },
                      { region: '包头市', status: '已通过', count: 3 },
                      { region: '赤峰市', status: '待审核', count: 2 },
                      { region: '赤峰市', status: '已通过', count: 0 },
                    ],
                  },
                ],
                xField: 'count',
                yField: 'region',
                seriesField: 'status',
                stack: true,
                color: { type: 'ordinal', domain: ['待审核', '已通过'], range: ['#3b82f6', '#22c55e'] },
                legends: { visible: true, orient: 'top' },
                axes: [
                  { orient: 'left', type: 'band' },
                  { orient: 'bottom', type: 'linear', min: 0, tick: { noDecimals: true } },
                ],
                totalLabel: { visible: true },
              },
            },
          ],
        },
      };
      const noop = () => undefined;
      const mounts: Array<() => void> = [];
      const page = globalThis as any;
      const node = page.PlaygroundCards.renderCard(card, { nameOf: String, imageUrl: String, act: noop, confirm: noop, afterMount: (fn: () => void) => mounts.push(fn) });
      node.id = 'sample-chart-card';
      page.document.getElementById('messages').appendChild(node);
      mounts.forEach((fn) => fn());
    });
    const chart = page.locator('#sample-chart-card .card-chart');
    await chart.locator('canvas').first().waitFor();
    expect(await chart.getAttribute('data-rendered')).toBe('true');
    const box = await chart.locator('canvas').first().boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    expect(box!.height).toBe(400);
  });

  it('draws card markdown as text: bold, colours and mentions, never markup from the text', async () => {
    // What the bot writes for user text: HTML entities (cards/markdown.ts escapeMarkdown).
    const drawn = await page.evaluate(() => {
      const page = globalThis as any;
      const node = page.PlaygroundCards.markdown(
        "**编号**：<font color='red'>已退回</font> &#60;img src=x onerror=alert(1)&#62; &#42;&#42;不是粗体&#42;&#42; <at id=ou_playground_baotou></at>\n- 第二行",
        { nameOf: (id: string) => (id === 'ou_playground_baotou' ? '李明' : id) },
      );
      return {
        text: node.textContent,
        bold: Array.from(node.querySelectorAll('strong')).map((e: any) => e.textContent),
        red: node.querySelector('.fc-red')?.textContent,
        images: node.querySelectorAll('img').length,
        mention: node.querySelector('.md-at')?.textContent,
        items: node.querySelectorAll('.md-li').length,
      };
    });
    expect(drawn).toEqual({
      text: '编号：已退回 <img src=x onerror=alert(1)> **不是粗体** @李明第二行',
      bold: ['编号'],
      red: '已退回',
      images: 0,
      mention: '@李明',
      items: 1,
    });
  });

  it("links an expert's Feishu account with the person picker, offering the group's members", async () => {
    await be('admin', 'oc_playground_baotou');
    await say('专家 添加');
    const form = botCard('添加专家', '飞书账号');
    await form.waitFor();
    const picker = form.locator('[name="open_id"]');
    // 包头市科协工作群's members: 王老师 and 李明 (Feishu offers the chat's members when no options are given).
    expect(await picker.locator('option').allTextContents()).toEqual(expect.arrayContaining(['王老师', '李明']));
    await form.locator('[name="name"]').fill('李明');
    await form.locator('[name="organisation"]').fill('包头市科学技术协会');
    await form.locator('.card-multi input[type=checkbox]').first().check();
    await form.locator('[name="contact"]').fill('13812345678');
    await picker.selectOption({ label: '李明' });
    await form.getByRole('button', { name: '添加专家' }).click();
    await toast('已添加专家 李明').waitFor();
    await botCard('已添加专家', '飞书账号').filter({ hasText: '已关联' }).waitFor();
  });

  it('says in Chinese that files cannot be sent here', async () => {
    await page.click('#attach');
    await toast('演示页面不能发送文件').waitFor();
  });
});
