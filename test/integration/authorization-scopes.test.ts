import { ADMIN_OPEN_ID, Harness } from '../helpers/bot-harness';
import { buttonValue, Driver, validForm, YEAR } from '../helpers/application-driver';
import { BAOTOU_CHAT, CENTRE_CHAT, CHIFENG_CHAT, goodNeed, startCentre, IN, OTHER, P2P, STAFF } from '../helpers/ledger-flow';
import { LEDGER_REFUSAL } from '../../handlers/ledger-command';
import { YEAR_END_REFUSALS } from '../../handlers/year-end-command';

/**
 * The role checks that depend on WHERE a command is sent (privately, the centre's group, a 盟市's
 * group) and on WHO resubmits a form: the places the authorization table does not try (it sends
 * each role's commands from one chat only). Each test is the refused place and the allowed one.
 */

let h: Harness;
let d: Driver;

beforeEach(async () => {
  ({ h, d } = await startCentre());
});
afterEach(async () => {
  await h.close();
});

const replyText = async (text: string, opts: Parameters<Driver['ask']>[1]) => {
  const [reply] = await d.ask(text, opts);
  return reply.msgType === 'text' ? String(reply.content.text) : JSON.stringify(reply.content);
};

it('refuses a decision command to a non-admin before looking the code up', async () => {
  expect(await replyText(`通过 SQ${YEAR}-9999`, P2P(STAFF))).toBe('只有科创服务中心的管理员可以审核申请。');
  // An admin gets past the check to the lookup.
  expect(await replyText(`通过 SQ${YEAR}-9999`, P2P(ADMIN_OPEN_ID))).toContain(`没有找到申请 SQ${YEAR}-9999`);
  // 确认通过 (approve without the stamped scan) has the same check of its own.
  expect(await replyText(`确认通过 SQ${YEAR}-9999`, P2P(STAFF))).toBe('只有科创服务中心的管理员可以审核申请。');
  expect(await replyText(`确认通过 SQ${YEAR}-9999`, P2P(ADMIN_OPEN_ID))).toContain(`没有找到申请 SQ${YEAR}-9999`);
});

it('lets an admin unbind a bound group from inside it, and refuses a non-admin there', async () => {
  expect(await replyText('解绑', IN(BAOTOU_CHAT, STAFF))).toContain('只有科创服务中心的工作人员可以解绑群聊');
  expect(await replyText('查询', IN(BAOTOU_CHAT, STAFF))).not.toContain('本群尚未绑定');
  expect(await replyText('解绑', IN(BAOTOU_CHAT, ADMIN_OPEN_ID))).toContain('已解除本群的绑定，本群不再是包头市的工作群。');
  expect(await replyText('查询', IN(BAOTOU_CHAT, STAFF))).toContain('本群尚未绑定');
});

it('shows a filed need again to its filer and admins when its form is resubmitted, and to nobody else', async () => {
  const [form] = await d.ask('需求', P2P(STAFF));
  const submit = buttonValue(form.content, '提交需求');
  const filed = await d.click(submit, STAFF, goodNeed());
  expect(filed.toast).toEqual({ type: 'success', content: `已提交，编号 XQ${YEAR}-0001` });
  const again = await d.click(submit, STAFF, goodNeed());
  expect(again.toast.content).toBe(`这份需求已经提交，编号 XQ${YEAR}-0001。`);
  const byAdmin = await d.click(submit, ADMIN_OPEN_ID, goodNeed());
  expect(byAdmin.toast.content).toBe(`这份需求已经提交，编号 XQ${YEAR}-0001。`);
  const byOther = await d.click(submit, OTHER, goodNeed({ enterprise_name: '别人的企业' }));
  expect(byOther.toast).toEqual({ type: 'error', content: '这张需求表已由他人提交，您无权查看。如需提交企业需求，请发送「需求」获取新的需求表。' });
  expect(byOther.card).toBeUndefined();
  const [{ n }] = await h.bot.ds.query('SELECT COUNT(*) AS n FROM needs');
  expect(Number(n)).toBe(1);
});

