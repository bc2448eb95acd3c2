import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { waitUntilIdle } from '../helpers/idle';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, nodesOf, validForm, YEAR } from '../helpers/application-driver';
import { messageEvent, TENANT_KEY } from '../helpers/events';
import { BAOTOU_CHAT, bindCentreGroups, CENTRE_CHAT, CHIFENG_CHAT } from '../helpers/ledger-flow';

/**
 * The application flow as people use it, through the HTTP surface on the fake Open API:
 * filing, checks, review by the centre, the filer's changes, the stamped scan, and 查询.
 */

const SECOND_ADMIN = 'ou_admin_0000000000000000000000002';
const FILER = 'ou_filer_baotou_00000000000000000001';
const OTHER_FILER = 'ou_filer_chifeng_0000000000000000001';
const STRANGER = 'ou_stranger_000000000000000000000001';

let h: Harness;
let d: Driver;
/** The cards the filer got privately (the pre-filled 申请表 also comes, as a text and a file). */
const cardsToFiler = () => d.toUser(FILER).filter((m) => m.msgType === 'interactive');

async function start(env: Record<string, string> = {}) {
  h = await startHarness({ env: { ADMIN_OPEN_IDS: `${ADMIN_OPEN_ID},${SECOND_ADMIN}`, CAMPAIGN_YEAR: String(YEAR), ...env } });
  d = new Driver(h);
}

/** The review cards that reached the centre's group. */
const reviewCardsInCentre = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive');

afterEach(async () => {
  await h.close();
});

