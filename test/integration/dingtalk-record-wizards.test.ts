import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { buttonValue, Driver, hasButton, YEAR } from '../helpers/application-driver';
import { FakeDingTalk, dingtalkSignHeaders, dingtalkEnv } from '../helpers/fake-dingtalk';
import { robotMessage } from '../helpers/dingtalk-messages';
import { TENANT_KEY } from '../helpers/events';
import { TestClock } from '../helpers/test-clock';
import { waitUntilIdle } from '../helpers/idle';
import { FormDraft } from '../../src/db/entities/form-draft.entity';
import { WIZARD_IDLE_MS } from '../../src/platform/dingtalk/wizard/wizard';
import { privateTo, textOf as chatText, until } from '../helpers/dingtalk-chat';

/**
 * 改期, 取消 and 对接 as DingTalk wizards (issue 12): described once in src/forms, asked one
 * field at a time, authorised as the card buttons are (at the start and again at 提交), and
 * filed through the card's own action. Also the wizard's idle timeout and the rule for a
 * command typed inside a wizard. Asserted on what the fake DingTalk (and fake Feishu) received.
 *
 * Applications are filed with the Feishu form under the filer's staff id (as in
 * dingtalk-decisions.test.ts): the record is what a DingTalk filing makes.
 */

const DT_ADMIN = 'admin0001';
const DT_FILER = 'filer0001';
const DT_OTHER = 'member0002';

let dt: FakeDingTalk;
let h: Harness;
let d: Driver;


const privately = (staffId: string) => privateTo(dt, staffId);
const textOf = (c: { msgParam?: Record<string, string> }) => chatText(c.msgParam ?? {});

/** Says `text` privately as `staffId` (HTTP mode, signed) and returns the next `count` private answers, joined. */
async function ask(text: string, staffId: string, count = 1): Promise<string> {
  const before = privately(staffId).length;
  // Signed by the bot's clock, which the idle test moves on.
  const res = await h.postRaw('/dingtalk/events', JSON.stringify(robotMessage({ text, staffId })), dingtalkSignHeaders(dt.clientSecret, h.clock.now()));
  expect(res.status).toBe(200);
  await until(`an answer to 「${text}」`, () => privately(staffId).length >= before + count);
  return privately(staffId)
    .slice(before, before + count)
    .map(textOf)
    .join('\n');
}

async function row(code: string): Promise<Record<string, any>> {
  const [year, seq] = code.slice(2).split('-').map(Number);
  const [found] = await h.bot.ds.query('SELECT id, status, version, start_date, end_date, venue, headcount, cancel_reason FROM applications WHERE code_year = ? AND code_seq = ?', [year, seq]);
  return found;
}

const drafts = () => h.bot.ds.getRepository(FormDraft).find();

/** Files a valid application as `filer` (Feishu form); returns its code once the DingTalk admin has its review card. */
async function filed(filer = DT_FILER): Promise<string> {
  const answer = await d.file(filer);
  expect(answer.toast.type).toBe('success');
  const code = /SQ\d{4}-\d{4}/.exec(answer.toast.content)![0];
  await until('the review card', () => privately(DT_ADMIN).some((c) => textOf(c).includes(`待审核申请 ${code}`)));
  return code;
}

/** Files a valid application and approves it by text on DingTalk; returns its code. */
async function approved(filer = DT_FILER): Promise<string> {
  const code = await filed(filer);
  expect(await ask(`通过 ${code}`, DT_ADMIN)).toContain(`已通过：${code}`);
  // The approval's notices are still being sent: the next speaker's reply must not race them.
  await waitUntilIdle(h);
  return code;
}

beforeEach(async () => {
  dt = await new FakeDingTalk().start();
  h = await startHarness({
    clock: new TestClock(),
    env: dingtalkEnv(dt, { mode: 'http', admins: DT_ADMIN, extra: { CAMPAIGN_YEAR: String(YEAR), DINGTALK_TENANT_KEY: TENANT_KEY } }),
  });
  d = new Driver(h);
});

