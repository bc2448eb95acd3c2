import { FAST_RETRIES, Harness, startHarness } from '../helpers/bot-harness';
import { FakeDingTalk, UpFrame, dingtalkEnv, FAST_STREAM } from '../helpers/fake-dingtalk';
import { GROUP_ID, ROBOT_CODE, robotMessage } from '../helpers/dingtalk-messages';
import { waitUntilIdle } from '../helpers/idle';
import { BATCH, GROUP_SEND, privateTo, say, textOf, until } from '../helpers/dingtalk-chat';
import { TestClock } from '../helpers/test-clock';
import { Application } from '../../src/db/entities/application.entity';
import { DingTalkFormCard } from '../../src/db/entities/dingtalk-form-card.entity';
import { Need } from '../../src/db/entities/need.entity';
import { mobileError } from '../../src/domain/contact';

/**
 * Forms as DingTalk form-variable cards (issue 12 item 6, DINGTALK_FORM_TEMPLATE_ID): the form
 * command sends ONE card (createAndDeliver to the private chat), its Stream callback goes
 * through the same submit path as the Feishu form and the wizard, and the ack carries the card
 * update. Asserted on what the fake DingTalk received and on the database.
 */

const ADMIN = 'admin0001';
const FILER = '042000297';
const OTHER = '042000298';
const TEMPLATE = 'form-card-test-template.schema';
const CREATE = '/v1.0/card/instances/createAndDeliver';

let dt: FakeDingTalk;
let h: Harness | undefined;

const env = (template: string | undefined = TEMPLATE) =>
  dingtalkEnv(dt, { mode: 'stream', admins: ADMIN, withoutFeishu: 'and-admins', extra: { DINGTALK_FORM_TEMPLATE_ID: template } });

async function start(template?: string | undefined): Promise<Harness> {
  h = await startHarness({ env: env(template), clock: new TestClock('2027-05-20T09:00:00+08:00'), bot: { ...FAST_RETRIES, dingtalkStream: FAST_STREAM } });
  await until('the stream connection', () => dt.openSockets().length === 1);
  return h;
}

beforeEach(async () => {
  dt = await new FakeDingTalk().start();
});

afterEach(async () => {
  await h?.close();
  h = undefined;
  await dt.stop();
});

/** Sends a form command privately and waits for the card it sends; returns the card's outTrackId and parameters. */
async function requestCard(staffId: string, text: string): Promise<{ outTrackId: string; params: Record<string, string>; fields: any[] }> {
  const before = dt.callsTo(CREATE).length;
  await dt.pushRobotMessage(robotText(staffId, text));
  await until(`the form card for 「${text}」`, () => dt.callsTo(CREATE).length > before);
  const call = dt.callsTo(CREATE).at(-1)!;
  const params = call.body.cardData.cardParamMap;
  return { outTrackId: call.body.outTrackId, params, fields: JSON.parse(params.form).fields };
}

function robotText(staffId: string, text: string) {
  return robotMessage({ text, staffId });
}

/** The card update an ack carries (its data is {"response": …}). */
function updateOf(ack: UpFrame): Record<string, string> {
  expect(ack.code).toBe(200);
  return JSON.parse(ack.data).response.userPrivateData.cardParamMap;
}

const byName = (fields: any[], name: string) => fields.find((f) => f.name === name);
const pick = (fields: any[], name: string, i: number) => ({ index: i, value: byName(fields, name).options[i].value });

/** A valid application as the card submits it (a select as {index, value}, several as {index:[…], value:[…]}). */
function applicationValues(fields: any[], mobile: string): Record<string, unknown> {
  const topics = byName(fields, 'topics').options;
  return {
    kind: pick(fields, 'kind', 0),
    org_name: '包头市某某科技有限公司',
    region: pick(fields, 'region', 1),
    venue: '包头稀土高新区科技园报告厅',
    start_date: '2027-06-10',
    end_date: '2027-06-11',
    headcount: '100',
    core_count: '85',
    enterprise_count: '20',
    key_industry_count: '15',
    audience: '园区企业研发负责人、工程师',
    needs: '稀土材料提纯工艺改进',
    topics: { index: [0, 8], value: [topics[0].value, topics[8].value] },
    contact_name: '张敏',
    mobile,
    email: 'zhangmin@example.com',
  };
}