describe('filing', () => {
  beforeEach(async () => {
    await start();
    await d.bind(CENTRE_CHAT, '中心');
  });

  it('opens the form with every contract field, files a valid application, and sends the review card to the centre', async () => {
    const [reply] = await d.ask('申请', { senderOpenId: FILER, chatId: 'oc_p2p_filer' });
    const names = nodesOf(reply.content).filter((n) => n.name).map((n) => n.name);
    for (const field of ['org_name', 'region', 'venue', 'start_date', 'end_date', 'headcount', 'core_count', 'enterprise_count', 'key_industry_count', 'audience', 'needs', 'topics', 'contact_name', 'mobile', 'email', 'remarks']) {
      expect(names).toContain(field);
    }
    const submitButton = nodesOf(reply.content).find((n) => n.tag === 'button' && n.form_action_type === 'submit');
    expect(submitButton).toBeDefined();

    const answer = await d.click(buttonValue(reply.content, '提交申请'), FILER, validForm(), { chatId: 'oc_p2p_filer', messageId: reply.messageId });
    expect(answer.toast).toEqual({ type: 'success', content: `已提交，编号 SQ${YEAR}-0001` });
    const confirmation = visibleText(answer.card.data);
    expect(confirmation).toContain(`SQ${YEAR}-0001`);
    expect(confirmation).toContain('待审核');
    expect(confirmation).toContain('包头市科学技术协会');
    expect(hasButton(answer.card.data, '修改')).toBe(true);
    expect(hasButton(answer.card.data, '撤回')).toBe(true);

    await h.fake.waitFor(() => reviewCardsInCentre().length === 1, 'the review card in the centre group');
    const review = reviewCardsInCentre()[0].content;
    expect(visibleText(review)).toContain(`SQ${YEAR}-0001`);
    expect(visibleText(review)).toContain('尚未收到');
    for (const text of ['通过', '退回修改', '不予受理']) expect(hasButton(review, text)).toBe(true);
    expect(nodesOf(review).some((n) => n.tag === 'input' && n.name === 'reason')).toBe(true);

    const app = await h.bot.ds.query('SELECT status, code_year, code_seq FROM applications');
    expect(app).toEqual([{ status: '待审核', code_year: YEAR, code_seq: 1 }]);
    const audit = await h.bot.ds.query('SELECT action, from_status, to_status, actor_open_id FROM application_events');
    expect(audit).toEqual([{ action: 'submit', from_status: '草稿', to_status: '待审核', actor_open_id: FILER }]);
  });

  it('returns a bad form with every typed value kept and each reason next to its field, and keeps it as a draft', async () => {
    const submit = await d.openForm(FILER);
    const bad = validForm({ start_date: `${YEAR}-02-20 +0800`, core_count: '50', mobile: '1234', email: 'not-an-email', org_name: '包头**科协**' });
    const answer = await d.click(submit, FILER, bad);
    expect(answer.toast).toEqual({ type: 'warning', content: '有 5 项需要修改，请查看表单中的红色提示' });
    const card = answer.card.data;
    const nodes = nodesOf(card);
    // Every value as typed.
    expect(nodes.find((n) => n.name === 'org_name').default_value).toBe('包头**科协**');
    expect(nodes.find((n) => n.name === 'mobile').default_value).toBe('1234');
    expect(nodes.find((n) => n.name === 'start_date').initial_date).toBe(`${YEAR}-02-20`);
    expect(nodes.find((n) => n.name === 'region').initial_option).toBe('包头市');
    expect(nodes.find((n) => n.name === 'topics').selected_values).toEqual(['lecture-4', 'exchange-1']);
    // Each reason right under its field.
    const form = nodes.find((n) => n.tag === 'form');
    const after = (name: string) => {
      const i = form.elements.findIndex((e: any) => e.name === name);
      return visibleText(form.elements.slice(i + 1, i + 3));
    };
    expect(after('start_date')).toContain(`活动需在 ${YEAR} 年 3 月 1 日至 11 月 30 日之间举办`);
    expect(after('end_date')).toContain('活动时长为 1–3 天');
    expect(after('core_count')).toContain('80% 以上（当前 50%）');
    expect(after('mobile')).toContain('11 位手机号码');
    expect(after('email')).toContain('邮箱格式不正确');
    expect(after('org_name')).not.toContain('⚠');

    // Nothing was submitted; the draft is there to resume from 查询.
    expect(await h.bot.ds.query('SELECT status, org_name FROM applications')).toEqual([{ status: '草稿', org_name: '包头**科协**' }]);
    expect(reviewCardsInCentre()).toHaveLength(0);
    const [list] = await d.ask('查询', { senderOpenId: FILER });
    expect(visibleText(list.content)).toContain('草稿（未提交）');
    const resumed = await d.click(buttonValue(list.content, '继续填写：包头**科协**'), FILER);
    expect(nodesOf(resumed.card.data).find((n) => n.name === 'mobile').default_value).toBe('1234');

    // Fixed and submitted from the returned card: the same application, now with a code.
    const fixed = await d.click(buttonValue(card, '提交申请'), FILER, validForm());
    expect(fixed.toast.content).toBe(`已提交，编号 SQ${YEAR}-0001`);
    expect(await h.bot.ds.query('SELECT status FROM applications')).toEqual([{ status: '待审核' }]);
  });

  it('gives two filers submitting at once two codes in sequence', async () => {
    const [a, b] = await Promise.all([d.openForm(FILER), d.openForm(OTHER_FILER)]);
    const answers = await Promise.all([d.click(a, FILER, validForm()), d.click(b, OTHER_FILER, validForm({ region: '赤峰市' }))]);
    const codes = answers.map((x) => x.toast.content.replace('已提交，编号 ', '')).sort();
    expect(codes).toEqual([`SQ${YEAR}-0001`, `SQ${YEAR}-0002`]);
  });

  it('opens the form privately when 申请 is sent in a group', async () => {
    const replies = await d.ask('申请', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: FILER });
    expect(replies[0].content.text).toContain('申请表已私聊发给您');
    await h.fake.waitFor(() => cardsToFiler().length === 1, 'the private form');
    expect(hasButton(cardsToFiler()[0].content, '提交申请')).toBe(true);
  });
});

