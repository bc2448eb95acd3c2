import { Harness, startHarness } from '../helpers/bot-harness';
import { FakeDingTalk, dingtalkEnv, FAST_STREAM } from '../helpers/fake-dingtalk';
import { GROUP_ID } from '../helpers/dingtalk-messages';
import { GROUP_SEND, privateTo, say, textOf, until } from '../helpers/dingtalk-chat';
import { waitUntilIdle } from '../helpers/idle';
import { TestClock } from '../helpers/test-clock';
import { Application } from '../../src/db/entities/application.entity';
import { FormDraft } from '../../src/db/entities/form-draft.entity';
import { mobileError } from '../../src/domain/contact';

/**
 * Forms as a conversation on DingTalk (issue 12 item 4): 申请 walks the application form one
 * field at a time, checks each answer with the Feishu form's rules and messages, and 提交 files
 * it through the same service (the code, the review card to the centre's group). Asserted on
 * what the fake DingTalk received.
 */

const ADMIN = 'admin0001';
const FILER = '042000297';
const CENTRE_GROUP = GROUP_ID;

let dt: FakeDingTalk;
let h: Harness | undefined;
const clock = () => new TestClock('2027-05-20T09:00:00+08:00');

const env = () => dingtalkEnv(dt, { mode: 'stream', admins: ADMIN, withoutFeishu: 'and-admins' });

async function start(dbDir?: string, at = clock()): Promise<Harness> {
  h = await startHarness({ env: env(), dbDir, clock: at, bot: { dingtalkStream: FAST_STREAM } });
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

/** The answers of a valid application, in the form's order (remarks skipped). */
const ANSWERS: Array<[string, string]> = [
  ['活动类别', '1'],
  ['申请单位名称', '包头市某某科技有限公司'],
  ['所在盟市', '2'],
  ['活动地点', '包头稀土高新区科技园报告厅'],
  ['活动开始日期', '2027-06-10'],
  ['活动结束日期', '2027-06-11'],
  ['活动人数', '100'],
  ['第（2）（3）类人员人数', '85'],
  ['参与企业数', '20'],
  ['自治区十大产业企业数', '15'],
  ['活动对象', '园区企业研发负责人、工程师'],
  ['企业需求', '稀土材料提纯工艺改进'],
  ['活动内容', '1 9'],
  ['联系人', '张敏'],
];

describe('申请 on DingTalk: the application wizard', () => {
  test('filed field by field (a wrong mobile corrected on the way), reviewed by the centre group', async () => {
    await start();
    expect(await say(dt, ADMIN, '绑定 中心', { group: CENTRE_GROUP })).toContain('科创服务中心工作群');

    let answer = await say(dt, FILER, '申请');
    expect(answer).toContain('第 1/17 项：活动类别');
    expect(answer).toContain('1. 企业创新能力提升活动');
    expect(answer).toContain('最早可选 2027-05-30 开始');

    for (const [i, [label, text]] of ANSWERS.entries()) {
      expect(answer).toContain(`第 ${i + 1}/17 项：${label}`);
      answer = await say(dt, FILER, text);
    }
    // The mobile: the Feishu form's own message, and the question again.
    expect(answer).toContain('第 15/17 项：手机号码');
    answer = await say(dt, FILER, '1380013800');
    expect(answer).toContain(`⚠ ${mobileError('1380013800')}`);
    expect(answer).toContain('第 15/17 项：手机号码');
    answer = await say(dt, FILER, '138 0013 8000');
    expect(answer).toContain('第 16/17 项：电子邮箱');
    // 上一步 shows the mobile as kept; 跳过 keeps it.
    answer = await say(dt, FILER, '上一步');
    expect(answer).toContain('当前填写：138 0013 8000');
    answer = await say(dt, FILER, '跳过');
    expect(answer).toContain('第 16/17 项：电子邮箱');
    // A required field cannot be skipped.
    expect(await say(dt, FILER, '跳过')).toContain('「电子邮箱」为必填项，不能跳过');
    answer = await say(dt, FILER, 'zhangmin@example.com');
    expect(answer).toContain('第 17/17 项：备注（选填）');
    answer = await say(dt, FILER, '跳过');
    expect(answer).toContain('全部填写完毕');
    expect(answer).toContain('2. 申请单位名称：包头市某某科技有限公司');
    expect(answer).toContain('3. 所在盟市：包头市');
    expect(answer).toContain('17. 备注：（未填）');

    const groupBefore = dt.callsTo(GROUP_SEND).length;
    answer = await say(dt, FILER, '提交');
    expect(answer).toContain('SQ2027-0001');
    expect(answer).toContain('申请已提交');
    // The review card went to the centre's group, as the Feishu form's submission sends it.
    await until('the review card', () => dt.callsTo(GROUP_SEND).length > groupBefore);
    const review = dt.callsTo(GROUP_SEND).slice(groupBefore).map((c) => textOf(c.msgParam)).join('\n');
    expect(review).toContain('SQ2027-0001');
    expect(review).toContain('包头市某某科技有限公司');

    const apps = await h!.bot.ds.getRepository(Application).find();
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ status: '待审核', filerOpenId: FILER, mobile: '13800138000', region: '包头市', startDate: '2027-06-10', endDate: '2027-06-11' });
    expect(await h!.bot.ds.getRepository(FormDraft).count()).toBe(0);

    // 查询 shows it.
    expect(await say(dt, FILER, '查询')).toContain('SQ2027-0001');
  });
});