describe('申请 as a DingTalk form card', () => {
  test('one card to the private chat; a wrong mobile keeps the values and says why; corrected, it is filed and reviewed', async () => {
    await start();
    expect(await say(dt, ADMIN, '绑定 中心', { group: GROUP_ID })).toContain('科创服务中心工作群');

    const card = await requestCard(FILER, '申请');
    const call = dt.callsTo(CREATE).at(-1)!;
    expect(call.body).toMatchObject({ cardTemplateId: TEMPLATE, callbackType: 'STREAM', openSpaceId: `dtv1.card//IM_ROBOT.${FILER}`, imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: ROBOT_CODE } });
    expect(call.token).toMatch(/^tok_/);
    // The form described in src/forms: same labels and hints, options, required flags.
    expect(card.params).toMatchObject({ title: '活动申请表', form_status: 'normal', form_btn_text: '提交', error: '' });
    expect(card.params.intro).toContain('最早可选 2027-05-30 开始');
    expect(card.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['kind', 'org_name', 'region', 'start_date', 'topics', 'mobile', 'remarks']));
    expect(byName(card.fields, 'kind')).toMatchObject({ type: 'SELECT', label: '活动类别', required: true, defaultValue: { index: 0 } });
    expect(byName(card.fields, 'region').options[1]).toEqual({ value: '包头市', text: '包头市' });
    expect(byName(card.fields, 'start_date')).toMatchObject({ type: 'DATE', placeholder: '请选择开始日期' });
    expect(byName(card.fields, 'audience').type).toBe('TEXT_AREA');
    expect(byName(card.fields, 'topics').type).toBe('MULTI_SELECT');
    expect(byName(card.fields, 'mobile')).toMatchObject({ type: 'TEXT', placeholder: '11 位手机号码', required: true });
    expect(byName(card.fields, 'remarks').required).toBe(false);
    expect(byName(card.fields, 'core_count').required).toBe(false); // 对外交流 may leave it empty: the server decides
    // No wizard was started, no text form went out.
    expect(privateTo(dt, FILER)).toHaveLength(0);

    // A wrong mobile: the Feishu form's own message, everything typed kept in the form.
    let update = updateOf(await dt.pushCardCallback({ outTrackId: card.outTrackId, userId: FILER, form: applicationValues(card.fields, '1380013800') }));
    expect(update.form_status).toBe('normal');
    expect(update.error).toContain(`手机号码：${mobileError('1380013800')}`);
    const kept = JSON.parse(update.form).fields;
    expect(byName(kept, 'mobile').defaultValue).toBe('1380013800');
    expect(byName(kept, 'org_name').defaultValue).toBe('包头市某某科技有限公司');
    expect(byName(kept, 'region').defaultValue).toEqual({ index: 1, value: '包头市' });
    expect(byName(kept, 'topics').defaultValue.index).toEqual([0, 8]);
    expect(await h!.bot.ds.getRepository(Application).countBy({ status: '待审核' })).toBe(0);

    // Corrected: filed, locked, confirmed by message; the review card reaches the centre.
    const groupBefore = dt.callsTo(GROUP_SEND).length;
    const submit = await dt.pushCardCallback({ outTrackId: card.outTrackId, userId: FILER, form: applicationValues(card.fields, '138 0013 8000') }, 'card_submit_ok');
    update = updateOf(submit);
    expect(update).toMatchObject({ form_status: 'disabled', form_btn_text: '已提交', error: '' });
    expect(update.status).toContain('SQ2027-0001');
    await until('the review card', () => dt.callsTo(GROUP_SEND).length > groupBefore);
    const review = dt.callsTo(GROUP_SEND).slice(groupBefore).map((c) => textOf(c.msgParam)).join('\n');
    expect(review).toContain('SQ2027-0001');
    expect(review).toContain('包头市某某科技有限公司');
    await until('the confirmation', () => privateTo(dt, FILER).length > 0);
    expect(privateTo(dt, FILER).map((c) => textOf(c.msgParam)).join('\n')).toContain('SQ2027-0001');
    const apps = await h!.bot.ds.getRepository(Application).findBy({ status: '待审核' });
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ filerOpenId: FILER, mobile: '13800138000', region: '包头市', startDate: '2027-06-10', endDate: '2027-06-11' });

    // The same frame again, and a second submit after success: the same answer, nothing new.
    const sentBefore = dt.calls.length;
    const replay = await dt.push({ type: 'CALLBACK', headers: { messageId: 'card_submit_ok', topic: '/v1.0/card/instances/callback', contentType: 'application/json' }, data: JSON.stringify({ outTrackId: card.outTrackId, userId: FILER, content: JSON.stringify({ cardPrivateData: { params: { form: applicationValues(card.fields, '13800138000') } } }) }) });
    expect(updateOf(replay)).toEqual(update);
    const again = await dt.pushCardCallback({ outTrackId: card.outTrackId, userId: FILER, form: applicationValues(card.fields, '13900139000') });
    expect(updateOf(again)).toEqual(update);
    await waitUntilIdle(h!);
    expect(dt.calls.length).toBe(sentBefore);
    expect(await h!.bot.ds.getRepository(Application).count()).toBe(1);
    expect((await h!.bot.ds.getRepository(Application).findOneByOrFail({ id: apps[0].id })).mobile).toBe('13800138000');
  });

  test('someone else submitting the card is refused and nothing is stored', async () => {
    await start();
    const card = await requestCard(FILER, '申请');
    const update = updateOf(await dt.pushCardCallback({ outTrackId: card.outTrackId, userId: OTHER, form: applicationValues(card.fields, '13800138000') }));
    expect(update.error).toContain('只有收到它的人才能提交');
    expect(update.form).toBeUndefined();
    expect(await h!.bot.ds.getRepository(Application).count()).toBe(0);
    expect(await h!.bot.ds.getRepository(DingTalkFormCard).findOneByOrFail({ outTrackId: card.outTrackId })).toMatchObject({ status: 'sent', lastResponse: null });
    // An unknown card is refused too.
    expect(updateOf(await dt.pushCardCallback({ outTrackId: 'no-such-card', userId: FILER, form: {} })).error).toContain('已失效');
    // The person it was sent to still can.
    expect(updateOf(await dt.pushCardCallback({ outTrackId: card.outTrackId, userId: FILER, form: applicationValues(card.fields, '13800138000') })).form_status).toBe('disabled');
    expect(await h!.bot.ds.getRepository(Application).countBy({ filerOpenId: FILER })).toBe(1);
  });

  test('a redelivered 申请 message sends no second card (the same outTrackId)', async () => {
    await start();
    const message = robotText(FILER, '申请');
    await dt.pushRobotMessage(message);
    await until('the card', () => dt.callsTo(CREATE).length === 1);
    await dt.pushRobotMessage(message);
    await waitUntilIdle(h!);
    expect(dt.callsTo(CREATE)).toHaveLength(1);
    expect(await h!.bot.ds.getRepository(DingTalkFormCard).count()).toBe(1);
  });
});

