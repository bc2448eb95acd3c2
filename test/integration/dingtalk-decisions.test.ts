import { createJobDeps } from '../../src/bot/job-deps';
import { JobRunner } from '../../src/jobs/job-runner';
import { JOBS } from '../../src/jobs/registry';
import { createLogger } from '../../src/logger';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { Driver, YEAR } from '../helpers/application-driver';
import { FakeDingTalk, dingtalkSignHeaders, dingtalkEnv } from '../helpers/fake-dingtalk';
import { CORP_ID, GROUP_ID, ROBOT_CODE, robotMessage } from '../helpers/dingtalk-messages';
import { TENANT_KEY } from '../helpers/events';
import { visibleText } from '../helpers/card-text';
import { until } from '../helpers/dingtalk-chat';

/**
 * Issue 12, items 5 and 7, and the tenant mapping: decisions as text commands and ActionCard
 * buttons on DingTalk, and the scheduled jobs reaching each group or person on the platform it
 * lives on. One centre across both platforms: DINGTALK_TENANT_KEY is the Feishu tenant's key,
 * so a Feishu admin and a DingTalk admin review the same applications and the first decision
 * wins. Everything is asserted on what the fake Feishu and the fake DingTalk received.
 *
 * The DingTalk filer's application is filed with the Feishu form under the filer's staff id (the
 * DingTalk wizard is another slice): the record is what a DingTalk filing makes, so whatever the
 * bot tells the filer goes to DingTalk.
 */

const DT_ADMIN = 'admin0001';
const DT_FILER = 'filer0001';
const DT_OTHER = 'member0002';
const BATCH = '/v1.0/robot/oToMessages/batchSend';
const GROUP_SEND = '/v1.0/robot/groupMessages/send';
const CENTRE_GROUP = 'cidCentreGroup0000==';
const BAOTOU_GROUP = GROUP_ID;

let dt: FakeDingTalk;
let h: Harness;
let d: Driver;


/** Sends a DingTalk robot message (HTTP mode, signed) as `staffId`; resolves once accepted. */
async function say(text: string, staffId: string, opts: { group?: string } = {}): Promise<void> {
  const body = robotMessage({ text, staffId, group: Boolean(opts.group), conversationId: opts.group });
  const res = await h.postRaw('/dingtalk/events', JSON.stringify(body), dingtalkSignHeaders(dt.clientSecret));
  expect(res.status).toBe(200);
}

const privately = (staffId: string) => dt.callsTo(BATCH).filter((c) => c.body.userIds.includes(staffId));
const inGroup = (cid: string) => dt.callsTo(GROUP_SEND).filter((c) => c.body.openConversationId === cid);
const textOf = (c: { msgParam?: any }) => String(c.msgParam?.text ?? c.msgParam?.content ?? '');

/** Says something and waits for the next private answer to the sender; returns its text. */
async function ask(text: string, staffId: string): Promise<{ msgKey: string; msgParam: any; text: string }> {
  const before = privately(staffId).length;
  await say(text, staffId);
  await until(`an answer to 「${text}」`, () => privately(staffId).length > before);
  const call = privately(staffId)[before];
  return { msgKey: call.body.msgKey, msgParam: call.msgParam, text: textOf(call) };
}

async function status(code: string): Promise<string> {
  const [year, seq] = code.slice(2).split('-').map(Number);
  const rows = await h.bot.ds.query('SELECT status FROM applications WHERE code_year = ? AND code_seq = ?', [year, seq]);
  return rows[0]?.status;
}

/** Files a valid application as `filer` (Feishu form); returns its code. */
async function file(filer: string, overrides: Record<string, string> = {}): Promise<string> {
  const answer = await d.file(filer, overrides);
  expect(answer.toast.type).toBe('success');
  return /SQ\d{4}-\d{4}/.exec(answer.toast.content)![0];
}

function decode(url: string): string {
  expect(url.startsWith('dtmd://dingtalkclient/sendMessage?content=')).toBe(true);
  return decodeURIComponent(url.slice('dtmd://dingtalkclient/sendMessage?content='.length));
}

/** Runs a job in-process as the scheduler does, at `iso`. */
async function runJob(name: keyof typeof JOBS, iso: string) {
  const at = new Date(iso);
  const deps = createJobDeps(h.config, h.bot.ds, h.bot.platform, h.bot.outbox, () => at.getTime());
  return new JobRunner(h.bot.ds, deps, createLogger('silent')).run(name, JOBS[name].job, at);
}

beforeEach(async () => {
  dt = await new FakeDingTalk().start();
  h = await startHarness({
    env: dingtalkEnv(dt, { mode: 'http', admins: DT_ADMIN, extra: { CAMPAIGN_YEAR: String(YEAR), DINGTALK_TENANT_KEY: TENANT_KEY } }),
  });
  d = new Driver(h);
});