afterEach(async () => {
  await h.close();
  await dt.stop();
});

describe('改期 <编号> as a wizard', () => {
  test('the filer asks new dates and a note, 提交 files the change request, the centre agrees and the activity moves', async () => {
    const code = await approved();
    const before = await row(code);

    // Somebody else: refused as the command refuses, nothing stored.
    expect(await ask(`改期 ${code}`, DT_OTHER)).toContain(`没有找到您可以操作的申请 ${code}`);
    expect(await drafts()).toHaveLength(0);

    let answer = await ask(`改期 ${code}`, DT_FILER);
    expect(answer).toContain(`原安排：${YEAR}-06-10 至 ${YEAR}-06-11`);
    expect(answer).toContain(`【申请改期 ${code}】第 1/5 项：新的开始日期`);
    expect(await ask('明天', DT_FILER)).toContain('请按 2027-06-10 的格式回复新的开始日期');
    expect(await ask(`${YEAR}-06-17`, DT_FILER)).toContain('第 2/5 项：新的结束日期');
    // The filing rules (1–3 days), with the change card's message.
    expect(await ask(`${YEAR}-06-25`, DT_FILER)).toContain('⚠');
    answer = await ask(`${YEAR}-06-18`, DT_FILER);
    // Venue and head count are kept as approved: straight to the note.
    expect(answer).toContain('第 5/5 项：改期说明（选填）');
    answer = await ask('场地调整', DT_FILER);
    expect(answer).toContain('全部填写完毕');
    expect(answer).toContain(`3. 活动地点：${before.venue}`);
    expect(answer).toContain(`4. 活动人数：${before.headcount}`);

    answer = await ask('提交', DT_FILER);
    expect(answer).toContain('改期申请已提交');
    expect(await drafts()).toHaveLength(0);
    // Nothing moves before the centre agrees.
    expect(await row(code)).toMatchObject({ status: '已通过', start_date: `${YEAR}-06-10` });

    // The centre's change card (here the Feishu admin's, privately) — 同意改期 moves the activity.
    await until('the change review card', () => d.toUser(ADMIN_OPEN_ID).some((m) => hasButton(m.content, '同意改期')));
    const card = d.toUser(ADMIN_OPEN_ID).find((m) => hasButton(m.content, '同意改期'))!;
    const agreed = await d.click(buttonValue(card.content, '同意改期'), ADMIN_OPEN_ID, { reason: '' }, { chatId: 'oc_p2p_admin_change_000000000000001', messageId: card.messageId });
    expect(agreed.toast).toEqual({ type: 'success', content: `已同意改期：${code}` });
    expect(await row(code)).toMatchObject({ status: '已通过', start_date: `${YEAR}-06-17`, end_date: `${YEAR}-06-18` });
    await until('the filer told on DingTalk', () => privately(DT_FILER).some((c) => textOf(c).includes('中心同意改期')));
  });

  test('a change identical to the plan is sent back to the date; 改期 of an activity not approved is refused', async () => {
    const code = await approved();
    await ask(`改期 ${code}`, DT_FILER);
    await ask(`${YEAR}-06-10`, DT_FILER);
    await ask(`${YEAR}-06-11`, DT_FILER);
    await ask('跳过', DT_FILER);
    const answer = await ask('提交', DT_FILER);
    expect(answer).toContain('与原安排相同，没有需要改的内容');
    expect(answer).toContain('第 1/5 项：新的开始日期');
    expect(await ask('取消', DT_FILER)).toContain(`已取消填写申请改期 ${code}`);

    const other = await filed();
    expect(await ask(`改期 ${other}`, DT_FILER)).toContain('只有已通过的活动可以申请改期');
    expect(await drafts()).toHaveLength(0);
  });
});