describe('修改 and 专家 添加 as DingTalk form cards', () => {
  test('修改 <编号> after 退回: the card comes with what was filed; a changed field is resubmitted', async () => {
    await start();
    await say(dt, ADMIN, '绑定 中心', { group: GROUP_ID });
    const first = await requestCard(FILER, '申请');
    expect(updateOf(await dt.pushCardCallback({ outTrackId: first.outTrackId, userId: FILER, form: applicationValues(first.fields, '13800138000') })).form_status).toBe('disabled');
    expect(await say(dt, ADMIN, '退回 SQ2027-0001 请写明具体的报告厅')).toContain('SQ2027-0001');
    await until('the filer’s notice', () => privateTo(dt, FILER).some((c) => textOf(c.msgParam).includes('退回')));

    // Somebody else may not change it: the command's refusal, no card.
    const cardsBefore = dt.callsTo(CREATE).length;
    await say(dt, OTHER, '修改 SQ2027-0001');
    expect(dt.callsTo(CREATE)).toHaveLength(cardsBefore);

    const edit = await requestCard(FILER, '修改 SQ2027-0001');
    expect(edit.outTrackId).not.toBe(first.outTrackId);
    expect(edit.params.title).toBe('修改申请 SQ2027-0001');
    expect(byName(edit.fields, 'venue').defaultValue).toBe('包头稀土高新区科技园报告厅');
    expect(byName(edit.fields, 'start_date').defaultValue).toBe('2027-06-10');
    expect(byName(edit.fields, 'region').defaultValue).toEqual({ index: 1, value: '包头市' });
    expect(byName(edit.fields, 'mobile').defaultValue).toBe('13800138000');

    const groupBefore = dt.callsTo(GROUP_SEND).length;
    const changed = { ...applicationValues(edit.fields, '13800138000'), venue: '包头稀土高新区科技园 2 号报告厅' };
    const update = updateOf(await dt.pushCardCallback({ outTrackId: edit.outTrackId, userId: FILER, form: changed }));
    expect(update.form_status).toBe('disabled');
    await until('the new review card', () => dt.callsTo(GROUP_SEND).length > groupBefore);
    const [app] = await h!.bot.ds.getRepository(Application).find();
    expect(app).toMatchObject({ status: '待审核', venue: '包头稀土高新区科技园 2 号报告厅', codeSeq: 1 });
    // The first card is spent: submitting it again changes nothing.
    const again = updateOf(await dt.pushCardCallback({ outTrackId: first.outTrackId, userId: FILER, form: applicationValues(first.fields, '13900139000') }));
    expect(again.form_btn_text).toBe('已提交');
    expect((await h!.bot.ds.getRepository(Application).findOneByOrFail({ id: app.id })).venue).toBe('包头稀土高新区科技园 2 号报告厅');
  });

  test('专家 添加 is an admin’s: others get no card; the admin’s card adds the expert', async () => {
    await start();
    expect(await say(dt, FILER, '专家 添加')).toContain('只有科创服务中心的管理员');
    expect(dt.callsTo(CREATE)).toHaveLength(0);
    const card = await requestCard(ADMIN, '专家 添加');
    expect(card.params.title).toBe('添加专家');
    const fields = byName(card.fields, 'fields');
    expect(fields.type).toBe('MULTI_SELECT');
    const form = { name: '周敏', organisation: '内蒙古工业大学', fields: { index: [0, 2], value: [fields.options[0].value, fields.options[2].value] }, contact: '13700001234' };
    expect(updateOf(await dt.pushCardCallback({ outTrackId: card.outTrackId, userId: ADMIN, form })).form_status).toBe('disabled');
    const [expert] = await h!.bot.ds.query('SELECT name, organisation, contact FROM experts');
    expect(expert).toEqual({ name: '周敏', organisation: '内蒙古工业大学', contact: '13700001234' });
  });
});

