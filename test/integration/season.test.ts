import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, nodesOf, validForm } from '../helpers/application-driver';

/**
 * A season at chosen dates, through the HTTP surface: the bot's clock is moved (and the
 * webhooks are signed with the same clock, so verification still holds), CAMPAIGN_YEAR unset.
 */

const FILER = 'ou_filer_baotou_00000000000000000001';
const CENTRE_CHAT = 'oc_centre_group_000000000000000000001';

let h: Harness;
let d: Driver;
/** The cards the filer got privately (the pre-filled 申请表 also comes, as a text and a file). */
const cardsToFiler = () => d.toUser(FILER).filter((m) => m.msgType === 'interactive');
let offset = 0;

/** Moves the bot's clock to `iso` (an instant); time keeps running from there. */
function setClock(iso: string): void {
  offset = Date.parse(iso) - Date.now();
}

async function start(at: string): Promise<void> {
  setClock(at);
  h = await startHarness({ bot: { now: () => Date.now() + offset } });
  const post = h.post.bind(h);
  h.post = (path, payload, opts) => post(path, payload, { timestamp: Math.floor((Date.now() + offset) / 1000), ...opts });
  d = new Driver(h);
  await d.bind(CENTRE_CHAT, '中心');
}

afterEach(async () => {
  await h.close();
});

describe('the year boundary without CAMPAIGN_YEAR', () => {
  it('in December the form offers next season and accepts its dates', async () => {
    await start('2026-12-05T10:00:00+08:00');
    const [reply] = await d.ask('申请', { senderOpenId: FILER, chatId: 'oc_p2p_filer' });
    const intro = visibleText(reply.content);
    expect(intro).toContain('活动需在 2027 年 3 月 1 日至 11 月 30 日之间举办');
    expect(intro).toContain('最早可选 **2027-03-01** 开始');

    const submit = buttonValue(reply.content, '提交申请');
    const tooEarly = await d.click(submit, FILER, validForm({ start_date: '2026-12-10 +0800', end_date: '2026-12-10 +0800' }));
    expect(visibleText(tooEarly.card.data)).toContain('活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-03-01）');

    const answer = await d.click(submit, FILER, validForm({ start_date: '2027-03-10 +0800', end_date: '2027-03-11 +0800' }));
    expect(answer.toast).toEqual({ type: 'success', content: '已提交，编号 SQ2027-0001' });
  });

  it('in the running season the first date is today + 10 days', async () => {
    await start('2026-06-01T10:00:00+08:00');
    const [reply] = await d.ask('申请', { senderOpenId: FILER, chatId: 'oc_p2p_filer' });
    expect(visibleText(reply.content)).toContain('活动需在 2026 年 3 月 1 日至 11 月 30 日之间举办');
    expect(visibleText(reply.content)).toContain('最早可选 **2026-06-11** 开始');
  });

  it('查询 marks the years when the list spans two seasons', async () => {
    await start('2026-06-01T10:00:00+08:00');
    await d.file(FILER, { start_date: '2026-06-20 +0800', end_date: '2026-06-20 +0800' });
    setClock('2026-12-02T10:00:00+08:00');
    await d.file(FILER, { start_date: '2027-04-20 +0800', end_date: '2027-04-20 +0800' });
    const [list] = await d.ask('查询', { senderOpenId: FILER, chatId: 'oc_p2p_filer' });
    const text = visibleText(list.content);
    expect(text.indexOf('**2027 年度**')).toBeGreaterThan(-1);
    expect(text.indexOf('**2026 年度**')).toBeGreaterThan(text.indexOf('SQ2027-0001'));
    expect(text.indexOf('SQ2026-0001')).toBeGreaterThan(text.indexOf('**2026 年度**'));
  });
});

