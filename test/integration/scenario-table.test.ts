import { createJobDeps } from '../../src/bot/job-deps';
import { JobRunner } from '../../src/jobs/job-runner';
import { JOBS } from '../../src/jobs/registry';
import { createLogger } from '../../src/logger';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { buttonValue, Driver, nodesOf, validForm, YEAR } from '../helpers/application-driver';
import { visibleText } from '../helpers/card-text';
import { FakeDingTalk, dingtalkEnv, FAST_STREAM } from '../helpers/fake-dingtalk';
import { GROUP_SEND, privateTo, say, textOf, until } from '../helpers/dingtalk-chat';
import { TestClock } from '../helpers/test-clock';
import type { DeliveredMessage } from '../helpers/fake-feishu';

/**
 * The shared scenario table (issue 12 item 8): the same steps, with the same expectations on
 * what people see, run against the fake Feishu and against the fake DingTalk with only DingTalk
 * configured. Each platform's column says how a step is done there (a form card's submission, or
 * the wizard's conversation); the rows say what must come out of it.
 */

/** What a step needs from a platform: people's actions, and what they were shown. */
interface World {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The centre's group and 包头市's group bound, by an admin. */
  bindGroups(): Promise<void>;
  /** The filer files the application (包头市, YEAR-06-10…11); returns what the filer was shown at the end. */
  fileApplication(): Promise<string>;
  /** The filer sends `text` privately; returns the answer's text. */
  ask(text: string): Promise<string>;
  /** Everything the centre's group has been sent, as text. */
  centreSaw(): string;
  /** Everything 包头市's group has been sent, as text. */
  baotouSaw(): string;
  /** Everything the filer has been sent privately, as text. */
  filerSaw(): string;
  /** The admin sends `text` (privately); returns the answer's text. */
  adminSays(text: string): Promise<string>;
  /** The centre publishes a report task for 包头市 (text only, due YEAR-06-30 17:00); returns what the admin was shown. */
  publishReportTask(): Promise<string>;
  /** The filer sends 报送 in 包头市's group and submits `text`; returns what the filer was shown. */
  report(text: string): Promise<string>;
  /** Runs a scheduled job as the scheduler does, at `iso`. */
  runJob(name: keyof typeof JOBS, iso: string): Promise<{ failures: number }>;
}

/** Runs a job in-process as the scheduler does (src/bot.ts), at `iso`. */
function runJobOn(h: Harness, name: keyof typeof JOBS, iso: string) {
  const at = new Date(iso);
  const deps = createJobDeps(h.config, h.bot.ds, h.bot.platform, h.bot.outbox, () => at.getTime());
  return new JobRunner(h.bot.ds, deps, createLogger('silent')).run(name, JOBS[name].job, at);
}

const TASK = { title: '上半年落实情况', description: '请报送上半年活动开展情况' };

/** The filing as people answer the DingTalk wizard, field by field (the Feishu column submits validForm()). */
function wizardAnswers(): string[] {
  const form = validForm();
  return [
    '1',
    form.org_name as string,
    form.region as string,
    form.venue as string,
    `${YEAR}-06-10`,
    `${YEAR}-06-11`,
    form.headcount as string,
    form.core_count as string,
    form.enterprise_count as string,
    form.key_industry_count as string,
    form.audience as string,
    form.needs as string,
    // lecture-4 and exchange-1, as validForm() chooses them.
    '4 9',
    form.contact_name as string,
    // A wrong mobile first: the form's message, then the right one.
    '1381234567',
    form.mobile as string,
    form.email as string,
    '跳过',
  ];
}

const clockAt = () => new TestClock(`${YEAR}-05-20T09:00:00+08:00`);

class FeishuWorld implements World {
  readonly name = 'Feishu';
  private h!: Harness;
  private d!: Driver;
  private readonly filer = 'ou_scenario_filer_00000000000000001';
  private readonly centre = 'oc_scenario_centre_0000000000000001';
  private readonly baotou = 'oc_scenario_baotou_0000000000000001';