describe('需求 as a DingTalk form card', () => {
  test('filed with the centre told', async () => {
    await start();
    await say(dt, ADMIN, '绑定 中心', { group: GROUP_ID });
    const card = await requestCard(FILER, '需求');
    expect(card.params.title).toBe('企业需求登记');
    const values = {
      enterprise_name: '包头稀土永磁科技有限公司',
      region: { index: 1, value: byName(card.fields, 'region').options[1].value },
      industry: pick(card.fields, 'industry', 0),
      need_type: pick(card.fields, 'need_type', 0),
      description: '太短',
      contact_name: '李工',
      mobile: '13900139000',
    };
    let update = updateOf(await dt.pushCardCallback({ outTrackId: card.outTrackId, userId: FILER, form: values }));
    expect(update.error).toContain('需求描述太简短');
    expect(byName(JSON.parse(update.form).fields, 'contact_name').defaultValue).toBe('李工');
    const groupBefore = dt.callsTo(GROUP_SEND).length;
    update = updateOf(await dt.pushCardCallback({ outTrackId: card.outTrackId, userId: FILER, form: { ...values, description: '烧结钕铁硼磁体的晶界扩散工艺一致性不足，希望专家指导' } }));
    expect(update.form_status).toBe('disabled');
    await until('the centre card', () => dt.callsTo(GROUP_SEND).length > groupBefore);
    expect(textOf(dt.callsTo(GROUP_SEND).at(-1)!.msgParam)).toContain('新的企业需求');
    expect(await h!.bot.ds.getRepository(Need).count()).toBe(1);
  });
});