describe('the centre decides a change request on DingTalk (同意改期 / 不同意改期)', () => {
  function decode(url: string): string {
    expect(url.startsWith('dtmd://dingtalkclient/sendMessage?content=')).toBe(true);
    return decodeURIComponent(url.slice('dtmd://dingtalkclient/sendMessage?content='.length));
  }

  /** The filer asks, by the wizard, to move the activity to `start`–`end`; returns the DingTalk admin's change card. */
  async function changeFiled(code: string, start: string, end: string) {
    const cards = () => privately(DT_ADMIN).filter((c) => textOf(c).includes(`改期申请 ${code}`) && textOf(c).includes(`${start} 至 ${end}`));
    // The filer's notices of the last decision are out first, so that `ask` takes the wizard's answers.
    await waitUntilIdle(h);
    expect(await ask(`改期 ${code}`, DT_FILER)).toContain('第 1/5 项：新的开始日期');
    await ask(start, DT_FILER);
    await ask(end, DT_FILER);
    await ask('跳过', DT_FILER);
    expect(await ask('提交', DT_FILER)).toContain('改期申请已提交');
    await until('the DingTalk admin’s change card', () => cards().length === 1);
    await waitUntilIdle(h);
    return cards()[0];
  }

  test('the ActionCard’s buttons send the commands: refused for others, 同意改期 by the admin moves the activity, a second decision is told it was decided', async () => {
    const code = await approved();
    const card = await changeFiled(code, `${YEAR}-06-17`, `${YEAR}-06-18`);
    expect(card.body.msgKey).toBe('sampleActionCard2');
    const p = card.msgParam;
    expect([p.actionTitle1, p.actionTitle2]).toEqual(['同意改期', '不同意']);
    expect([decode(p.actionURL1), decode(p.actionURL2)]).toEqual([`同意改期 ${code}`, `不同意改期 ${code}`]);
    expect(p.text).toContain(`「不同意改期 ${code} ＜原因＞」`);
    const before = await row(code);

    // Not an admin (a member, the filer herself): refused, nothing changes.
    for (const who of [DT_OTHER, DT_FILER]) expect(await ask(decode(p.actionURL1), who)).toBe('只有科创服务中心的管理员可以审核改期申请。');
    // The bare 不同意 tap asks for the reason and decides nothing.
    expect(await ask(decode(p.actionURL2), DT_ADMIN)).toBe(`请填写不同意改期的原因。格式：不同意改期 <编号> <原因>，如「不同意改期 ${code} 新日期与其他活动冲突」。`);
    expect(await row(code)).toEqual(before);

    // The admin's tap on 同意改期: the activity moves and the filer is told on DingTalk.
    expect(await ask(decode(p.actionURL1), DT_ADMIN)).toBe(`已同意改期：${code}`);
    expect(await row(code)).toMatchObject({ status: '已通过', start_date: `${YEAR}-06-17`, end_date: `${YEAR}-06-18` });
    await until('the filer told on DingTalk', () => privately(DT_FILER).some((c) => textOf(c).includes('中心同意改期')));
    // The Feishu admin's change card is brought up to date (one centre, one decision).
    await until('the Feishu change card updated', () => h.fake.calls.some((c) => c.method === 'PATCH' && JSON.stringify(c.body).includes('已同意')));

    // First decision wins: a second one, by text or on the Feishu card, changes nothing.
    const after = await row(code);
    expect(await ask(`不同意改期 ${code} 新日期与其他活动冲突`, DT_ADMIN)).toBe(`${code} 的改期申请已经审核过了（已同意），无需再审核。`);
    expect(await ask(decode(p.actionURL1), DT_ADMIN)).toBe(`${code} 的改期申请已经审核过了（已同意），无需再审核。`);
    const feishuCard = d.toUser(ADMIN_OPEN_ID).find((m) => hasButton(m.content, '同意改期'))!;
    const late = await d.click(buttonValue(feishuCard.content, '不同意'), ADMIN_OPEN_ID, { reason: '太晚了' }, { chatId: 'oc_p2p_admin_change_000000000000001', messageId: feishuCard.messageId });
    expect(late.toast).toEqual({ type: 'warning', content: '这项改期申请已处理或已过期，无需再审核。' });
    expect(await row(code)).toEqual(after);
    await waitUntilIdle(h);
    expect(privately(DT_FILER).filter((c) => textOf(c).includes('中心不同意改期'))).toHaveLength(0);
  });

  test('by text: 同意改期 agrees; a later request is refused with 不同意改期 and its reason, which reaches the filer escaped', async () => {
    const code = await approved();
    expect(await ask(`同意改期 ${code}`, DT_ADMIN)).toBe(`没有找到申请 ${code} 的改期申请。请检查编号（如 SQ2027-0001）。`);
    await changeFiled(code, `${YEAR}-06-17`, `${YEAR}-06-18`);
    expect(await ask(`同意改期 ${code} 同意调整`, DT_ADMIN)).toBe(`已同意改期：${code}`);
    expect(await row(code)).toMatchObject({ start_date: `${YEAR}-06-17`, end_date: `${YEAR}-06-18` });

    // A second request (round 2) is decided on its own.
    await changeFiled(code, `${YEAR}-06-24`, `${YEAR}-06-25`);
    expect(await ask(`不同意改期 ${code}`, DT_ADMIN)).toContain('请填写不同意改期的原因');
    expect(await ask(`不同意改期 ${code} 与[全区]培训*冲突`, DT_ADMIN)).toBe(`已不同意改期：${code}`);
    expect(await row(code)).toMatchObject({ status: '已通过', start_date: `${YEAR}-06-17`, end_date: `${YEAR}-06-18` });
    await until('the filer told on DingTalk', () => privately(DT_FILER).some((c) => textOf(c).includes('中心不同意改期')));
    expect(textOf(privately(DT_FILER).find((c) => textOf(c).includes('中心不同意改期'))!)).toContain('与［全区］培训＊冲突');
    const [stored] = await h.bot.ds.query('SELECT change_request FROM applications WHERE id = ?', [(await row(code)).id]);
    expect(JSON.parse(stored.change_request)).toMatchObject({ round: 2, state: '不同意', reason: '与[全区]培训*冲突', decidedBy: DT_ADMIN });
  });
});

