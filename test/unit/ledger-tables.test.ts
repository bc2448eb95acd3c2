import type { DataSource } from 'typeorm';
import { ActivitySummary } from '../../src/db/entities/activity-summary.entity';
import { Application } from '../../src/db/entities/application.entity';
import { Expert } from '../../src/db/entities/expert.entity';
import { Need } from '../../src/db/entities/need.entity';
import { ReportFile } from '../../src/db/entities/report-file.entity';
import { ReportSubmission } from '../../src/db/entities/report-submission.entity';
import { ReportTask } from '../../src/db/entities/report-task.entity';
import { APPLICATION_TABLE, LEDGER_TABLES, NEED_TABLE, REPORT_TABLE } from '../../src/services/ledger/ledger-tables';
import { makeApp, makeNeed, T0 } from '../helpers/factories';
import { closeTempDatabase, openTempDatabase } from '../helpers/temp-database';

/**
 * ledger-tables.ts on SQLite: the three 台账 tables' columns (names, types, formats) as the
 * worker creates them in the Base, and each table's row read from the database with its exact
 * values: codes, dates as the schedule zone's midnight, percentages with one decimal, linked
 * experts and activities, report files in the order they came; and null for what is not recorded.
 */

const TZ = 'Asia/Shanghai';
const CHANGED = T0 + 5_000;
const HOUR = 3_600_000;
/** Unique form tokens and message ids. */
let seq = 0;

let ds: DataSource;
beforeEach(async () => {
  ds = await openTempDatabase('ledger-tables-');
});
afterEach(async () => {
  await closeTempDatabase(ds);
});

const read = (table: typeof APPLICATION_TABLE, id: number) => table.read(ds.manager, id, { timezone: TZ, changedAt: CHANGED });

async function saveExpert(name: string, organisation: string): Promise<Expert> {
  return ds.getRepository(Expert).save({
    tenantKey: 'tenant_1',
    name,
    organisation,
    fields: '稀土材料',
    contact: '13900000000',
    openId: null,
    addedBy: 'ou_admin',
    createdAt: T0,
    updatedAt: T0,
    deletedAt: null,
    originPlatform: 'feishu',
    originTenant: 'tenant_1',
  } as Expert);
}

async function saveApp(over: Partial<Application> = {}): Promise<Application> {
  const { id: _id, ...rest } = makeApp({ formToken: `tok_app_${(seq += 1)}`, ...over });
  return ds.getRepository(Application).save(rest as Application);
}

async function saveNeed(over: Partial<Need> = {}): Promise<Need> {
  const { id: _id, ...rest } = makeNeed({ formToken: `tok_need_${(seq += 1)}`, ...over });
  return ds.getRepository(Need).save(rest as Need);
}

describe('columns', () => {
  it('names the three tables and lists their columns, types and formats in order', () => {
    expect(LEDGER_TABLES.map((t) => [t.entity, t.name])).toEqual([
      ['application', '活动申请台账'],
      ['need', '企业需求台账'],
      ['report', '报送台账'],
    ]);
    const DATE = { date_formatter: 'yyyy/MM/dd', auto_fill: false };
    const INSTANT = { date_formatter: 'yyyy/MM/dd HH:mm', auto_fill: false };
    const text = (name: string) => ({ name, type: 'text' });
    const select = (name: string) => ({ name, type: 'singleSelect' });
    const count = (name: string) => ({ name, type: 'number', property: { formatter: '0' } });
    const percent = (name: string) => ({ name, type: 'number', property: { formatter: '0.0' } });
    const date = (name: string) => ({ name, type: 'dateTime', property: DATE });
    const instant = (name: string) => ({ name, type: 'dateTime', property: INSTANT });
    const flag = (name: string) => ({ name, type: 'checkbox' });
    expect(APPLICATION_TABLE.fields).toEqual([
      text('编号'),
      select('所在盟市'),
      text('申请单位'),
      select('活动类别'),
      date('活动开始日期'),
      date('活动结束日期'),
      text('活动地点'),
      count('计划人数'),
      percent('计划第（2）（3）类人员占比（%）'),
      percent('计划十大产业企业占比（%）'),
      count('实际人数'),
      percent('实际第（2）（3）类人员占比（%）'),
      percent('实际十大产业企业占比（%）'),
      select('状态'),
      select('审核结论'),
      text('审核意见'),
      instant('审核时间'),
      flag('已收盖章扫描件'),
      flag('已提交总结'),
      text('专家'),
      text('专家团队'),
      instant('提交时间'),
      instant('最近更新'),
    ]);
    expect(NEED_TABLE.fields).toEqual([
      text('编号'),
      text('企业名称'),
      select('所在盟市'),
      select('行业'),
      select('需求类型'),
      select('状态'),
      text('对接专家'),
      text('专家单位'),
      text('关联活动'),
      instant('提交时间'),
      instant('最近更新'),
    ]);
    expect(REPORT_TABLE.fields).toEqual([
      text('报送'),
      text('任务编号'),
      text('任务'),
      select('所在盟市'),
      select('状态'),
      instant('截止时间'),
      instant('提交时间'),
      count('提交次数'),
      count('附件数'),
      text('附件'),
      instant('最近更新'),
    ]);
  });
});