describe('sending the card', () => {
  test('DingTalk in trouble: retried with the same outTrackId, one card, no wizard', async () => {
    dt.failCards = 2;
    await start();
    await dt.pushRobotMessage(robotText(FILER, '申请'));
    await until('the card after two failures', () => dt.cards.size === 1, 15_000);
    const calls = dt.callsTo(CREATE);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.body.outTrackId)).size).toBe(1);
    await waitUntilIdle(h!);
    expect(privateTo(dt, FILER)).toHaveLength(0);
    expect(await h!.bot.ds.getRepository(DingTalkFormCard).findOneByOrFail({})).toMatchObject({ status: 'sent' });
  });

  test('still in trouble after three tries: the wizard takes over', async () => {
    dt.failCards = 3;
    await start();
    await dt.pushRobotMessage(robotText(FILER, '申请'));
    await until('the wizard', () => privateTo(dt, FILER).length >= 2, 15_000);
    expect(dt.callsTo(CREATE)).toHaveLength(3);
    const text = privateTo(dt, FILER).map((c) => textOf(c.msgParam)).join('\n');
    expect(text).toContain('表单卡片未能发送（暂时无法连接钉钉）');
    expect(text).toContain('第 1/17 项：活动类别');
  });
});

describe('when the card cannot be used', () => {
  test('no access to the template: the wizard takes over and says why', async () => {
    dt.cardTemplates.clear();
    await start();
    const before = privateTo(dt, FILER).length;
    await dt.pushRobotMessage(robotText(FILER, '申请'));
    await until('the wizard', () => privateTo(dt, FILER).length >= before + 2);
    const text = privateTo(dt, FILER).slice(before).map((c) => textOf(c.msgParam)).join('\n');
    expect(text).toContain('表单卡片未能发送（机器人没有发送表单卡片的权限）');
    expect(text).toContain('第 1/17 项：活动类别');
    expect(await h!.bot.ds.getRepository(DingTalkFormCard).findOneByOrFail({})).toMatchObject({ status: 'fallback' });
    // The wizard goes on as usual.
    expect(await say(dt, FILER, '1')).toContain('第 2/17 项：申请单位名称');
  });

  test('without DINGTALK_FORM_TEMPLATE_ID, 申请 is the wizard exactly as before', async () => {
    await start('');
    expect(await say(dt, FILER, '申请')).toContain('第 1/17 项：活动类别');
    expect(dt.callsTo(CREATE)).toHaveLength(0);
    expect(dt.gatewayOpens.at(-1).subscriptions).toEqual([{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }]);
  });

  test('with it, the Stream connection subscribes the card callbacks too', async () => {
    await start();
    expect(dt.gatewayOpens.at(-1).subscriptions).toContainEqual({ type: 'CALLBACK', topic: '/v1.0/card/instances/callback' });
    expect(dt.callsTo(BATCH)).toHaveLength(0);
  });
});