describe('取消 <编号> as a wizard', () => {
  test('without a reason the wizard asks for it and 提交 cancels; the typed full command still cancels at once', async () => {
    const code = await approved();
    expect(await ask(`取消 ${code}`, DT_OTHER)).toContain(`没有找到您可以操作的申请 ${code}`);
    expect(await drafts()).toHaveLength(0);

    let answer = await ask(`取消 ${code}`, DT_FILER);
    expect(answer).toContain('此操作不能撤销');
    expect(answer).toContain(`【取消活动 ${code}】第 1/1 项：取消原因`);
    expect(await ask('跳过', DT_FILER)).toContain('「取消原因」为必填项，不能跳过');
    expect(await ask('提交', DT_FILER)).toContain('还有未填写的项目');
    answer = await ask('场地临时无法使用', DT_FILER);
    expect(answer).toContain('1. 取消原因：场地临时无法使用');
    expect(await row(code)).toMatchObject({ status: '已通过' });
    answer = await ask('提交', DT_FILER);
    expect(answer).toContain('活动已取消');
    expect(await row(code)).toMatchObject({ status: '已取消', cancel_reason: '场地临时无法使用' });
    expect(await drafts()).toHaveLength(0);

    const second = await approved();
    expect(await ask(`取消 ${second} 天气原因`, DT_FILER)).toContain(`已取消活动 ${second}`);
    expect(await row(second)).toMatchObject({ status: '已取消', cancel_reason: '天气原因' });
  });

  test('提交 checks again who may: a draft of somebody who may not cancel changes nothing', async () => {
    const code = await approved();
    const { id } = await row(code);
    // A draft that could only come from elsewhere (e.g. made while the person was an admin).
    const now = h.clock.now();
    await h.bot.ds.getRepository(FormDraft).insert({
      platform: 'dingtalk',
      tenantKey: TENANT_KEY,
      userId: DT_OTHER,
      form: 'cancel',
      subject: JSON.stringify({ id }),
      answers: JSON.stringify({ reason: '不办了' }),
      step: 1,
      lastMessageId: null,
      dormantAt: null,
      pendingText: null,
      createdAt: now,
      updatedAt: now,
    });
    expect(await ask('提交', DT_OTHER)).toContain('您无权操作这份申请');
    expect(await row(code)).toMatchObject({ status: '已通过' });
  });
});

