import { DateTime } from 'luxon';
import { createJobDeps } from '../../src/bot/job-deps';
import { JobRunner } from '../../src/jobs/job-runner';
import { JOBS } from '../../src/jobs/registry';
import { createLogger } from '../../src/logger';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { expectEscaped, markdownContents } from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';
import { buttonValue, Driver, hasButton, YEAR } from '../helpers/application-driver';

jest.setTimeout(60_000);

/**
 * Issue 13 item 6, as people meet it: group reminders @-mention the responsible person (the
 * filer; the 盟市's submitter), user text stays escaped, and with URGENT_ESCALATION=1 the
 * responsible person gets Feishu's urgent_app once the last reminder has passed with nothing
 * done — once, across reruns and a restart. Jobs run in process as cron runs them; everything
 * is read back from the strict fake Open API.
 */

const FILER = 'ou_filer_baotou_00000000000000000001';
const CENTRE_CHAT = 'oc_centre_group_000000000000000000001';
const BAOTOU_CHAT = 'oc_baotou_group_000000000000000000001';
const HOSTILE_ORG = '包头<at id=all></at>**x**科协';

let h: Harness;
let d: Driver;
/** A harness stopped for a restart: closed (its fake and database) after the one that replaced it. */
let previous: Harness | undefined;

async function start(env: Record<string, string>, reuse?: Harness) {
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR), ...env }, ...(reuse ? { dbDir: reuse.dbDir, fake: reuse.fake } : {}) });
  d = new Driver(h);
}
afterEach(async () => {
  await h?.close();
  await previous?.close();
  previous = undefined;
});

/** Runs the reminders job in process as of `iso`, and waits until what it queued is sent. */
async function reminders(iso: string) {
  const at = new Date(iso);
  const deps = createJobDeps(h.config, h.bot.ds, h.bot.platform, h.bot.outbox, () => at.getTime());
  const result = await new JobRunner(h.bot.ds, deps, createLogger('silent')).run('reminders', JOBS.reminders.job, at);
  expect(result.status).toBe('done');
  await h.fake.waitFor(async () => (await h.bot.ds.query("SELECT COUNT(*) AS n FROM outbox_messages WHERE status IN ('pending','sending')"))[0].n == 0, 'the queue drained');
  const failed = await h.bot.ds.query("SELECT operation, last_error FROM outbox_messages WHERE status = 'failed'");
  expect(failed).toEqual([]);
  return result;
}

const at9 = (monthDay: string) => DateTime.fromISO(`${YEAR}-${monthDay}T09:00`, { zone: 'Asia/Shanghai' }).toUTC().toISO()!;

async function fileAndApprove(overrides: Record<string, string> = {}) {
  await d.bindAll({ [CENTRE_CHAT]: '中心', [BAOTOU_CHAT]: '包头市' });
  await d.file(FILER, overrides);
  const review = () => d.toChat(CENTRE_CHAT).filter((m) => m.msgType === 'interactive' && hasButton(m.content, '通过'));
  await h.fake.waitFor(() => review().length > 0, 'the review card');
  const card = review()[0];
  const answer = await d.click(buttonValue(card.content, '通过'), ADMIN_OPEN_ID, { reason: '' }, { chatId: CENTRE_CHAT, messageId: card.messageId });
  expect(answer.toast.type).toBe('success');
}

describe('an approved activity (10–11 June) whose summary never comes', () => {
  it('@-mentions the filer in the 盟市 group and the overdue list, and buzzes the filer once when the summary is overdue', async () => {
    await start({ URGENT_ESCALATION: '1' });
    await fileAndApprove({ org_name: HOSTILE_ORG });

    await reminders(at9('06-07'));
    const groupCard = d.toChat(BAOTOU_CHAT).find((m) => visibleText(m.content).includes('活动提醒'))!;
    expect(markdownContents(groupCard.content).join('\n')).toContain(`<at id=${FILER}></at>`);
    // The organisation's name is the filer's text: shown as typed, its markup never live.
    expectEscaped(groupCard.content, HOSTILE_ORG);
    // The filer's own copy names nobody.
    const privateCopy = d.toUser(FILER).find((m) => visibleText(m.content).includes('活动提醒'))!;
    expect(markdownContents(privateCopy.content).join('\n')).not.toContain('<at ');

    // Held on 12 June, reminded on the 15th and the 19th: no urgent notice while reminders remain.
    for (const day of ['06-12', '06-15', '06-19']) await reminders(at9(day));
    expect(h.fake.urgents).toEqual([]);

    // 10 days after: the centre's overdue list names the filer; the filer is buzzed on a fresh form.
    await reminders(at9('06-22'));
    const overdue = d.toChat(CENTRE_CHAT).find((m) => visibleText(m.content).includes('活动评估总结逾期'))!;
    expect(markdownContents(overdue.content).join('\n')).toContain(`申请人 <at id=${FILER}></at>`);
    const urgentCard = d.toUser(FILER).find((m) => visibleText(m.content).includes('【加急】'))!;
    expect(urgentCard).toBeDefined();
    expect(hasButton(urgentCard.content, '提交总结')).toBe(true);
    expect(h.fake.urgents).toEqual([{ messageId: urgentCard.messageId, userIds: [FILER] }]);
    const call = h.fake.calls.find((c) => c.path.endsWith('/urgent_app'))!;
    expect({ method: call.method, query: call.query, body: call.body }).toEqual({ method: 'PATCH', query: { user_id_type: 'open_id' }, body: { user_id_list: [FILER] } });

    // Rerun, the next day, and after a restart: never again.
    await reminders(at9('06-22'));
    await reminders(at9('06-23'));
    await h.stopBot();
    previous = h;
    await start({ URGENT_ESCALATION: '1' }, previous);
    await reminders(at9('06-24'));
    expect(h.fake.urgents).toHaveLength(1);
    expect(d.toUser(FILER).filter((m) => visibleText(m.content).includes('【加急】'))).toHaveLength(1);
    const occasions = await h.bot.ds.query("SELECT outcome FROM job_occasions WHERE occasion = 'urgent'");
    expect(occasions).toEqual([{ outcome: 'sent' }]);
    // Nothing in any card ever @-mentions everyone.
    expect(h.fake.delivered.some((m) => m.msgType === 'interactive' && markdownContents(m.content).join('\n').includes('<at id=all>'))).toBe(false);
  });

  it('without URGENT_ESCALATION the overdue summary buzzes nobody', async () => {
    await start({});
    await fileAndApprove();
    for (const day of ['06-12', '06-15', '06-19', '06-22']) await reminders(at9(day));
    expect(d.toChat(CENTRE_CHAT).some((m) => visibleText(m.content).includes('活动评估总结逾期'))).toBe(true);
    expect(h.fake.urgents).toEqual([]);
    expect(h.fake.calls.filter((c) => c.path.endsWith('/urgent_app'))).toEqual([]);
    expect(d.toUser(FILER).some((m) => visibleText(m.content).includes('【加急】'))).toBe(false);
  });
});