describe('the wizard words and drafts', () => {
  test('a draft survives a restart and is resumed by 继续填写 or by the form command again', async () => {
    await start();
    const dbDir = h!.dbDir;
    expect(await say(dt, FILER, '需求')).toContain('第 1/7 项：企业名称');
    expect(await say(dt, FILER, '包头稀土永磁科技有限公司')).toContain('第 2/7 项：所在盟市');
    expect(await say(dt, FILER, '包头市')).toContain('第 3/7 项：行业');

    await h!.stopBot();
    const first = h!;
    h = await startHarness({ env: env(), dbDir, clock: clock(), bot: { dingtalkStream: FAST_STREAM } });
    await until('a new connection', () => dt.openSockets().length === 1);
    let answer = await say(dt, FILER, '继续填写');
    expect(answer).toContain('第 3/7 项：行业');
    answer = await say(dt, FILER, '查看');
    expect(answer).toContain('1. 企业名称：包头稀土永磁科技有限公司');
    expect(answer).toContain('2. 所在盟市：包头市');
    expect(answer).toContain('3. 行业：（未填）');
    // 需求 again resumes instead of starting over.
    answer = await say(dt, FILER, '需求');
    expect(answer).toContain('您有一份未填完的企业需求登记');
    expect(answer).toContain('第 3/7 项：行业');
    // Another form is not started over it.
    expect(await say(dt, FILER, '申请')).toContain('您还有一份未填完的「企业需求登记」');
    await h.close();
    h = first;
  });

  test('bare 取消 ends the wizard; 取消 <编号> <原因> is still the command that cancels an activity', async () => {
    await start();
    await say(dt, FILER, '需求');
    await say(dt, FILER, '包头稀土永磁科技有限公司');
    // Inside the wizard, 取消 with a code runs the existing command (here: no such application) and the draft stays.
    const command = await say(dt, FILER, '取消 SQ2027-0009 场地无法落实');
    expect(command).toContain('没有找到您可以操作的申请 SQ2027-0009');
    expect(await h!.bot.ds.getRepository(FormDraft).count()).toBe(1);
    expect(await say(dt, FILER, '查看')).toContain('1. 企业名称：包头稀土永磁科技有限公司');
    // Bare 取消 is the wizard's.
    expect(await say(dt, FILER, '取消')).toContain('已取消填写企业需求登记');
    expect(await h!.bot.ds.getRepository(FormDraft).count()).toBe(0);
    // With no form in progress: 取消 is the command (asks for the code); the other words say there is no form.
    expect(await say(dt, FILER, '取消')).toContain('请写明申请编号');
    expect(await say(dt, FILER, '上一步')).toContain('您当前没有正在填写的表单');
  });

  test('a message delivered twice (the same msgId) is applied once', async () => {
    await start();
    await say(dt, FILER, '需求');
    const { robotMessage } = await import('../helpers/dingtalk-messages');
    const message = robotMessage({ text: '包头稀土永磁科技有限公司', staffId: FILER });
    const before = privateTo(dt, FILER).length;
    await dt.pushRobotMessage(message);
    await dt.pushRobotMessage(message);
    await until('the answer', () => privateTo(dt, FILER).length === before + 1);
    // The marker: a later message (another person's) is answered and the bot is idle.
    expect(await say(dt, ADMIN, '帮助')).toContain('帮助');
    await waitUntilIdle(h!);
    expect(privateTo(dt, FILER)).toHaveLength(before + 1);
    const [draft] = await h!.bot.ds.getRepository(FormDraft).find();
    expect(draft.step).toBe(1);
  });

  test('需求 through the wizard files the need with the centre told', async () => {
    await start();
    await say(dt, ADMIN, '绑定 中心', { group: CENTRE_GROUP });
    await say(dt, FILER, '需求');
    await say(dt, FILER, '包头稀土永磁科技有限公司');
    await say(dt, FILER, '包头市');
    const industries = await say(dt, FILER, '99');
    expect(industries).toContain('请回复选项前的数字');
    await say(dt, FILER, '1');
    await say(dt, FILER, '1');
    expect(await say(dt, FILER, '太短')).toContain('⚠ 需求描述太简短');
    await say(dt, FILER, '烧结钕铁硼磁体的晶界扩散工艺一致性不足，希望专家指导');
    await say(dt, FILER, '李工');
    expect(await say(dt, FILER, '13900139000')).toContain('全部填写完毕');
    const groupBefore = dt.callsTo(GROUP_SEND).length;
    expect(await say(dt, FILER, '提交')).toContain('XQ2027-0001');
    await until('the centre card', () => dt.callsTo(GROUP_SEND).length > groupBefore);
    expect(textOf(dt.callsTo(GROUP_SEND).at(-1)!.msgParam)).toContain('新的企业需求');
  });

  test('专家 添加 is an admin’s: others are refused and nothing is stored', async () => {
    await start();
    expect(await say(dt, FILER, '专家 添加')).toContain('只有科创服务中心的管理员');
    expect(await h!.bot.ds.getRepository(FormDraft).count()).toBe(0);
    expect(await say(dt, ADMIN, '专家 添加')).toContain('第 1/5 项：姓名');
    await say(dt, ADMIN, '周敏');
    await say(dt, ADMIN, '内蒙古工业大学');
    expect(await say(dt, ADMIN, '1 3')).toContain('第 4/5 项：联系方式');
    await say(dt, ADMIN, '13700001234');
    expect(await say(dt, ADMIN, '跳过')).toContain('全部填写完毕');
    expect(await say(dt, ADMIN, '提交')).toContain('周敏');
    const [expert] = await h!.bot.ds.query('SELECT name, organisation, contact FROM experts');
    expect(expert).toEqual({ name: '周敏', organisation: '内蒙古工业大学', contact: '13700001234' });
  });
});

