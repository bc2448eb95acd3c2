import { Harness, startHarness } from '../helpers/bot-harness';
import { FakeDingTalk } from '../helpers/fake-dingtalk';
import { GROUP_ID, ROBOT_CODE } from '../helpers/dingtalk-messages';
import { GROUP_SEND, privateTo, say, textOf, until } from '../helpers/dingtalk-chat';
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

function env(): Record<string, string | undefined> {
  return {
    DINGTALK_CLIENT_ID: dt.clientId,
    DINGTALK_CLIENT_SECRET: dt.clientSecret,
    DINGTALK_ROBOT_CODE: ROBOT_CODE,
    DINGTALK_MODE: 'stream',
    DINGTALK_BASE_URL: dt.url,
    DINGTALK_ADMIN_STAFF_IDS: ADMIN,
    FEISHU_APP_ID: undefined,
    FEISHU_APP_SECRET: undefined,
    FEISHU_ENCRYPT_KEY: undefined,
    FEISHU_VERIFICATION_TOKEN: undefined,
    ADMIN_OPEN_IDS: undefined,
  };
}

const FAST_STREAM = { keepAliveMs: 200, silenceMs: 1000, minBackoffMs: 20, maxBackoffMs: 200, timeoutMs: 2000 };

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