it('shows 报送进度 to anyone in the centre group, and not to a non-admin privately', async () => {
  const refusal = '报送进度只在中心工作群或管理员私聊中查看。';
  expect(await replyText('报送进度', P2P(STAFF))).toBe(refusal);
  expect(await replyText('报送进度', IN(CENTRE_CHAT, STAFF))).not.toBe(refusal);
  expect(await replyText('报送进度', P2P(ADMIN_OPEN_ID))).not.toBe(refusal);
  expect(await replyText('报送进度', IN(BAOTOU_CHAT, ADMIN_OPEN_ID))).toBe(refusal);
});

it('gives the 台账 to an admin privately or in the centre group only', async () => {
  expect(await replyText('台账', P2P(STAFF))).toBe(LEDGER_REFUSAL);
  expect(await replyText('台账', IN(BAOTOU_CHAT, ADMIN_OPEN_ID))).toBe(LEDGER_REFUSAL);
  expect(await replyText('台账', IN(CENTRE_CHAT, ADMIN_OPEN_ID))).not.toBe(LEDGER_REFUSAL);
  expect(await replyText('台账', P2P(ADMIN_OPEN_ID))).not.toBe(LEDGER_REFUSAL);
});

it('gives a 盟市’s 年度数据 in its group, to an admin privately or in the centre group, and nowhere else', async () => {
  const refused = YEAR_END_REFUSALS.region('包头市');
  expect(await replyText('年度数据 包头市', P2P(STAFF))).toBe(refused);
  expect(await replyText('年度数据 包头市', IN(CHIFENG_CHAT, ADMIN_OPEN_ID))).toBe(refused);
  expect(await replyText('年度数据 包头市', IN(CENTRE_CHAT, STAFF))).toBe(refused);
  expect(await replyText('年度数据 包头市', IN(CENTRE_CHAT, ADMIN_OPEN_ID))).not.toBe(refused);
});

it('gives 年度数据 全区 to an admin privately or in the centre group only', async () => {
  const refused = YEAR_END_REFUSALS.all;
  expect(await replyText('年度数据 全区', P2P(STAFF))).toBe(refused);
  expect(await replyText('年度数据 全区', IN(CENTRE_CHAT, STAFF))).toBe(refused);
  expect(await replyText('年度数据 全区', IN(BAOTOU_CHAT, ADMIN_OPEN_ID))).toBe(refused);
  expect(await replyText('年度数据 全区', IN(CENTRE_CHAT, ADMIN_OPEN_ID))).not.toBe(refused);
  expect(await replyText('年度数据 全区', P2P(ADMIN_OPEN_ID))).not.toBe(refused);
});

it('answers an application form submitted again by its filer or an admin, and refuses anybody else', async () => {
  const submit = await d.openForm(STAFF);
  const filed = await d.click(submit, STAFF, validForm(), { chatId: `oc_p2p_${STAFF}` });
  expect(filed.toast.type).toBe('success');
  const again = await d.click(submit, STAFF, validForm(), { chatId: `oc_p2p_${STAFF}` });
  expect(again.toast.content).toBe(`这份申请表已经提交，编号 SQ${YEAR}-0001。`);
  const byAdmin = await d.click(submit, ADMIN_OPEN_ID, validForm(), { chatId: `oc_p2p_${ADMIN_OPEN_ID}` });
  expect(byAdmin.toast.content).toBe(`这份申请表已经提交，编号 SQ${YEAR}-0001。`);
  const byOther = await d.click(submit, OTHER, validForm({ org_name: '别人的单位' }), { chatId: `oc_p2p_${OTHER}` });
  expect(byOther.toast).toEqual({ type: 'error', content: '您无权操作这份申请：只有申请人本人或中心管理员可以操作。' });
  expect(byOther.card).toBeUndefined();
  const [{ n }] = await h.bot.ds.query('SELECT COUNT(*) AS n FROM applications');
  expect(Number(n)).toBe(1);
});