describe('总结 and 报送 on DingTalk', () => {
  /** Files an application through the wizard; returns its id. */
  async function fileApplication(): Promise<number> {
    await say(dt, FILER, '申请');
    for (const [, text] of ANSWERS) await say(dt, FILER, text);
    await say(dt, FILER, '13800138000');
    await say(dt, FILER, 'zhangmin@example.com');
    await say(dt, FILER, '跳过');
    await say(dt, FILER, '提交');
    const [app] = await h!.bot.ds.getRepository(Application).find();
    return app.id;
  }

  test('修改 <编号> after 退回: the wizard starts at the summary with what was filed; a changed field is resubmitted', async () => {
    await start();
    await say(dt, ADMIN, '绑定 中心', { group: CENTRE_GROUP });
    await fileApplication();
    expect(await say(dt, ADMIN, '退回 SQ2027-0001 请写明具体的报告厅')).toContain('SQ2027-0001');
    await until('the filer’s notice', () => privateTo(dt, FILER).some((c) => textOf(c.msgParam).includes('退回')));
    // Somebody else may not change it: the command's refusal, no draft.
    await say(dt, 'someone1', '修改 SQ2027-0001');
    expect(await h!.bot.ds.getRepository(FormDraft).count()).toBe(0);

    let answer = await say(dt, FILER, '修改 SQ2027-0001');
    expect(answer).toContain('修改申请 SQ2027-0001');
    expect(answer).toContain('4. 活动地点：包头稀土高新区科技园报告厅');
    expect(answer).toContain('5. 活动开始日期：2027-06-10');
    answer = await say(dt, FILER, '4');
    expect(answer).toContain('当前填写：包头稀土高新区科技园报告厅');
    // The only field changed: back to the summary.
    answer = await say(dt, FILER, '包头稀土高新区科技园 2 号报告厅');
    expect(answer).toContain('全部填写完毕');
    const groupBefore = dt.callsTo(GROUP_SEND).length;
    expect(await say(dt, FILER, '提交')).toContain('修改已提交');
    await until('the new review card', () => dt.callsTo(GROUP_SEND).length > groupBefore);
    const [app] = await h!.bot.ds.getRepository(Application).find();
    expect(app).toMatchObject({ status: '待审核', venue: '包头稀土高新区科技园 2 号报告厅', codeSeq: 1 });
  });

  test('总结 <编号> walks the evaluation summary of a held activity and files it', async () => {
    await start();
    await say(dt, ADMIN, '绑定 中心', { group: CENTRE_GROUP });
    const id = await fileApplication();
    expect(await say(dt, FILER, '总结 SQ2027-0001')).toContain('活动举办后才能填写评估总结');
    // Setup: the activity took place (approval and holding are other features' steps).
    await h!.bot.ds.query("UPDATE applications SET status = '已举办' WHERE id = ?", [id]);
    // Somebody else may not file it.
    expect(await say(dt, 'someone1', '总结 SQ2027-0001')).toContain('只有申请人本人或中心管理员可以填写');
    expect(await h!.bot.ds.getRepository(FormDraft).count()).toBe(0);

    let answer = await say(dt, FILER, '总结');
    expect(answer).toContain('第 1/7 项：实际参加人数');
    await say(dt, FILER, '90');
    expect(await say(dt, FILER, '95')).toContain('⚠ 第（2）（3）类人员人数不能超过实际参加人数');
    await say(dt, FILER, '80');
    await say(dt, FILER, '20');
    answer = await say(dt, FILER, '15');
    expect(answer).toContain('5 非常满意');
    await say(dt, FILER, '5');
    await say(dt, FILER, '解决了两项工艺难题');
    expect(await say(dt, FILER, '跳过')).toContain('5. 满意度（1–5）：5 非常满意');
    const groupBefore = dt.callsTo(GROUP_SEND).length;
    expect(await say(dt, FILER, '提交')).toContain('活动评估总结已提交');
    await until('the centre copy', () => dt.callsTo(GROUP_SEND).length > groupBefore);
    const [app] = await h!.bot.ds.getRepository(Application).find();
    expect(app.status).toBe('已总结');
  });

  test('报送 in a bound 盟市 group: the task’s form privately as a conversation, submitted for that 盟市', async () => {
    await start();
    const BAOTOU_GROUP = 'cidBaotouGroup==';
    await say(dt, ADMIN, '绑定 包头市', { group: BAOTOU_GROUP });
    const { ReportService } = await import('../../src/services/report-service');
    const now = h!.clock.now;
    await new ReportService(h!.bot.ds, now).create({
      tenantKey: (await h!.bot.ds.query('SELECT tenant_key FROM chat_bindings'))[0].tenant_key,
      formToken: 'wizard-test-task',
      year: 2027,
      createdBy: ADMIN,
      task: { title: '上半年落实情况', description: '请报送上半年活动开展情况', deadlineAt: now() + 7 * 86_400_000, regions: ['包头市'], expects: 'text' },
    });
    expect(await say(dt, FILER, '报送', { group: BAOTOU_GROUP })).toContain('报送表已私聊发给您');
    await until('the private question', () => privateTo(dt, FILER).length > 0);
    const answer = privateTo(dt, FILER).map((c) => textOf(c.msgParam)).join('\n');
    expect(answer).toContain('BS2027-0001「上半年落实情况」');
    expect(answer).toContain('第 1/1 项：报送内容（包头市）');
    expect(await say(dt, FILER, '跳过')).toContain('必填项');
    expect(await say(dt, FILER, '上半年共举办活动 3 场，参加企业 45 家。')).toContain('全部填写完毕');
    expect(await say(dt, FILER, '提交')).toContain('报送回执');
    const [submission] = await h!.bot.ds.query('SELECT region, text, submitted_by FROM report_submissions');
    expect(submission).toEqual({ region: '包头市', text: '上半年共举办活动 3 场，参加企业 45 家。', submitted_by: FILER });
  });
});