describe('a report collection with a 盟市 that never reports', () => {
  const CHATS: Record<string, string> = {
    赤峰市: 'oc_chifeng_group_00000000000000000001',
    通辽市: 'oc_tongliao_group_0000000000000000001',
  };
  const STAFF: Record<string, string> = {
    通辽市: 'ou_staff_tongliao_000000000000000001',
  };
  const deadline = DateTime.now().setZone('Asia/Shanghai').plus({ days: 5 }).set({ hour: 17, minute: 0, second: 0, millisecond: 0 });
  const daysBefore = (n: number) => deadline.minus({ days: n }).set({ hour: 9 }).toUTC().toISO()!;
  const taskCardIn = (chat: string) => d.toChat(chat).find((m) => hasButton(m.content, '提交'));

  it('names the submitter in the group reminder and buzzes them once after the deadline', async () => {
    await start({ URGENT_ESCALATION: '1' });
    await d.bindAll({ [CENTRE_CHAT]: '中心', ...Object.fromEntries(Object.entries(CHATS).map(([region, chat]) => [chat, region])) });
    const [form] = await d.ask('发起报送', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_admin' });
    const published = await d.click(buttonValue(form.content, '发布报送任务'), ADMIN_OPEN_ID, {
      title: '年度落实情况报告',
      description: '请报送本盟市落实情况',
      deadline: `${deadline.toFormat('yyyy-MM-dd HH:mm')} +0800`,
      regions: Object.keys(CHATS),
      expects: 'text',
    }, { chatId: 'oc_p2p_admin', messageId: form.messageId });
    expect(published.toast.type).toBe('success');
    await h.fake.waitFor(() => Object.values(CHATS).every((c) => taskCardIn(c)), 'the task in every group');
    // 通辽市's staff takes the form but never submits it; 赤峰市 nobody touches.
    const card = taskCardIn(CHATS['通辽市'])!;
    const opened = await d.click(buttonValue(card.content, '提交'), STAFF['通辽市'], undefined, { chatId: CHATS['通辽市'], messageId: card.messageId });
    expect(opened.toast.content).toBe('报送表已私聊发给您，请在私聊中填写提交。');

    await reminders(daysBefore(1));
    const reminderIn = (region: string) => d.toChat(CHATS[region]).find((m) => visibleText(m.content).includes('尚未报送'))!;
    expect(markdownContents(reminderIn('通辽市').content).join('\n')).toContain(`请 <at id=${STAFF['通辽市']}></at> 尽快报送`);
    // Nobody is known to answer for 赤峰市: its reminder names nobody (and never everyone).
    expect(markdownContents(reminderIn('赤峰市').content).join('\n')).not.toContain('<at ');

    const after = deadline.plus({ hours: 1 }).toUTC().toISO()!;
    await reminders(after);
    const urgent = d.toUser(STAFF['通辽市']).filter((m) => visibleText(m.content).includes('报送已逾期'));
    expect(urgent).toHaveLength(1);
    expect(visibleText(urgent[0].content)).toContain('通辽市尚未提交');
    expect(h.fake.urgents).toEqual([{ messageId: urgent[0].messageId, userIds: [STAFF['通辽市']] }]);
    await reminders(after);
    await reminders(deadline.plus({ days: 1 }).toUTC().toISO()!);
    expect(h.fake.urgents).toHaveLength(1);
    const outcomes = await h.bot.ds.query("SELECT subject, outcome FROM job_occasions WHERE occasion = 'urgent' ORDER BY subject");
    expect(outcomes.map((o: any) => o.outcome).sort()).toEqual(['sent', 'skipped']);
  });
});
