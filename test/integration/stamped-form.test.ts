import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { createJobDeps } from '../../src/bot/job-deps';
import { JobRunner } from '../../src/jobs/job-runner';
import { JOBS } from '../../src/jobs/registry';
import { createLogger } from '../../src/logger';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, YEAR } from '../helpers/application-driver';
import { messageEvent } from '../helpers/events';
import { docxTables, docxXml, uploadedFiles } from '../helpers/uploads';

/**
 * The stamped form (issue 11 item 5), through the HTTP surface on the fake Open API: the
 * pre-filled 申请表 (.docx) after submitting and from 下载申请表, the question before 通过
 * without a scan (SCAN_REQUIRED=confirm, the default), the scan reminder 3 days after
 * submission, and the caption of a scan forwarded to the centre's group.
 */

const FILER = 'ou_filer_baotou_00000000000000000001';
const STRANGER = 'ou_stranger_000000000000000000000001';
const CENTRE_CHAT = 'oc_centre_group_000000000000000000001';
const FILER_CHAT = 'oc_p2p_filer_stamped_0000000000000001';

let h: Harness;
let d: Driver;

async function start(env: Record<string, string> = {}) {
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR), SCAN_REQUIRED: 'confirm', ...env } });
  d = new Driver(h);
  await d.bind(CENTRE_CHAT, '中心');
}

afterEach(async () => {
  await h.close();
});

const filesTo = (openId: string) => d.toUser(openId).filter((m) => m.msgType === 'file');
const textsTo = (openId: string) => d.toUser(openId).filter((m) => m.msgType === 'text').map((m) => String(m.content.text));
const reviewCards = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive' && hasButton(m.content, '通过'));
const status = async (code: number) => (await h.bot.ds.query('SELECT status, decision_reason FROM applications WHERE code_seq = ?', [code]))[0];

async function fileOne(overrides: Record<string, string> = {}) {
  const before = reviewCards().length;
  const answer = await d.file(FILER, overrides);
  expect(answer.toast.type).toBe('success');
  await h.fake.waitFor(() => reviewCards().length > before, 'the review card');
  return reviewCards()[reviewCards().length - 1];
}

/** A file message in the filer's private chat, as Feishu sends it. */
async function sendScan(name: string) {
  const evt = messageEvent({ text: '', chatType: 'p2p', senderOpenId: FILER, chatId: FILER_CHAT, messageType: 'file' });
  evt.event.message.content = JSON.stringify({ file_key: `file_v3_${name}`, file_name: name });
  await h.post('/feishu/events', evt);
  await h.fake.waitFor(() => d.repliesTo(evt.event.message.message_id).length === 1, 'the confirmation');
  return evt.event.message.message_id as string;
}