afterEach(async () => {
  await h.close();
  await dt.stop();
});

describe('decisions on DingTalk (item 5)', () => {
  test('the review card is an ActionCard whose buttons send the commands; 通过 by text decides, the filer and 查询 see it', async () => {
    const code = await file(DT_FILER);
    // No centre group bound: each admin privately, on their own platform.
    await until('the DingTalk admin’s review card', () => privately(DT_ADMIN).length === 1);
    expect(d.toUser(ADMIN_OPEN_ID).some((m) => visibleText(m.content).includes(code))).toBe(true);
    const [review] = privately(DT_ADMIN);
    expect(review.body.msgKey).toBe('sampleActionCard3');
    const p = review.msgParam;
    expect([p.actionTitle1, p.actionTitle2, p.actionTitle3]).toEqual(['通过', '退回修改', '不予受理']);
    expect([decode(p.actionURL1), decode(p.actionURL2), decode(p.actionURL3)]).toEqual([`通过 ${code}`, `退回 ${code}`, `不予受理 ${code}`]);
    // The typed fallback is printed, with what a return needs; the reason box is not offered as a form.
    expect(p.text).toContain(`「退回 ${code} ＜原因＞」`);
    expect(p.text).not.toContain('此表单暂不能在钉钉中填写');

    // A tap on 退回修改 sends the bare command: the bot asks for the reason and changes nothing.
    expect((await ask(decode(p.actionURL2), DT_ADMIN)).text).toContain(`退回 <编号> <原因>`);
    expect(await status(code)).toBe('待审核');

    // A tap on 通过 decides.
    const decided = await ask(decode(p.actionURL1), DT_ADMIN);
    expect(decided.text).toBe(`已通过：${code}`);
    expect(await status(code)).toBe('已通过');
    // The filer is told on DingTalk, with the ActionCard of what they may do next.
    await until('the filer’s notice', () => privately(DT_FILER).some((c) => textOf(c).includes('您的申请已通过审核')));
    const notice = privately(DT_FILER).find((c) => textOf(c).includes('您的申请已通过审核'))!;
    expect(notice.body.msgKey).toBe('sampleActionCard2');
    expect([decode(notice.msgParam.actionURL1), decode(notice.msgParam.actionURL2)]).toEqual([`改期 ${code}`, `取消 ${code}`]);

    // The Feishu admin's review card is brought up to date (one centre, one decision).
    await until('the Feishu review card updated', () => h.fake.calls.some((c) => c.method === 'PATCH' && JSON.stringify(c.body).includes('已通过')));

    // First decision wins, across platforms: the Feishu admin's later 退回 changes nothing.
    const [late] = await d.ask(`退回 ${code} 材料不全`, { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin_decisions_000000000001' });
    expect(late.content.text).toBe(`该申请已由另一位管理员处理（已通过），无需再审核。`);
    expect(await status(code)).toBe('已通过');

    // The filer asks 查询 on DingTalk and sees it approved.
    const query = await ask('查询', DT_FILER);
    expect(query.text).toContain(code);
    expect(query.text).toContain('已通过');
  });

  test('退回 and 不予受理 need a reason; only admins decide; the filer may 撤回 and 修改', async () => {
    const code = await file(DT_FILER);
    await until('the review card', () => privately(DT_ADMIN).length === 1);

    // A DingTalk member who is not an admin, and the filer: refused, nothing changes.
    expect((await ask(`通过 ${code}`, DT_OTHER)).text).toBe('只有科创服务中心的管理员可以审核申请。');
    expect((await ask(`不予受理 ${code} 不符合条件`, DT_FILER)).text).toBe('只有科创服务中心的管理员可以审核申请。');
    expect(await status(code)).toBe('待审核');

    // Not the filer's: 撤回 refused.
    expect((await ask(`撤回 ${code}`, DT_OTHER)).text).toContain('您无权操作这份申请');
    // The filer's 修改 opens the form (on DingTalk: said to be filled in elsewhere until the wizard comes).
    const edit = await ask(`修改 ${code}`, DT_FILER);
    expect(edit.text).toContain(`修改申请 ${code}`);
    expect(await status(code)).toBe('待审核');

    // The filer's card: 修改 and 撤回 are ActionCard buttons that send the commands.
    const mine = await ask(`查询 ${code}`, DT_FILER);
    expect(mine.msgKey).toBe('sampleActionCard2');
    expect([decode(mine.msgParam.actionURL1), decode(mine.msgParam.actionURL2)]).toEqual([`修改 ${code}`, `撤回 ${code}`]);

    expect((await ask(decode(mine.msgParam.actionURL2), DT_FILER)).text).toBe(`已撤回 ${code}`);
    expect(await status(code)).toBe('已撤回');
    // Too late to decide: the admin is told, nothing changes.
    expect((await ask(`不予受理 ${code} 不符合条件`, DT_ADMIN)).text).toContain('当前状态为「已撤回」');
    expect(await status(code)).toBe('已撤回');
  });

  test('不予受理 with a reason by a DingTalk admin; the reason reaches the filer escaped', async () => {
    const code = await file(DT_FILER);
    await until('the review card', () => privately(DT_ADMIN).length === 1);
    expect((await ask(`不予受理 ${code} 不在本年度[支持]范围*`, DT_ADMIN)).text).toBe(`已不予受理：${code}`);
    expect(await status(code)).toBe('未通过');
    await until('the filer’s notice', () => privately(DT_FILER).some((c) => textOf(c).includes('未获受理')));
    const notice = privately(DT_FILER).find((c) => textOf(c).includes('未获受理'))!;
    expect(textOf(notice)).toContain('不在本年度［支持］范围＊');
  });

  test('a Feishu admin decides by text too', async () => {
    const code = await file('ou_feishu_filer_00000000000000000001');
    const [reply] = await d.ask(`通过 ${code} 同意举办`, { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin_decisions_000000000001' });
    expect(reply.content.text).toBe(`已通过：${code}`);
    expect(await status(code)).toBe('已通过');
    // The DingTalk admin's review card is not updatable: nothing else is sent to them but the card itself.
    expect(privately(DT_ADMIN)).toHaveLength(1);
  });
});

describe('对接 on DingTalk (item 5)', () => {
  test('对接 <需求编号> starts the wizard with the experts numbered; 对接 <需求编号> <专家编号> matches; others are refused', async () => {
    const need = { enterprise_name: '包头稀土永磁科技有限公司', region: '包头市', industry: 'rare-earth', need_type: '技术难题', description: '烧结钕铁硼磁体的晶界扩散工艺一致性不足', contact_name: '李工', mobile: '13900139000' };
    const filed = await d.click({ action: 'need.submit', form: 'tok_need_dingtalk_1' }, DT_FILER, need, { chatId: 'oc_p2p_need_filer_000000000000000001' });
    expect(filed.toast.type).toBe('success');
    const code = /XQ\d{4}-\d{4}/.exec(filed.toast.content)![0];
    const added = await d.click({ action: 'expert.add', form: 'tok_expert_dingtalk_1' }, ADMIN_OPEN_ID, { name: '周敏', organisation: '内蒙古工业大学', fields: ['rare-earth'], contact: '13700001234', open_id: '' }, { chatId: 'oc_p2p_admin_decisions_000000000001' });
    expect(added.toast.type).toBe('success');
    const [{ id: expertId }] = await h.bot.ds.query('SELECT id FROM experts');

    expect((await ask(`对接 ${code} ${expertId}`, DT_OTHER)).text).toBe('只有科创服务中心的管理员可以对接专家。');
    expect((await ask(`对接 ${code}`, DT_OTHER)).text).toBe('只有科创服务中心的管理员可以对接专家。');
    // 对接 <需求编号> alone: the 对接 form as a conversation (dingtalk-record-wizards.test.ts walks it); 取消 leaves it.
    const wizard = await ask(`对接 ${code}`, DT_ADMIN);
    expect(wizard.text).toContain(`【对接专家 ${code}】第 1/2 项：对接专家`);
    expect(wizard.text).toContain('1. 周敏 · 内蒙古工业大学');
    expect((await ask('取消', DT_ADMIN)).text).toContain(`已取消填写对接专家 ${code}`);

    expect((await ask(`对接 ${code} 999`, DT_ADMIN)).text).toBe(`没有编号为 999 的专家。发送「对接 ${code}」查看可选专家及其编号。`);
    expect((await ask(`对接 ${code} ${expertId} 本周内电话联系`, DT_ADMIN)).text).toBe(`已对接：${code} → 周敏`);
    const [row] = await h.bot.ds.query('SELECT status, expert_id FROM needs');
    expect(row).toEqual({ status: '已对接', expert_id: expertId });
    // The enterprise's contact (a DingTalk filer) hears of it on DingTalk.
    await until('the filer’s notice', () => privately(DT_FILER).some((c) => textOf(c).includes('周敏')));
  });
});

describe('jobs on DingTalk (item 7)', () => {
  async function bindGroups(): Promise<void> {
    await say('绑定 中心', DT_ADMIN, { group: CENTRE_GROUP });
    await say('绑定 包头市', DT_ADMIN, { group: BAOTOU_GROUP });
    await until('both bindings', async () => Number((await h.bot.ds.query("SELECT count(*) AS n FROM chat_bindings WHERE platform = 'dingtalk'"))[0].n) === 2);
  }

  async function approved(): Promise<string> {
    const code = await file(DT_FILER);
    expect((await ask(`通过 ${code}`, DT_ADMIN)).text).toBe(`已通过：${code}`);
    return code;
  }

  test('the activity reminder reaches the 盟市 group and the filer on DingTalk; the summary request the filer', async () => {
    await bindGroups();
    // One centre: the DingTalk groups are in the Feishu tenant's books, and say where they were bound.
    expect(await h.bot.ds.query("SELECT tenant_key, platform, origin_tenant FROM chat_bindings WHERE platform = 'dingtalk'")).toEqual([
      { tenant_key: TENANT_KEY, platform: 'dingtalk', origin_tenant: CORP_ID },
      { tenant_key: TENANT_KEY, platform: 'dingtalk', origin_tenant: CORP_ID },
    ]);
    const code = await approved();
    // Filed with the Feishu form: a Feishu record, of the Feishu tenant.
    expect(await h.bot.ds.query('SELECT origin_platform, origin_tenant FROM applications')).toEqual([{ origin_platform: 'feishu', origin_tenant: TENANT_KEY }]);
    // The review card went to the centre's DingTalk group (bound), not to the admins privately.
    expect(inGroup(CENTRE_GROUP).some((c) => textOf(c).includes(code))).toBe(true);

    const result = await runJob('reminders', `${YEAR}-06-07T01:00:00Z`);
    expect(result.failures).toBe(0);
    await until('the reminders', () => inGroup(BAOTOU_GROUP).some((c) => textOf(c).includes(code)) && privately(DT_FILER).some((c) => textOf(c).includes('3 天后')));
    const reminder = inGroup(BAOTOU_GROUP).find((c) => textOf(c).includes(code))!;
    expect(reminder.body.robotCode).toBe(ROBOT_CODE);
    expect(textOf(reminder)).toContain('包头稀土高新区创新中心报告厅');
    // Nothing of it went to Feishu: the group and the filer live on DingTalk.
    expect(h.fake.delivered.filter((m) => m.kind === 'create' && visibleText(m.content).includes('3 天后'))).toHaveLength(0);

    // The day after the activity: held, and the summary is asked of the filer on DingTalk.
    await runJob('reminders', `${YEAR}-06-12T01:00:00Z`);
    await until('the summary request', () => privately(DT_FILER).some((c) => textOf(c).includes('总结')));
    expect(await status(code)).toBe('已举办');
  });

  test('the Monday digest reaches the DingTalk groups as markdown with a table instead of the chart', async () => {
    await bindGroups();
    await approved();
    await file(DT_FILER, { start_date: `${YEAR}-06-20 +0800`, end_date: `${YEAR}-06-20 +0800` });
    const result = await runJob('weekly-summary', `${YEAR}-06-07T01:00:00Z`);
    expect(result.failures).toBe(0);
    await until('both digests', () => inGroup(CENTRE_GROUP).some((c) => c.msgParam?.title?.includes('周')) && inGroup(BAOTOU_GROUP).some((c) => c.msgParam?.title?.includes('周')));
    const centre = inGroup(CENTRE_GROUP).find((c) => c.msgParam?.title?.includes('周'))!;
    const text = textOf(centre);
    expect(text).not.toContain('图表暂不能在钉钉中显示');
    expect(text).toContain('| 包头市 | 1 | 0 | 1 | 0 | 0 | 2 |');
    expect(text).toMatch(/\| +\| 待审核 \| 已退回 \| 已通过 \| 已举办 \| 已总结 \| 合计 \|/);
    expect(text).toContain('| 赤峰市 | 0 | 0 | 0 | 0 | 0 | 0 |');
  });

  test('a report collection: the task and its deadline reminder reach the 盟市’s DingTalk group', async () => {
    await bindGroups();
    const published = await d.click(
      { action: 'report.publish', form: 'tok_report_dingtalk_1' },
      ADMIN_OPEN_ID,
      { title: '年度落实情况报告', description: '请报送本盟市落实情况报告', deadline: `${YEAR}-11-20 17:00 +0800`, regions: ['包头市'], expects: 'text' },
      { chatId: 'oc_p2p_admin_decisions_000000000001' },
    );
    expect(published.toast.type).toBe('success');
    await until('the task in the 包头市 group', () => inGroup(BAOTOU_GROUP).some((c) => textOf(c).includes('年度落实情况报告')));
    const result = await runJob('reminders', `${YEAR}-11-17T01:00:00Z`);
    expect(result.failures).toBe(0);
    await until('the deadline reminder', () => inGroup(BAOTOU_GROUP).filter((c) => textOf(c).includes('年度落实情况报告')).length >= 2);
  });
});