describe('发起报送 on DingTalk', () => {
  test('the centre publishes a task as a conversation; it reaches the 盟市 group, and a member reports', async () => {
    await start();
    const BAOTOU_GROUP = 'cidBaotouGroup==';
    await say(dt, ADMIN, '绑定 包头市', { group: BAOTOU_GROUP });
    expect(await say(dt, FILER, '发起报送')).toContain('只有科创服务中心的管理员');
    expect(await h!.bot.ds.getRepository(FormDraft).count()).toBe(0);

    expect(await say(dt, ADMIN, '发起报送')).toContain('第 1/5 项：任务名称');
    await say(dt, ADMIN, '上半年落实情况');
    expect(await say(dt, ADMIN, '请报送上半年活动开展情况')).toContain('请按 2027-06-30 17:00 的格式回复');
    expect(await say(dt, ADMIN, '2027-05-01 17:00')).toContain('⚠ 截止时间需晚于现在');
    expect(await say(dt, ADMIN, '2027-06-30 17:00')).toContain('默认：呼和浩特市、包头市');
    expect(await say(dt, ADMIN, '2')).toContain('第 5/5 项：报送形式');
    expect(await say(dt, ADMIN, '1')).toContain('4. 报送的盟市：包头市');
    const groupBefore = dt.callsTo(GROUP_SEND).length;
    expect(await say(dt, ADMIN, '提交')).toContain('BS2027-0001');
    await until('the task in the group', () => dt.callsTo(GROUP_SEND).length > groupBefore);
    const task = dt.callsTo(GROUP_SEND).at(-1)!;
    expect(task.body.openConversationId).toBe(BAOTOU_GROUP);
    expect(textOf(task.msgParam)).toContain('上半年落实情况');

    await say(dt, FILER, '报送', { group: BAOTOU_GROUP });
    await until('the private question', () => privateTo(dt, FILER).length > 0);
    expect(await say(dt, FILER, '上半年共举办活动 3 场。')).toContain('全部填写完毕');
    expect(await say(dt, FILER, '提交')).toContain('报送回执');
  });
});