describe('resubmitting after 退回修改', () => {
  async function fileAndReturn(): Promise<Record<string, any>> {
    await start('2027-06-01T10:00:00+08:00');
    const filed = await d.file(FILER, { start_date: '2027-06-12 +0800', end_date: '2027-06-13 +0800' });
    expect(filed.toast.content).toBe('已提交，编号 SQ2027-0001');
    await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive').length === 1, 'the review card');
    const review = d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive')[0];
    await d.click(buttonValue(review.content, '退回修改'), ADMIN_OPEN_ID, { reason: '请补充企业名单' }, { chatId: CENTRE_CHAT, messageId: review.messageId });
    await h.fake.waitFor(() => cardsToFiler().length === 1, 'the filer’s notice');
    // Four days later: 8 days before the start.
    setClock('2027-06-04T10:00:00+08:00');
    const form = (await d.click(buttonValue(cardsToFiler()[0].content, '修改'), FILER)).card.data;
    return form;
  }

  it('counts the 10 days from the first submission, and says so on the form', async () => {
    const form = await fileAndReturn();
    expect(visibleText(form)).toContain('本申请首次提交于 **2027-06-01**');
    expect(nodesOf(form).find((n) => n.name === 'start_date').initial_date).toBe('2027-06-12');
    const again = await d.click(buttonValue(form, '提交修改'), FILER, validForm({ start_date: '2027-06-12 +0800', end_date: '2027-06-13 +0800' }));
    expect(again.toast.content).toBe('已重新提交 SQ2027-0001');
    expect(await h.bot.ds.query('SELECT status, start_date FROM applications')).toEqual([{ status: '待审核', start_date: '2027-06-12' }]);
  });

  it('counts from today when the activity is moved earlier', async () => {
    const form = await fileAndReturn();
    const earlier = await d.click(buttonValue(form, '提交修改'), FILER, validForm({ start_date: '2027-06-11 +0800', end_date: '2027-06-11 +0800' }));
    expect(earlier.toast.content).toBe('有 1 项需要修改，请查看表单中的红色提示');
    expect(visibleText(earlier.card.data)).toContain('活动开始日期需在提交之日起至少 10 天之后（最早可选 2027-06-14）');
    expect(await h.bot.ds.query('SELECT status, start_date FROM applications')).toEqual([{ status: '已退回', start_date: '2027-06-12' }]);
  });
});

describe('活动类别 (kind)', () => {
  const REVIEW = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive');

  it('files a 对外交流活动 without the participant breakdown, and the cards show the kind', async () => {
    await start('2027-05-01T10:00:00+08:00');
    const answer = await d.file(FILER, { kind: '对外交流', topics: ['outreach-1'], core_count: '', enterprise_count: '', key_industry_count: '' });
    expect(answer.toast).toEqual({ type: 'success', content: '已提交，编号 SQ2027-0001' });
    expect(visibleText(answer.card.data)).toContain('**活动类别**：对外交流活动');
    expect(await h.bot.ds.query('SELECT kind, core_count, enterprise_count, key_industry_count FROM applications')).toEqual([
      { kind: '对外交流', core_count: null, enterprise_count: null, key_industry_count: null },
    ]);
    await h.fake.waitFor(() => REVIEW().length === 1, 'the review card');
    expect(visibleText(REVIEW()[0].content)).toContain('**活动类别**：对外交流活动');
    expect(visibleText(REVIEW()[0].content)).toContain('**活动人数**：100 人');
    expect(visibleText(REVIEW()[0].content)).toContain('对外交流活动 1. 博士创新站与科技小院交流活动');
  });

  it('refuses content of the other kind, keeping what was typed', async () => {
    await start('2027-05-01T10:00:00+08:00');
    const answer = await d.file(FILER, { kind: '对外交流', topics: ['lecture-1'] });
    expect(answer.toast.content).toBe('有 1 项需要修改，请查看表单中的红色提示');
    const text = visibleText(answer.card.data);
    expect(text).toContain('对外交流活动请只选择以「对外交流活动」开头的内容');
    expect(nodesOf(answer.card.data).find((n) => n.name === 'kind').initial_option).toBe('对外交流');
  });

  it('counts applications from before the kind existed as 能力提升', async () => {
    await start('2027-05-01T10:00:00+08:00');
    await h.bot.ds.query(
      `INSERT INTO applications (tenant_key, filer_open_id, status, version, created_at, updated_at) VALUES ('t', 'ou_x', '草稿', 1, 0, 0)`,
    );
    expect(await h.bot.ds.query(`SELECT kind FROM applications WHERE filer_open_id = 'ou_x'`)).toEqual([{ kind: '能力提升' }]);
  });
});