describe('review', () => {
  beforeEach(async () => {
    await start();
    await d.bind(CENTRE_CHAT, '中心');
    await d.file(FILER);
    await h.fake.waitFor(() => reviewCardsInCentre().length === 1, 'the review card');
  });

  const decide = (decision: string, operator: string, reason = '') =>
    d.click({ ...buttonValue(reviewCardsInCentre()[0].content, decision === 'approve' ? '通过' : decision === 'return' ? '退回修改' : '不予受理') }, operator, { reason }, { chatId: CENTRE_CHAT, messageId: reviewCardsInCentre()[0].messageId });

  it('refuses a non-admin, and nothing changes', async () => {
    const answer = await decide('approve', STRANGER);
    expect(answer.toast).toEqual({ type: 'error', content: '只有科创服务中心的管理员可以审核申请。' });
    expect(answer.card).toBeUndefined();
    expect(await h.bot.ds.query('SELECT status FROM applications')).toEqual([{ status: '待审核' }]);
    expect(await h.bot.ds.query("SELECT count(*) AS n FROM application_events WHERE action = 'approve'")).toEqual([{ n: 0 }]);
  });

  it('approves: the card shows the decision and who made it, the filer is told privately', async () => {
    const answer = await decide('approve', ADMIN_OPEN_ID);
    expect(answer.toast).toEqual({ type: 'success', content: `已通过：SQ${YEAR}-0001` });
    expect(visibleText(answer.card.data)).toContain(`<at id=${ADMIN_OPEN_ID}></at>`);
    expect(hasButton(answer.card.data, '通过')).toBe(false);
    await h.fake.waitFor(() => cardsToFiler().length === 1, 'the filer’s notice');
    expect(visibleText(cardsToFiler()[0].content)).toContain('您的申请已通过审核');
    expect(await h.bot.ds.query("SELECT actor_open_id FROM application_events WHERE action = 'approve'")).toEqual([{ actor_open_id: ADMIN_OPEN_ID }]);
  });

  it('requires a reason to return or reject, keeping what was typed', async () => {
    const noReason = await decide('return', ADMIN_OPEN_ID, '   ');
    expect(noReason.toast).toEqual({ type: 'warning', content: '请填写退回修改的原因' });
    expect(hasButton(noReason.card.data, '退回修改')).toBe(true);
    expect(await h.bot.ds.query('SELECT status FROM applications')).toEqual([{ status: '待审核' }]);

    const returned = await decide('return', ADMIN_OPEN_ID, '请补充企业名单');
    expect(returned.toast.content).toBe(`已退回修改：SQ${YEAR}-0001`);
    await h.fake.waitFor(() => cardsToFiler().length === 1, 'the filer’s notice');
    const notice = visibleText(cardsToFiler()[0].content);
    expect(notice).toContain('退回修改');
    expect(notice).toContain('请补充企业名单');
    expect(hasButton(cardsToFiler()[0].content, '修改')).toBe(true);
  });

  it('makes one decision when two admins click at once, and tells the later one who decided', async () => {
    const answers = await Promise.all([decide('approve', ADMIN_OPEN_ID), decide('reject', SECOND_ADMIN, '不符合要求')]);
    const won = answers.filter((a) => a.toast.type === 'success');
    const lost = answers.filter((a) => a.toast.type === 'warning');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].toast.content).toMatch(/^该申请已由另一位管理员处理（(已通过|未通过)），无需再审核。$/);
    const [row] = await h.bot.ds.query('SELECT status, decided_by FROM applications');
    expect(['已通过', '未通过']).toContain(row.status);
    // The later clicker's card shows the decision that stands.
    expect(visibleText(lost[0].card.data)).toContain(`<at id=${row.decided_by}></at>`);
    const decisions = await h.bot.ds.query("SELECT count(*) AS n FROM application_events WHERE action IN ('approve', 'reject')");
    expect(decisions).toEqual([{ n: 1 }]);
    await h.fake.waitFor(() => cardsToFiler().length === 1, 'one notice');
    await waitUntilIdle(h);
    expect(cardsToFiler()).toHaveLength(1);
  });

  it('lets the filer change a returned application; resubmitting goes back to review and retires the old card', async () => {
    await decide('return', ADMIN_OPEN_ID, '人数比例不对');
    await h.fake.waitFor(() => cardsToFiler().length === 1, 'the filer’s notice');
    const editAnswer = await d.click(buttonValue(cardsToFiler()[0].content, '修改'), FILER);
    const form = editAnswer.card.data;
    expect(nodesOf(form).find((n) => n.name === 'org_name').default_value).toBe('包头市科学技术协会');
    expect(nodesOf(form).find((n) => n.name === 'start_date').initial_date).toBe(`${YEAR}-06-10`);
    const resubmitted = await d.click(buttonValue(form, '提交修改'), FILER, validForm({ headcount: '120', core_count: '100' }));
    expect(resubmitted.toast.content).toBe(`已重新提交 SQ${YEAR}-0001`);
    expect(await h.bot.ds.query('SELECT status, headcount FROM applications')).toEqual([{ status: '待审核', headcount: 120 }]);
    await h.fake.waitFor(() => reviewCardsInCentre().length === 2, 'a new review card');
    expect(visibleText(reviewCardsInCentre()[1].content)).toContain('120 人');
    // The old card (already decided) is updated to point at the new one; its buttons no longer decide.
    const old = reviewCardsInCentre()[0];
    await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === old.messageId && visibleText(p.content).includes('已过期')), 'the old card retired');
    const stale = await d.click(buttonValue(old.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: old.messageId });
    expect(stale.toast.content).toBe('申请人已修改并重新提交，请在新的审核卡片上处理。');
    expect(await h.bot.ds.query('SELECT status FROM applications')).toEqual([{ status: '待审核' }]);
  });

  it('keeps a change that failed its checks, so 修改 resumes it; the submission stands meanwhile', async () => {
    await decide('return', ADMIN_OPEN_ID, '请补充');
    await h.fake.waitFor(() => cardsToFiler().length === 1, 'the filer’s notice');
    const edit = buttonValue(cardsToFiler()[0].content, '修改');
    const form = (await d.click(edit, FILER)).card.data;
    const failed = await d.click(buttonValue(form, '提交修改'), FILER, validForm({ venue: '新的会场', mobile: '1' }));
    expect(failed.toast.content).toBe('有 1 项需要修改，请查看表单中的红色提示');
    expect(await h.bot.ds.query('SELECT status, venue, version FROM applications')).toEqual([{ status: '已退回', venue: '包头稀土高新区创新中心报告厅', version: 3 }]);
    // Closing that card loses nothing: 修改 reopens the change as typed.
    const reopened = (await d.click(edit, FILER)).card.data;
    expect(nodesOf(reopened).find((n) => n.name === 'venue').default_value).toBe('新的会场');
    expect(nodesOf(reopened).find((n) => n.name === 'mobile').default_value).toBe('1');
    const [detail] = await d.ask(`查询 SQ${YEAR}-0001`, { senderOpenId: FILER });
    expect(visibleText(detail.content)).toContain('尚未提交的修改');
    await d.click(buttonValue(reopened, '提交修改'), FILER, validForm({ venue: '新的会场' }));
    expect(await h.bot.ds.query('SELECT status, venue, draft_form FROM applications')).toEqual([{ status: '待审核', venue: '新的会场', draft_form: null }]);
  });

  it('lets the filer withdraw before approval; the review card then says so', async () => {
    const [row] = await h.bot.ds.query('SELECT id FROM applications');
    const answer = await d.click({ action: 'application.withdraw', id: row.id }, FILER);
    expect(answer.toast.content).toBe(`已撤回 SQ${YEAR}-0001`);
    expect(visibleText(answer.card.data)).toContain('已撤回');
    await h.fake.waitFor(() => h.fake.patches.some((p) => visibleText(p.content).includes('申请人已撤回')), 'the review card updated');
    const late = await decide('approve', ADMIN_OPEN_ID);
    expect(late.toast.content).toBe('该申请当前状态为「已撤回」，无需再审核。');
  });

  it('refuses 修改 and 撤回 on somebody else’s application', async () => {
    const [row] = await h.bot.ds.query('SELECT id FROM applications');
    for (const action of ['application.edit', 'application.withdraw', 'application.submit']) {
      const answer = await d.click({ action, id: row.id }, OTHER_FILER, action === 'application.submit' ? validForm() : undefined);
      expect(answer.toast).toEqual({ type: 'error', content: '您无权操作这份申请：只有申请人本人或中心管理员可以操作。' });
      expect(answer.card).toBeUndefined();
    }
    expect(await h.bot.ds.query('SELECT status, version FROM applications')).toEqual([{ status: '待审核', version: 2 }]);
  });

  it('lists what waits for review with its buttons (待审), for admins only', async () => {
    const refused = await d.ask('待审', { senderOpenId: FILER });
    expect(refused[0].content.text).toContain('只有科创服务中心的管理员');
    const replies = await d.ask('待审', { senderOpenId: ADMIN_OPEN_ID, count: 2 });
    expect(replies[0].content.text).toContain(`共有 1 份申请等待审核（最早提交的在前）：SQ${YEAR}-0001`);
    expect(hasButton(replies[1].content, '不予受理')).toBe(true);
    // Deciding on one copy updates the others.
    const answer = await d.click(buttonValue(replies[1].content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { messageId: replies[1].messageId });
    expect(answer.toast.type).toBe('success');
    const groupCard = reviewCardsInCentre()[0];
    await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === groupCard.messageId && visibleText(p.content).includes('通过')), 'the group’s copy updated');
    expect(h.fake.patches.some((p) => p.messageId === replies[1].messageId)).toBe(false);
  });
});

