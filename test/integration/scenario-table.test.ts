import { Harness, startHarness } from '../helpers/bot-harness';
import { Driver, validForm, YEAR } from '../helpers/application-driver';
import { visibleText } from '../helpers/card-text';
import { FakeDingTalk } from '../helpers/fake-dingtalk';
import { ROBOT_CODE } from '../helpers/dingtalk-messages';
import { GROUP_SEND, say, textOf, until } from '../helpers/dingtalk-chat';
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
}

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
  centreSaw() {
    return this.d.toChat(this.centre).map((m) => (m.msgType === 'text' ? m.content.text : visibleText(m.content))).join('\n');
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
      env: {
        DINGTALK_CLIENT_ID: this.dt.clientId,
        DINGTALK_CLIENT_SECRET: this.dt.clientSecret,
        DINGTALK_ROBOT_CODE: ROBOT_CODE,
        DINGTALK_MODE: 'stream',
        DINGTALK_BASE_URL: this.dt.url,
        DINGTALK_ADMIN_STAFF_IDS: this.admin,
        // Only DingTalk: no Feishu credentials, no Feishu admins.
        FEISHU_APP_ID: undefined,
        FEISHU_APP_SECRET: undefined,
        FEISHU_ENCRYPT_KEY: undefined,
        FEISHU_VERIFICATION_TOKEN: undefined,
        ADMIN_OPEN_IDS: undefined,
      },
      bot: { dingtalkStream: { keepAliveMs: 200, silenceMs: 1000, minBackoffMs: 20, maxBackoffMs: 200, timeoutMs: 2000 } },
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
  centreSaw() {
    return this.dt
      .callsTo(GROUP_SEND)
      .filter((c) => c.body.openConversationId === this.centre)
      .map((c) => textOf(c.msgParam))
      .join('\n');
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