it('refuses one need form submitted by two people at once to the one who did not file it', async () => {
  const [form] = await d.ask('需求', P2P(STAFF));
  const submit = buttonValue(form.content, '提交需求');
  // Both clicks are in flight together, so both may pass the first lookup of the form's token:
  // the loser is then refused after the insert found the filed need.
  const [mine, theirs] = await Promise.all([d.click(submit, STAFF, goodNeed()), d.click(submit, OTHER, goodNeed({ enterprise_name: '别人的企业' }))]);
  const [winner] = (await h.bot.ds.query('SELECT filer_open_id AS filer FROM needs')) as Array<{ filer: string }>;
  const [won, lost] = winner.filer === STAFF ? [mine, theirs] : [theirs, mine];
  expect(won.toast).toEqual({ type: 'success', content: `已提交，编号 XQ${YEAR}-0001` });
  expect(lost.toast).toEqual({ type: 'error', content: '这张需求表已由他人提交，您无权查看。如需提交企业需求，请发送「需求」获取新的需求表。' });
  expect(lost.card).toBeUndefined();
  const [{ n }] = await h.bot.ds.query('SELECT COUNT(*) AS n FROM needs');
  expect(Number(n)).toBe(1);
});

it('tells a group whose binding names no known 盟市 to have it bound again, and lists nothing there', async () => {
  const broken = 'oc_broken_binding_000000000000001';
  await h.bot.ds.query(
    "INSERT INTO chat_bindings (tenant_key, chat_id, scope, bound_by, created_at, updated_at) SELECT tenant_key, ?, '不存在市', bound_by, created_at, updated_at FROM chat_bindings LIMIT 1",
    [broken],
  );
  const refusal = '本群的绑定无效，请中心管理员重新绑定。';
  expect(await replyText('查询', IN(broken, ADMIN_OPEN_ID))).toBe(refusal);
  expect(await replyText('需求列表', IN(broken, ADMIN_OPEN_ID))).toBe(refusal);
});

it('shows a draft by its code to its filer privately only (drafts get no code; a row that has one is guarded all the same)', async () => {
  await h.bot.ds.query(
    `INSERT INTO applications (tenant_key, filer_open_id, status, version, created_at, updated_at, code_year, code_seq, region, org_name)
     SELECT tenant_key, ?, '草稿', 1, 0, 0, ?, 77, '包头市', '草稿单位' FROM chat_bindings LIMIT 1`,
    [STAFF, YEAR],
  );
  const code = `SQ${YEAR}-0077`;
  const notFound = `没有找到您可以查看的申请 ${code}。请核对编号，或发送「查询」查看列表。`;
  expect(await replyText(`查询 ${code}`, P2P(STAFF))).toContain('草稿单位');
  expect(await replyText(`查询 ${code}`, IN(BAOTOU_CHAT, STAFF))).toBe(notFound);
  expect(await replyText(`查询 ${code}`, P2P(OTHER))).toBe(notFound);
  expect(await replyText(`查询 ${code}`, P2P(ADMIN_OPEN_ID))).toBe(notFound);
  expect(await replyText(`查询 ${code}`, IN(CENTRE_CHAT, ADMIN_OPEN_ID))).toBe(notFound);
});

it('answers its filer, not refuses, when one need form is submitted twice at once by the same person', async () => {
  const [form] = await d.ask('需求', P2P(STAFF));
  const submit = buttonValue(form.content, '提交需求');
  const answers = await Promise.all([d.click(submit, STAFF, goodNeed()), d.click(submit, STAFF, goodNeed())]);
  expect(answers.map((a) => a.toast.type)).not.toContain('error');
  expect(answers.map((a) => a.toast.content).join()).toContain(`XQ${YEAR}-0001`);
  const [{ n }] = await h.bot.ds.query('SELECT COUNT(*) AS n FROM needs');
  expect(Number(n)).toBe(1);
});