describe('review without a centre group', () => {
  beforeEach(() => start());

  it('sends the review card to each admin privately', async () => {
    await d.file(FILER);
    await h.fake.waitFor(() => d.toUser(ADMIN_OPEN_ID).length === 1 && d.toUser(SECOND_ADMIN).length === 1, 'review cards to both admins');
    expect(hasButton(d.toUser(ADMIN_OPEN_ID)[0].content, '通过')).toBe(true);
    // One admin decides in their chat; the other's copy is updated.
    const mine = d.toUser(ADMIN_OPEN_ID)[0];
    await d.click(buttonValue(mine.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { messageId: mine.messageId });
    const theirs = d.toUser(SECOND_ADMIN)[0];
    await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === theirs.messageId && !hasButton(p.content, '通过')), 'the other copy updated');
  });
});

describe('the stamped scan', () => {
  beforeEach(async () => {
    await start();
    await d.bind(CENTRE_CHAT, '中心');
  });

  /** A file message in the filer's private chat, as Feishu sends it. */
  function fileEvent(name: string) {
    const evt = messageEvent({ text: '', chatType: 'p2p', senderOpenId: FILER, chatId: 'oc_p2p_filer', messageType: 'file' });
    evt.event.message.content = JSON.stringify({ file_key: `file_v3_${name}`, file_name: name });
    return evt;
  }

  it('asks for an application first when there is none', async () => {
    const evt = fileEvent('申请表.pdf');
    await h.post('/feishu/events', evt);
    await h.fake.waitFor(() => d.repliesTo(evt.event.message.message_id).length === 1, 'the answer');
    expect(d.repliesTo(evt.event.message.message_id)[0].content.text).toContain('请先发送「申请」');
  });

  it('attaches it to the only application, confirms, and the review and detail cards show it', async () => {
    await d.file(FILER);
    await h.fake.waitFor(() => reviewCardsInCentre().length === 1, 'the review card');
    const evt = fileEvent('盖章申请表.pdf');
    await h.post('/feishu/events', evt);
    await h.fake.waitFor(() => d.repliesTo(evt.event.message.message_id).length === 1, 'the confirmation');
    expect(d.repliesTo(evt.event.message.message_id)[0].content.text).toBe(`已收到盖章扫描件，并附到申请 SQ${YEAR}-0001。`);
    const card = reviewCardsInCentre()[0];
    await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === card.messageId && visibleText(p.content).includes('盖章申请表.pdf')), 'the review card updated');
    // The scan itself is forwarded to the centre's group, where the staff can open it.
    await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).some((m) => m.msgType === 'forward'), 'the scan forwarded');
    expect(d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'forward').map((m) => m.content)).toEqual([{ forwardedFrom: evt.event.message.message_id }]);
    const [detail] = await d.ask(`查询 SQ${YEAR}-0001`, { senderOpenId: FILER });
    expect(visibleText(detail.content)).toContain('已附');
    expect(visibleText(detail.content)).toContain('附上盖章扫描件');
  });

  it('asks which application when there are several', async () => {
    await d.file(FILER);
    await d.file(FILER, { org_name: '包头市昆都仑区科协' });
    const evt = fileEvent('scan.pdf');
    await h.post('/feishu/events', evt);
    await h.fake.waitFor(() => d.repliesTo(evt.event.message.message_id).length === 1, 'the question');
    const question = d.repliesTo(evt.event.message.message_id)[0].content;
    expect(visibleText(question)).toContain('您有 2 项可以附文件');
    const answer = await d.click(buttonValue(question, `SQ${YEAR}-0002 包头市昆都仑区科协（盖章扫描件）`), FILER);
    expect(answer.toast.content).toBe(`已收到盖章扫描件，并附到申请 SQ${YEAR}-0002。`);
    expect(await h.bot.ds.query('SELECT code_seq, attachment_name FROM applications ORDER BY code_seq')).toEqual([
      { code_seq: 1, attachment_name: null },
      { code_seq: 2, attachment_name: 'scan.pdf' },
    ]);
    // Somebody else cannot use the button.
    const stolen = await d.click(buttonValue(question, `SQ${YEAR}-0001 包头市科学技术协会（盖章扫描件）`), OTHER_FILER);
    expect(stolen.toast.type).toBe('error');
  });
});