describe('对接 <需求编号> as a wizard', () => {
  test('an admin chooses from the numbered experts (the need’s field first) and a note; 提交 matches', async () => {
    const need = { enterprise_name: '包头稀土永磁科技有限公司', region: '包头市', industry: 'rare-earth', need_type: '技术难题', description: '烧结钕铁硼磁体的晶界扩散工艺一致性不足', contact_name: '李工', mobile: '13900139000' };
    const filed = await d.click({ action: 'need.submit', form: 'tok_need_wizard_1' }, DT_FILER, need, { chatId: 'oc_p2p_need_filer_000000000000000001' });
    const code = /XQ\d{4}-\d{4}/.exec(filed.toast.content)![0];
    for (const [i, [name, fields]] of ([['王强', ['new-energy']], ['周敏', ['rare-earth']]] as const).entries()) {
      const added = await d.click({ action: 'expert.add', form: `tok_expert_wizard_${i}` }, ADMIN_OPEN_ID, { name, organisation: '内蒙古工业大学', fields: [...fields], contact: '13700001234', open_id: '' }, { chatId: 'oc_p2p_admin_experts_0000000000001' });
      expect(added.toast.type).toBe('success');
    }
    const [{ id: zhou }] = await h.bot.ds.query("SELECT id FROM experts WHERE name = '周敏'");

    expect(await ask(`对接 ${code}`, DT_FILER)).toBe('只有科创服务中心的管理员可以对接专家。');
    let answer = await ask(`对接 ${code}`, DT_ADMIN);
    expect(answer).toContain(`【对接专家 ${code}】第 1/2 项：对接专家`);
    expect(answer).toContain('1. 周敏 · 内蒙古工业大学');
    expect(answer).toContain('2. 王强 · 内蒙古工业大学（其他领域）');
    expect(await ask('1 2', DT_ADMIN)).toContain('请回复选项前的数字（1–2）');
    expect(await ask('1', DT_ADMIN)).toContain('第 2/2 项：对接说明（选填）');
    answer = await ask('本周内电话联系', DT_ADMIN);
    expect(answer).toContain('1. 对接专家：周敏 · 内蒙古工业大学');
    answer = await ask('提交', DT_ADMIN);
    expect(answer).toContain('已对接专家');
    const [matched] = await h.bot.ds.query('SELECT status, expert_id, match_note FROM needs');
    expect(matched).toEqual({ status: '已对接', expert_id: zhou, match_note: '本周内电话联系' });
    await until('the enterprise told', () => privately(DT_FILER).some((c) => textOf(c).includes('周敏')));
  });
});