describe('活动申请台账', () => {
  async function saveSummary(applicationId: number, headcount: number, coreCount: number, enterpriseCount: number, keyIndustryCount: number): Promise<void> {
    await ds.getRepository(ActivitySummary).save({
      applicationId,
      headcount,
      coreCount,
      enterpriseCount,
      keyIndustryCount,
      satisfaction: 95,
      outcomes: '解决了两项工艺问题',
      followupNeeds: '无',
      filedBy: 'ou_filer1',
      filedAt: T0 + 3 * HOUR,
      originPlatform: 'feishu',
      originTenant: 'tenant_1',
    } as ActivitySummary);
  }

  it('reads an approved application with its summary, linked experts and team', async () => {
    const wang = await saveExpert('王五', '内蒙古大学');
    const li = await saveExpert('李四', '包头稀土研究院');
    const zhao = await saveExpert('赵六', '内蒙古工业大学'); // linked to another application only: left out
    // Another application, stored first, with its own summary and expert: none of it is read.
    const before = await saveApp({ codeSeq: 11, status: '已总结', orgName: '呼和浩特某某公司', region: '呼和浩特市', decidedAt: T0 + HOUR, decisionReason: '同意' });
    await saveSummary(before.id, 40, 10, 8, 2);
    await saveNeed({ codeSeq: 6, applicationId: before.id, expertId: zhao.id });
    const app = await saveApp({
      status: '已总结',
      decidedAt: T0 + HOUR,
      decisionReason: '材料齐全',
      attachedAt: T0 + 2 * HOUR,
      teamExperts: JSON.stringify([
        { id: 1, name: '甲专家' },
        { id: 2, name: '乙专家' },
      ]),
      teamNote: '6月9日抵达包头',
    });
    // Linked in the order 李四, 王五, 李四 again (named once), one without an expert; listed as stored.
    await saveNeed({ codeSeq: 1, applicationId: app.id, expertId: li.id });
    await saveNeed({ codeSeq: 2, applicationId: app.id, expertId: wang.id });
    await saveNeed({ codeSeq: 3, applicationId: app.id, expertId: li.id });
    await saveNeed({ codeSeq: 4, applicationId: app.id, expertId: null });
    await saveNeed({ codeSeq: 5, applicationId: null, expertId: wang.id });
    await saveSummary(app.id, 90, 61, 30, 7);
    // And one stored after, with a summary and an expert of its own.
    const after = await saveApp({ codeSeq: 13, status: '已总结' });
    await saveSummary(after.id, 50, 20, 10, 5);
    await saveNeed({ codeSeq: 7, applicationId: after.id, expertId: zhao.id });

    expect(await read(APPLICATION_TABLE, app.id)).toEqual({
      编号: 'SQ2027-0012',
      所在盟市: '包头市',
      申请单位: '包头稀土高新区某某科技有限公司',
      活动类别: '能力提升',
      活动开始日期: Date.UTC(2027, 5, 9, 16),
      活动结束日期: Date.UTC(2027, 5, 10, 16),
      活动地点: '包头稀土高新区某某园区报告厅',
      计划人数: 120,
      '计划第（2）（3）类人员占比（%）': 83.3,
      '计划十大产业企业占比（%）': 75,
      实际人数: 90,
      '实际第（2）（3）类人员占比（%）': 67.8,
      '实际十大产业企业占比（%）': 23.3,
      状态: '已总结',
      审核结论: '通过',
      审核意见: '材料齐全',
      审核时间: T0 + HOUR,
      已收盖章扫描件: true,
      已提交总结: true,
      专家: '王五、李四',
      专家团队: '甲专家、乙专家（行程：6月9日抵达包头）',
      提交时间: T0,
      最近更新: CHANGED,
    });
  });

  it('reads an application waiting for review: no conclusion, no summary, no experts, no team', async () => {
    // An application stored before it has a summary and an expert: they are not this one's.
    const other = await saveApp({ codeSeq: 11, status: '已总结' });
    await saveSummary(other.id, 40, 10, 8, 2);
    await saveNeed({ codeSeq: 1, applicationId: other.id, expertId: (await saveExpert('赵六', '内蒙古工业大学')).id });
    const app = await saveApp();
    expect(await read(APPLICATION_TABLE, app.id)).toMatchObject({
      编号: 'SQ2027-0012',
      状态: '待审核',
      实际人数: null,
      '实际第（2）（3）类人员占比（%）': null,
      '实际十大产业企业占比（%）': null,
      审核结论: null,
      审核意见: null,
      审核时间: null,
      已收盖章扫描件: false,
      已提交总结: false,
      专家: null,
      专家团队: null,
      最近更新: CHANGED,
    });
  });

  it.each([
    ['已退回', '退回修改'],
    ['未通过', '不予受理'],
    ['已通过', '通过'],
  ] as const)('gives %s the conclusion %s', async (status, conclusion) => {
    const app = await saveApp({ status });
    expect((await read(APPLICATION_TABLE, app.id))?.审核结论).toBe(conclusion);
  });

  it('shows a team without a travel note as its names only', async () => {
    const app = await saveApp({ teamExperts: JSON.stringify([{ id: 1, name: '甲专家' }]), teamNote: null });
    expect((await read(APPLICATION_TABLE, app.id))?.专家团队).toBe('甲专家');
  });

  it('leaves ratios empty without a whole, and dates empty when missing or not a date', async () => {
    const app = await saveApp({ headcount: 0, coreCount: 0, enterpriseCount: 0, keyIndustryCount: 0, startDate: null, endDate: '2027-13-40' });
    await ds.getRepository(ActivitySummary).save({
      applicationId: app.id,
      headcount: 0,
      coreCount: 0,
      enterpriseCount: 0,
      keyIndustryCount: 0,
      satisfaction: 0,
      outcomes: '',
      followupNeeds: '',
      filedBy: 'ou_filer1',
      filedAt: T0,
      originPlatform: 'feishu',
      originTenant: 'tenant_1',
    } as ActivitySummary);
    expect(await read(APPLICATION_TABLE, app.id)).toMatchObject({
      活动开始日期: null,
      活动结束日期: null,
      计划人数: 0,
      '计划第（2）（3）类人员占比（%）': null,
      '计划十大产业企业占比（%）': null,
      实际人数: 0,
      '实际第（2）（3）类人员占比（%）': null,
      '实际十大产业企业占比（%）': null,
      已提交总结: true,
    });
  });

  it('gives a zero part as 0 %, not empty', async () => {
    const app = await saveApp({ coreCount: 0, keyIndustryCount: 0 });
    expect(await read(APPLICATION_TABLE, app.id)).toMatchObject({ '计划第（2）（3）类人员占比（%）': 0, '计划十大产业企业占比（%）': 0 });
  });

  it('leaves the part empty when it is unknown', async () => {
    const app = await saveApp({ coreCount: null, keyIndustryCount: null });
    expect(await read(APPLICATION_TABLE, app.id)).toMatchObject({ '计划第（2）（3）类人员占比（%）': null, '计划十大产业企业占比（%）': null });
  });

  it('records nothing for a draft, an application without a code, or one that is gone', async () => {
    const draft = await saveApp({ status: '草稿' });
    const noCode = await saveApp({ codeYear: null as any, codeSeq: null as any });
    expect(await read(APPLICATION_TABLE, draft.id)).toBeNull();
    expect(await read(APPLICATION_TABLE, noCode.id)).toBeNull();
    expect(await read(APPLICATION_TABLE, 999)).toBeNull();
  });
});