describe('查询', () => {
  beforeEach(async () => {
    await start();
    await bindCentreGroups(d);
    await d.file(FILER); // SQ-0001 包头市
    await d.file(OTHER_FILER, { org_name: '赤峰市科协', region: '赤峰市' }); // SQ-0002 赤峰市
  });

  const listText = async (opts: Parameters<Driver['ask']>[1]) => visibleText((await d.ask('查询', opts))[0].content);

  it('shows each person and each group exactly what they may see', async () => {
    const mine = await listText({ senderOpenId: FILER });
    expect(mine).toContain(`SQ${YEAR}-0001`);
    expect(mine).not.toContain(`SQ${YEAR}-0002`);

    const admin = await listText({ senderOpenId: ADMIN_OPEN_ID });
    expect(admin).toContain(`SQ${YEAR}-0001`);
    expect(admin).toContain(`SQ${YEAR}-0002`);

    const baotou = await listText({ chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: STRANGER });
    expect(baotou).toContain(`SQ${YEAR}-0001`);
    expect(baotou).not.toContain(`SQ${YEAR}-0002`);

    const centre = await listText({ chatType: 'group', chatId: CENTRE_CHAT, senderOpenId: STRANGER });
    expect(centre).toContain(`SQ${YEAR}-0002`);

    const unbound = await d.ask('查询', { chatType: 'group', chatId: 'oc_unbound_group_0000000000000000001', senderOpenId: FILER });
    expect(unbound[0].content.text).toContain('本群尚未绑定盟市或中心');
  });

  it('shows the detail with its audit trail only to those allowed', async () => {
    const [detail] = await d.ask(`查询 sq${YEAR}-0001`, { senderOpenId: FILER });
    const text = visibleText(detail.content);
    expect(text).toContain('办理记录');
    expect(text).toContain('提交（草稿 → 待审核）');
    expect(text).toContain('稀土永磁材料的工艺改进');

    const [refused] = await d.ask(`查询 SQ${YEAR}-0001`, { senderOpenId: OTHER_FILER });
    expect(refused.content.text).toBe(`没有找到您可以查看的申请 SQ${YEAR}-0001。请核对编号，或发送「查询」查看列表。`);
    const [otherRegion] = await d.ask(`查询 SQ${YEAR}-0001`, { chatType: 'group', chatId: CHIFENG_CHAT, senderOpenId: STRANGER });
    expect(otherRegion.content.text).toContain('没有找到您可以查看的申请');
    const [ownRegion] = await d.ask(`查询 SQ${YEAR}-0001`, { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: STRANGER });
    expect(visibleText(ownRegion.content)).toContain('办理记录');
    // A group's detail card has no filer buttons: it is shared with everyone in the group.
    expect(hasButton(ownRegion.content, '撤回')).toBe(false);

    const [garbage] = await d.ask('查询 hello', { senderOpenId: FILER });
    expect(garbage.content.text).toContain('不是有效的申请编号');
  });

  it('pages long lists, and a page button checks who clicks it', async () => {
    for (let i = 0; i < 11; i++) await d.file(FILER, { org_name: `包头第${i + 1}家单位` });
    const [first] = await d.ask('查询', { chatType: 'group', chatId: BAOTOU_CHAT, senderOpenId: STRANGER });
    expect(visibleText(first.content)).toContain('共 12 份，第 1/2 页');
    const next = buttonValue(first.content, '下一页');
    const page2 = await d.click(next, STRANGER, undefined, { chatId: BAOTOU_CHAT });
    expect(visibleText(page2.card.data)).toContain('第 2/2 页');
    expect(visibleText(page2.card.data)).toContain(`SQ${YEAR}-0001`);
    // The same button clicked from the 赤峰市 group is refused.
    const refused = await d.click(next, STRANGER, undefined, { chatId: CHIFENG_CHAT });
    expect(refused.toast.type).toBe('error');
  });
});

it('keeps the tenant of the fixtures', () => {
  expect(TENANT_KEY).toBe('2e7075328c8f165b');
});