describe('wizard drafts left idle', () => {
  test(`after ${WIZARD_IDLE_MS / 3_600_000} idle hours the next message is a command again, told once that the form is kept; 继续填写 resumes`, async () => {
    expect(await ask('需求', DT_FILER)).toContain('第 1/7 项：企业名称');
    expect(await ask('包头稀土永磁科技有限公司', DT_FILER)).toContain('第 2/7 项：所在盟市');
    // Just under the limit it is still an answer.
    h.clock.advance(WIZARD_IDLE_MS - 60_000);
    expect(await ask('包头市', DT_FILER)).toContain('第 3/7 项：行业');

    h.clock.advance(WIZARD_IDLE_MS + 60_000);
    // 帮助 runs, then the one line about the kept form.
    const answer = await ask('帮助', DT_FILER, 2);
    expect(answer).toContain('使用帮助');
    expect(answer).toContain('您未填完的「企业需求登记」超过 2 小时没有填写，已为您保存');
    // Not an answer any more (the help for an unknown message), and not told again.
    const unknown = await ask('1', DT_FILER);
    expect(unknown).not.toContain('第 4/7 项');
    expect(unknown).not.toContain('已为您保存');
    const [draft] = await drafts();
    expect(draft).toMatchObject({ step: 2 });
    expect(draft.dormantAt).not.toBeNull();

    expect(await ask('继续填写', DT_FILER)).toContain('第 3/7 项：行业');
    expect(await ask('1', DT_FILER)).toContain('第 4/7 项：需求类型');
    const [woken] = await drafts();
    expect(woken.dormantAt).toBeNull();
  });

  test('the form’s own command after the idle hours resumes it, without the line about keeping it', async () => {
    await ask('需求', DT_FILER);
    await ask('包头稀土永磁科技有限公司', DT_FILER);
    h.clock.advance(WIZARD_IDLE_MS + 60_000);
    expect(await ask('需求', DT_FILER)).toContain('第 2/7 项：所在盟市');
    // The marker after it: had the line been sent, it would have come before this answer.
    expect(await ask('包头市', DT_FILER)).toContain('第 3/7 项：行业');
    await waitUntilIdle(h);
    expect(privately(DT_FILER).map(textOf).join('\n')).not.toContain('已为您保存');
  });
});

describe('a command inside a wizard', () => {
  test('runs at once where the field cannot take such text; at a free-text field the person is asked 填写 or 执行', async () => {
    const code = await filed();
    expect(await ask('需求', DT_ADMIN)).toContain('第 1/7 项：企业名称');

    // 企业名称 is free text: asked.
    let answer = await ask(`通过 ${code}`, DT_ADMIN);
    expect(answer).toContain('是要填写内容还是执行命令？');
    expect(answer).toContain(`把「通过 ${code}」填作「企业名称」`);
    expect((await row(code)).status).toBe('待审核');
    // 2: the command runs; the form stays where it was.
    expect(await ask('2', DT_ADMIN)).toContain(`已通过：${code}`);
    expect((await row(code)).status).toBe('已通过');
    expect(await ask('查看', DT_ADMIN)).toContain('第 1/7 项：企业名称');

    // 1: it is the answer.
    expect(await ask(`查询 ${code}`, DT_ADMIN)).toContain('是要填写内容还是执行命令？');
    expect(await ask('1', DT_ADMIN)).toContain('第 2/7 项：所在盟市');
    const [draft] = await drafts();
    expect(JSON.parse(draft.answers)).toEqual({ enterprise_name: `查询 ${code}` });

    // 所在盟市 is a choice: the command runs at once and the draft stays.
    answer = await ask(`查询 ${code}`, DT_ADMIN);
    expect(answer).toContain(code);
    expect(answer).not.toContain('是要填写内容还是执行命令');
    expect(await ask('继续填写', DT_ADMIN)).toContain('第 2/7 项：所在盟市');

    // Anything else after the question drops it and is taken as usual (here: an answer).
    await ask('上一步', DT_ADMIN);
    expect(await ask(`退回 ${code} 材料不全`, DT_ADMIN)).toContain('是要填写内容还是执行命令？');
    expect(await ask('包头某某公司', DT_ADMIN)).toContain('第 2/7 项：所在盟市');
    expect((await drafts())[0].pendingText).toBeNull();
  });
});