describe('企业需求台账', () => {
  it('reads a matched need with its expert and linked activity', async () => {
    await saveExpert('赵六', '内蒙古工业大学');
    const li = await saveExpert('李四', '包头稀土研究院');
    await saveApp({ codeSeq: 3 });
    const app = await saveApp({ codeSeq: 9 });
    const need = await saveNeed({ codeSeq: 7, industry: 'rare-earth', status: '已对接', expertId: li.id, applicationId: app.id });
    expect(await read(NEED_TABLE, need.id)).toEqual({
      编号: 'XQ2027-0007',
      企业名称: '包头某某稀土材料有限公司',
      所在盟市: '包头市',
      行业: '稀土及新材料',
      需求类型: '技术攻关',
      状态: '已对接',
      对接专家: '李四',
      专家单位: '包头稀土研究院',
      关联活动: 'SQ2027-0009',
      提交时间: T0,
      最近更新: CHANGED,
    });
  });

  it('leaves expert and activity empty when there are none, or when the activity has no code', async () => {
    const need = await saveNeed();
    expect(await read(NEED_TABLE, need.id)).toMatchObject({ 编号: 'XQ2027-0001', 对接专家: null, 专家单位: null, 关联活动: null });
    const draft = await saveApp({ status: '草稿', codeYear: null as any, codeSeq: null as any });
    const linked = await saveNeed({ codeSeq: 2, applicationId: draft.id, expertId: 999 });
    expect(await read(NEED_TABLE, linked.id)).toMatchObject({ 对接专家: null, 专家单位: null, 关联活动: null });
  });

  it('records nothing for a need that is gone', async () => {
    expect(await read(NEED_TABLE, 999)).toBeNull();
  });
});