  async start() {
    this.h = await startHarness({ clock: clockAt() });
    this.d = new Driver(this.h);
  }
  async stop() {
    await this.h?.close();
  }
  async bindGroups() {
    await this.d.bindAll({ [this.centre]: '中心', [this.baotou]: '包头市' });
  }
  async fileApplication() {
    const wrong = await this.d.file(this.filer, { mobile: '1381234567' });
    const submit = { action: 'application.submit', id: (await this.h.bot.ds.query("SELECT id FROM applications WHERE status = '草稿'"))[0].id };
    const answer = await this.d.click(submit, this.filer, validForm(), { chatId: `oc_p2p_${this.filer}` });
    return `${visibleText(wrong.card)}\n${answer.toast.content}\n${visibleText(answer.card)}`;
  }
  async ask(text: string) {
    const replies: DeliveredMessage[] = await this.d.ask(text, { senderOpenId: this.filer, chatId: `oc_p2p_${this.filer}` });
    return replies.map((r) => (r.msgType === 'text' ? r.content.text : visibleText(r.content))).join('\n');
  }
  private textOf(m: DeliveredMessage): string {
    return m.msgType === 'text' ? m.content.text : visibleText(m.content);
  }
  centreSaw() {
    return this.d.toChat(this.centre).map((m) => this.textOf(m)).join('\n');
  }
  baotouSaw() {
    return this.d.toChat(this.baotou).map((m) => this.textOf(m)).join('\n');
  }
  filerSaw() {
    return this.d.toUser(this.filer).map((m) => this.textOf(m)).join('\n');
  }
  async adminSays(text: string) {
    const replies = await this.d.ask(text, { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_scenario_admin_000000000001' });
    return replies.map((r) => this.textOf(r)).join('\n');
  }
  async publishReportTask() {
    const [form] = await this.d.ask('发起报送', { senderOpenId: ADMIN_OPEN_ID, chatId: 'oc_p2p_scenario_admin_000000000001' });
    const values = { ...TASK, deadline: `${YEAR}-06-30 17:00 +0800`, regions: ['包头市'], expects: 'text' };
    const answer = await this.d.click(buttonValue(form.content, '发布报送任务'), ADMIN_OPEN_ID, values, { chatId: 'oc_p2p_scenario_admin_000000000001' });
    return `${answer.toast.content}\n${visibleText(answer.card)}`;
  }
  async report(text: string) {
    const before = this.d.toUser(this.filer).length;
    await this.d.ask('报送', { chatType: 'group', chatId: this.baotou, senderOpenId: this.filer });
    await this.h.fake.waitFor(() => this.d.toUser(this.filer).length > before, 'the report form');
    const form = this.d.toUser(this.filer).at(-1)!;
    const submit = nodesOf(form.content).find((n) => n.tag === 'button' && n.behaviors?.[0]?.value?.action === 'report.submit');
    const answer = await this.d.click(submit.behaviors[0].value, this.filer, { text }, { chatId: `oc_p2p_${this.filer}` });
    return `${answer.toast.content}\n${visibleText(answer.card)}`;
  }
  runJob(name: keyof typeof JOBS, iso: string) {
    return runJobOn(this.h, name, iso);
  }
}

class DingTalkWorld implements World {
  readonly name = 'DingTalk';
  private h!: Harness;
  private dt!: FakeDingTalk;
  private readonly admin = 'admin0001';
  private readonly filer = '042000297';
  private readonly centre = 'cidScenarioCentre==';
  private readonly baotou = 'cidScenarioBaotou==';

  async start() {
    this.dt = await new FakeDingTalk().start();
    this.h = await startHarness({
      clock: clockAt(),
      // Only DingTalk: no Feishu credentials, no Feishu admins.
      env: dingtalkEnv(this.dt, { mode: 'stream', admins: this.admin, withoutFeishu: 'and-admins' }),
      bot: { dingtalkStream: FAST_STREAM },
    });
    await until('the stream connection', () => this.dt.openSockets().length === 1);
  }
  async stop() {
    await this.h?.close();
    await this.dt?.stop();
  }
  async bindGroups() {
    await say(this.dt, this.admin, '绑定 中心', { group: this.centre });
    await say(this.dt, this.admin, '绑定 包头市', { group: this.baotou });
  }
  async fileApplication() {
    const said: string[] = [await say(this.dt, this.filer, '申请')];
    for (const answer of wizardAnswers()) said.push(await say(this.dt, this.filer, answer));
    said.push(await say(this.dt, this.filer, '提交'));
    return said.join('\n');
  }
  ask(text: string) {
    return say(this.dt, this.filer, text);
  }
  private groupSaw(group: string): string {
    return this.dt
      .callsTo(GROUP_SEND)
      .filter((c) => c.body.openConversationId === group)
      .map((c) => textOf(c.msgParam))
      .join('\n');
  }
  centreSaw() {
    return this.groupSaw(this.centre);
  }
  baotouSaw() {
    return this.groupSaw(this.baotou);
  }
  filerSaw() {
    return privateTo(this.dt, this.filer)
      .map((c) => textOf(c.msgParam))
      .join('\n');
  }
  adminSays(text: string) {
    return say(this.dt, this.admin, text);
  }
  async publishReportTask() {
    const said = [await say(this.dt, this.admin, '发起报送')];
    for (const answer of [TASK.title, TASK.description, `${YEAR}-06-30 17:00`, '2', '1', '提交']) said.push(await say(this.dt, this.admin, answer));
    return said.join('\n');
  }
  async report(text: string) {
    const before = privateTo(this.dt, this.filer).length;
    await say(this.dt, this.filer, '报送', { group: this.baotou });
    await until('the report question', () => privateTo(this.dt, this.filer).length > before);
    await say(this.dt, this.filer, text);
    return say(this.dt, this.filer, '提交');
  }
  runJob(name: keyof typeof JOBS, iso: string) {
    return runJobOn(this.h, name, iso);
  }
}

/** The steps, in order; each says what must be true afterwards on either platform. */
interface Step {
  name: string;
  run(w: World, s: { code?: string }): Promise<void>;
}

const STEPS: Step[] = [
  {
    name: 'the centre and 包头市 bind their groups',
    run: (w) => w.bindGroups(),
  },
  {
    name: 'file an application: a wrong mobile is refused with the form’s message, then it is numbered',
    async run(w, s) {
      const shown = await w.fileApplication();
      expect(shown).toContain('请输入 11 位手机号码');
      const code = /SQ\d{4}-\d{4}/.exec(shown)?.[0];
      expect(code).toBe(`SQ${YEAR}-0001`);
      s.code = code;
    },
  },
  {
    name: 'the centre’s group gets the review card',
    async run(w, s) {
      await until('the review card', () => w.centreSaw().includes(s.code!));
      expect(w.centreSaw()).toContain('包头市科学技术协会');
    },
  },
  {
    name: 'query it: 查询 lists it as 待审核',
    async run(w, s) {
      const list = await w.ask('查询');
      expect(list).toContain(s.code);
      expect(list).toContain('待审核');
    },
  },
  {
    name: 'query it by code: the detail with its audit trail',
    async run(w, s) {
      const detail = await w.ask(`查询 ${s.code}`);
      expect(detail).toContain(s.code);
      expect(detail).toContain('包头稀土高新区创新中心报告厅');
    },
  },
  {
    name: 'review it: the centre approves by text (通过 <编号>), the filer is told',
    async run(w, s) {
      expect(await w.adminSays(`通过 ${s.code}`)).toContain(`已通过：${s.code}`);
      await until('the filer’s notice', () => w.filerSaw().includes('您的申请已通过审核'));
    },
  },
  {
    name: 'query it again: 已通过',
    async run(w, s) {
      const detail = await w.ask(`查询 ${s.code}`);
      expect(detail).toContain('已通过');
    },
  },
  {
    name: 'a reminder: 3 days before the activity, 包头市’s group is reminded',
    async run(w, s) {
      expect((await w.runJob('reminders', `${YEAR}-06-07T01:00:00Z`)).failures).toBe(0);
      await until('the reminder in 包头市’s group', () => w.baotouSaw().includes(s.code!));
      expect(w.baotouSaw()).toContain('3 天后');
      expect(w.baotouSaw()).toContain('包头稀土高新区创新中心报告厅');
    },
  },
  {
    name: 'the Monday digest reaches the centre’s group',
    async run(w) {
      const before = w.centreSaw().length;
      expect((await w.runJob('weekly-summary', `${YEAR}-06-07T01:00:00Z`)).failures).toBe(0);
      await until('the digest', () => w.centreSaw().length > before);
      const digest = w.centreSaw().slice(before);
      expect(digest).toContain('周');
      expect(digest).toContain('包头市');
    },
  },
  {
    name: 'a report: the centre publishes a task, 包头市’s group gets it, a member submits it',
    async run(w) {
      const published = await w.publishReportTask();
      expect(published).toContain(`BS${YEAR}-0001`);
      await until('the task in 包头市’s group', () => w.baotouSaw().includes(TASK.title));
      const receipt = await w.report('上半年共举办活动 3 场，参加企业 45 家。');
      expect(receipt).toContain('报送回执');
      expect(receipt).toContain('上半年共举办活动 3 场，参加企业 45 家。');
    },
  },
];

describe.each([['Feishu', () => new FeishuWorld()], ['DingTalk', () => new DingTalkWorld()]] as const)('the scenario table on %s', (_name, make) => {
  const world = make();
  const state: { code?: string } = {};
  beforeAll(() => world.start());
  afterAll(() => world.stop());
  // In order: each step builds on the ones before.
  test.each(STEPS.map((s) => [s.name, s] as const))('%s', async (_step, step) => {
    await step.run(world, state);
  });
});