describe('the pre-filled 申请表', () => {
  beforeEach(() => start());

  it('goes to the filer after submitting, as a .docx in the notice’s layout with the values filled in', async () => {
    await fileOne({ remarks: '需要投影仪和扩音设备' });
    await h.fake.waitFor(() => filesTo(FILER).length === 1, 'the .docx sent to the filer');
    const intro = textsTo(FILER).find((t) => t.includes('申请表'))!;
    expect(intro).toContain(`SQ${YEAR}-0001`);
    expect(intro).toContain('加盖单位公章');

    const [upload] = uploadedFiles(h.fake);
    expect(upload.name).toBe(`SQ${YEAR}-0001-申请表.docx`);
    expect(filesTo(FILER)[0].content.file_key).toBe(h.fake.uploads[0].key);
    const xml = await docxXml(upload.bytes);
    expect(xml).toContain(`${YEAR}年内蒙古企业创新能力提升行动申请表`);
    expect(xml).toContain(`编号：SQ${YEAR}-0001`);
    // The ten fields in the notice's order and wording, two of them side by side as on the paper.
    expect(docxTables(xml)[0]).toEqual([
      ['申请单位名称', '包头市科学技术协会'],
      ['企业需求', '稀土永磁材料的工艺改进'],
      ['活动对象', '园区企业研发负责人、工程师和一线职工'],
      ['活动时间', `${YEAR}年6月10日至11日`, '活动人数', '100人'],
      ['活动地点', '包头稀土高新区创新中心报告厅'],
      ['联系人', '张敏', '手机号码', '13812345678'],
      ['电子邮箱', 'zhangmin@example.com'],
      ['备注', '需要投影仪和扩音设备'],
    ]);
    expect(xml).toContain('申请单位：（盖章）');
    expect(xml).toContain('年　　月　　日');

    // LibreOffice opens it, when it is installed (not needed by the suite).
    const soffice = ['soffice', 'libreoffice'].find((bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0);
    if (!soffice) {
      console.info('soffice not installed: the LibreOffice conversion check is skipped');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'stamped-form-'));
    try {
      writeFileSync(join(dir, 'form.docx'), upload.bytes);
      const run = spawnSync(soffice, ['--headless', '--convert-to', 'txt:Text', '--outdir', dir, join(dir, 'form.docx')], { timeout: 120_000 });
      expect(run.status).toBe(0);
      const text = readFileSync(join(dir, 'form.txt'), 'utf8');
      expect(text).toContain('包头市科学技术协会');
      expect(text).toContain('申请单位名称');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it('is sent again by 下载申请表 on the detail card, privately to the filer or an admin who clicks; nobody else', async () => {
    await fileOne();
    await h.fake.waitFor(() => filesTo(FILER).length === 1, 'the first .docx');
    // The detail card privately: the filer and an admin see the button; in a group nobody does.
    const [mine] = await d.ask(`查询 SQ${YEAR}-0001`, { senderOpenId: FILER, chatId: FILER_CHAT });
    expect(hasButton(mine.content, '下载申请表')).toBe(true);
    const [admins] = await d.ask(`查询 SQ${YEAR}-0001`, { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin_stamped_00000000000001' });
    expect(hasButton(admins.content, '下载申请表')).toBe(true);
    const [inGroup] = await d.ask(`查询 SQ${YEAR}-0001`, { senderOpenId: ADMIN_OPEN_ID, chatType: 'group', chatId: CENTRE_CHAT });
    expect(hasButton(inGroup.content, '下载申请表')).toBe(false);

    const value = buttonValue(admins.content, '下载申请表');
    const answer = await d.click(value, ADMIN_OPEN_ID, undefined, { chatId: 'oc_p2p_admin_stamped_00000000000001', messageId: admins.messageId });
    expect(answer.toast).toEqual({ type: 'success', content: `申请表（SQ${YEAR}-0001）已私聊发给您` });
    await h.fake.waitFor(() => filesTo(ADMIN_OPEN_ID).length === 1, 'the .docx sent to the admin');
    expect(uploadedFiles(h.fake).map((f) => f.name)).toEqual([`SQ${YEAR}-0001-申请表.docx`, `SQ${YEAR}-0001-申请表.docx`]);

    const refused = await d.click(value, STRANGER, undefined, { chatId: 'oc_p2p_stranger', messageId: admins.messageId });
    expect(refused.toast.type).toBe('error');
    expect(refused.toast.content).toContain('只有申请人本人或中心管理员');
    // A second click of the filer's own card sends it again (a new click, not a replay).
    expect((await d.click(buttonValue(mine.content, '下载申请表'), FILER, undefined, { chatId: FILER_CHAT, messageId: mine.messageId })).toast.type).toBe('success');
    await h.fake.waitFor(() => filesTo(FILER).length === 2, 'the .docx sent to the filer again');
    expect(filesTo(STRANGER)).toHaveLength(0);
  });
});

describe('通过 without the stamped scan', () => {
  it('asks once; 取消 goes back to the review card with the 审核意见 kept; 仍然通过 approves, once', async () => {
    await start();
    const review = await fileOne();
    const approve = buttonValue(review.content, '通过');
    const asked = await d.click(approve, ADMIN_OPEN_ID, { reason: '材料齐全' }, { chatId: CENTRE_CHAT, messageId: review.messageId });
    expect(asked.toast).toEqual({ type: 'warning', content: '尚未收到盖章扫描件，仍然通过？' });
    const question = asked.card.data;
    expect(visibleText(question)).toContain('尚未收到盖章扫描件，仍然通过？');
    expect(visibleText(question)).toContain('材料齐全');
    expect(hasButton(question, '仍然通过') && hasButton(question, '取消')).toBe(true);
    expect(await status(1)).toEqual({ status: '待审核', decision_reason: null });

    const back = await d.click(buttonValue(question, '取消'), ADMIN_OPEN_ID, undefined, { chatId: CENTRE_CHAT, messageId: review.messageId });
    expect(back.toast.type).toBe('info');
    expect(hasButton(back.card.data, '通过')).toBe(true);
    expect(JSON.stringify(back.card.data)).toContain('材料齐全');
    expect(await status(1)).toEqual({ status: '待审核', decision_reason: null });

    // Somebody who is not an admin cannot approve through the question either.
    const refused = await d.click(buttonValue(question, '仍然通过'), STRANGER, undefined, { chatId: CENTRE_CHAT, messageId: review.messageId });
    expect(refused.toast.type).toBe('error');
    expect(await status(1)).toEqual({ status: '待审核', decision_reason: null });

    const approved = await d.click(buttonValue(question, '仍然通过'), ADMIN_OPEN_ID, undefined, { chatId: CENTRE_CHAT, messageId: review.messageId });
    expect(approved.toast).toEqual({ type: 'success', content: `已通过：SQ${YEAR}-0001` });
    expect(await status(1)).toEqual({ status: '已通过', decision_reason: '材料齐全' });
    const again = await d.click(buttonValue(question, '仍然通过'), ADMIN_OPEN_ID, undefined, { chatId: CENTRE_CHAT, messageId: review.messageId });
    expect(again.toast.type).toBe('warning');
    expect(Number((await h.bot.ds.query("SELECT count(*) AS n FROM application_events WHERE action = 'approve'"))[0].n)).toBe(1);
  });

  it('does not ask when the scan has come, and the scan is captioned with code, organisation and 盟市 in the centre’s group', async () => {
    await start();
    const review = await fileOne();
    const scanMessage = await sendScan('盖章申请表.pdf');
    await h.fake.waitFor(() => d.toChat(CENTRE_CHAT).some((m) => m.msgType === 'forward'), 'the scan forwarded');
    const centre = d.toChat(CENTRE_CHAT);
    const forwardAt = centre.findIndex((m) => m.msgType === 'forward');
    expect(centre[forwardAt].content).toEqual({ forwardedFrom: scanMessage });
    expect(centre[forwardAt - 1].msgType).toBe('text');
    expect(centre[forwardAt - 1].content.text).toBe(`以下是申请 SQ${YEAR}-0001（包头市科学技术协会，包头市）的盖章申请表扫描件：`);

    // The review card, as updated to show the scan (its buttons carry the new version).
    await h.fake.waitFor(() => h.fake.patches.some((p) => p.messageId === review.messageId && visibleText(p.content).includes('盖章申请表.pdf')), 'the review card updated');
    const current = h.fake.patches.filter((p) => p.messageId === review.messageId).at(-1)!.content;
    const approved = await d.click(buttonValue(current, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: review.messageId });
    expect(approved.toast).toEqual({ type: 'success', content: `已通过：SQ${YEAR}-0001` });
  });

  it('by text: 通过 asks the same and names the command; 确认通过 approves, with the 审核意见, once, for admins only', async () => {
    await start();
    await fileOne();
    const code = `SQ${YEAR}-0001`;
    const admin = { senderOpenId: ADMIN_OPEN_ID, chatId: CENTRE_CHAT, chatType: 'group' as const };
    const replies = await d.ask(`通过 ${code} 材料齐全`, { ...admin, count: 2 });
    expect(replies.map((m) => m.content.text)).toEqual(['尚未收到盖章扫描件，仍然通过？', `如仍要通过，请发送「确认通过 ${code} 材料齐全」；也可以等申请人补发盖章扫描件后再审核。`]);
    expect(await status(1)).toEqual({ status: '待审核', decision_reason: null });

    const [refused] = await d.ask(`确认通过 ${code}`, { senderOpenId: STRANGER, chatId: 'oc_p2p_stranger', chatType: 'p2p' });
    expect(refused.content.text).toMatch(/只有科创服务中心的管理员/);
    expect(await status(1)).toEqual({ status: '待审核', decision_reason: null });

    const [approved] = await d.ask(`确认通过 ${code} 材料齐全`, admin);
    expect(approved.content.text).toBe(`已通过：${code}`);
    expect(await status(1)).toEqual({ status: '已通过', decision_reason: '材料齐全' });
    const [again] = await d.ask(`确认通过 ${code}`, admin);
    expect(again.content.text).toMatch(/已由.*处理|已通过/);
    expect(Number((await h.bot.ds.query("SELECT count(*) AS n FROM application_events WHERE action = 'approve'"))[0].n)).toBe(1);
  });

  it('does not ask with SCAN_REQUIRED=off', async () => {
    await start({ SCAN_REQUIRED: 'off' });
    const review = await fileOne();
    const approved = await d.click(buttonValue(review.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: review.messageId });
    expect(approved.toast).toEqual({ type: 'success', content: `已通过：SQ${YEAR}-0001` });
  });
});

describe('the scan reminder', () => {
  /** The reminders job as the bot's cron runs it, at `at`. */
  const runReminders = (at: Date) => {
    const deps = createJobDeps(h.config, h.bot.ds, h.bot.platform, h.bot.outbox, () => at.getTime());
    return new JobRunner(h.bot.ds, deps, createLogger('silent')).run('reminders', JOBS.reminders.job, at);
  };
  const submittedOn = () => DateTime.now().setZone('Asia/Shanghai').startOf('day');
  const reminders = () => textsTo(FILER).filter((t) => t.startsWith('提醒：'));

  it('reminds the filer once, with the form, 3 days after submission while no scan has come; not a withdrawn one nor one with its scan', async () => {
    await start();
    await fileOne({ org_name: '包头市甲单位' });
    await fileOne({ org_name: '包头市乙单位' });
    await fileOne({ org_name: '包头市丙单位' });
    await h.fake.waitFor(() => filesTo(FILER).length === 3, 'the three forms');
    // 乙 is withdrawn; 丙 gets its scan (the bot asks which application it is for).
    const second = (await h.bot.ds.query("SELECT id FROM applications WHERE org_name = '包头市乙单位'"))[0].id;
    expect((await d.click({ action: 'application.withdraw', id: second }, FILER, undefined, { chatId: FILER_CHAT })).toast.type).toBe('success');
    const third = (await h.bot.ds.query("SELECT id FROM applications WHERE org_name = '包头市丙单位'"))[0].id;
    expect((await d.click({ action: 'application.attach', id: third, kind: 'file', key: 'file_v3_scan', name: '丙.pdf', msg: 'om_scan_of_third_000000000000001' }, FILER, undefined, { chatId: FILER_CHAT })).toast.type).toBe('success');

    const day3 = submittedOn().plus({ days: 3 });
    expect((await runReminders(day3.set({ hour: 8, minute: 59 }).toJSDate())).status).toBe('done');
    expect(reminders()).toHaveLength(0);
    await runReminders(day3.set({ hour: 9 }).toJSDate());
    await h.fake.waitFor(() => reminders().length === 1 && filesTo(FILER).length === 4, 'the reminder and the form');
    expect(reminders()[0]).toContain(`SQ${YEAR}-0001（包头市甲单位）已提交 3 天，还没有收到加盖单位公章的申请表扫描件`);
    expect(uploadedFiles(h.fake).at(-1)!.name).toBe(`SQ${YEAR}-0001-申请表.docx`);

    // Once: later runs (and a catch-up after downtime) queue no other scan reminder.
    const scanKeys = (r: { keys: Array<{ key: string }> }) => r.keys.filter((k) => k.key.includes('scan-reminder'));
    expect(scanKeys(await runReminders(day3.plus({ days: 1 }).set({ hour: 10 }).toJSDate()))).toEqual([]);
    expect(scanKeys(await runReminders(day3.plus({ days: 5 }).set({ hour: 10 }).toJSDate()))).toEqual([]);
    expect(reminders()).toHaveLength(1);
    expect(filesTo(FILER)).toHaveLength(4);
  });

  it('is not sent with SCAN_REQUIRED=off', async () => {
    await start({ SCAN_REQUIRED: 'off' });
    await fileOne();
    await h.fake.waitFor(() => filesTo(FILER).length === 1, 'the form');
    const result = await runReminders(submittedOn().plus({ days: 4 }).set({ hour: 10 }).toJSDate());
    expect(result.status).toBe('done');
    expect(result.keys.filter((k) => k.key.includes('scan-reminder'))).toEqual([]);
    expect(reminders()).toHaveLength(0);
  });
});