describe('报送台账', () => {
  async function saveTask(over: Partial<ReportTask> = {}): Promise<ReportTask> {
    return ds.getRepository(ReportTask).save({
      tenantKey: 'tenant_1',
      formToken: `tok_task_${over.codeSeq ?? 2}`,
      codeYear: 2027,
      codeSeq: 2,
      title: '五月活动开展情况',
      description: '请报送本月活动开展情况',
      deadlineAt: T0 + 24 * HOUR,
      regions: JSON.stringify(['包头市', '呼和浩特市']),
      expects: 'both',
      createdBy: 'ou_admin',
      progressKeys: '[]',
      version: 1,
      createdAt: T0,
      originPlatform: 'feishu',
      originTenant: 'tenant_1',
      ...over,
    } as ReportTask);
  }
  async function saveSub(taskId: number, over: Partial<ReportSubmission> = {}): Promise<ReportSubmission> {
    return ds.getRepository(ReportSubmission).save({
      taskId,
      region: '包头市',
      text: '已开展三场活动',
      submittedBy: 'ou_filer1',
      submittedAt: T0 + 2 * HOUR,
      late: false,
      times: 2,
      originPlatform: 'feishu',
      originTenant: 'tenant_1',
      ...over,
    } as ReportSubmission);
  }
  async function saveFile(submissionId: number, at: number, kind: 'image' | 'file', name: string | null): Promise<void> {
    await ds.getRepository(ReportFile).save({ submissionId, kind, fileKey: `key_${at}`, name, messageId: `om_${(seq += 1)}`, sentBy: 'ou_filer1', at } as ReportFile);
  }

  it('reads a submission with its files in the order they came, unnamed ones as 图片 / 文件', async () => {
    // Tasks stored before and after it, with a submission each: only the submission's own task is read.
    const earlier = await saveTask({ codeSeq: 1, title: '四月活动开展情况', deadlineAt: T0 - 24 * HOUR });
    await saveSub(earlier.id);
    const task = await saveTask();
    const later = await saveTask({ codeSeq: 3, title: '六月活动开展情况', deadlineAt: T0 + 48 * HOUR });
    await saveSub(later.id);
    const other = await saveSub(task.id, { region: '呼和浩特市' });
    const sub = await saveSub(task.id);
    await saveFile(sub.id, T0 + 3 * HOUR, 'file', '第二份.pdf');
    await saveFile(sub.id, T0 + HOUR, 'image', null);
    await saveFile(other.id, T0 + HOUR, 'file', '别的盟市.pdf');
    await saveFile(sub.id, T0 + 3 * HOUR, 'file', null);
    await saveFile(sub.id, T0 + 2 * HOUR, 'file', '第一份.docx');
    expect(await read(REPORT_TABLE, sub.id)).toEqual({
      报送: 'BS2027-0002 · 包头市',
      任务编号: 'BS2027-0002',
      任务: '五月活动开展情况',
      所在盟市: '包头市',
      状态: '已提交',
      截止时间: T0 + 24 * HOUR,
      提交时间: T0 + 2 * HOUR,
      提交次数: 2,
      附件数: 4,
      附件: '图片、第一份.docx、第二份.pdf、文件',
      最近更新: CHANGED,
    });
  });

  it('reads a submission without files: 待补附件 when a file is expected, none listed', async () => {
    const task = await saveTask({ expects: 'file' });
    const sub = await saveSub(task.id);
    expect(await read(REPORT_TABLE, sub.id)).toMatchObject({ 状态: '待补附件', 附件数: 0, 附件: null });
  });

  it('records nothing for a submission that is gone or whose task is gone', async () => {
    const orphan = await saveSub(999);
    expect(await read(REPORT_TABLE, orphan.id)).toBeNull();
    expect(await read(REPORT_TABLE, 998)).toBeNull();
  });
});
