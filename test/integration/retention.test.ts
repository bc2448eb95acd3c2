import { DateTime } from 'luxon';
import { createJobDeps } from '../../src/bot/job-deps';
import { JobRunner } from '../../src/jobs/job-runner';
import { JOBS } from '../../src/jobs/registry';
import { createLogger } from '../../src/logger';
import { MASKED } from '../../src/ops/retention';
import { ADMIN_OPEN_ID, Harness, startHarness } from '../helpers/bot-harness';
import { visibleText } from '../helpers/card-text';
import { Driver, YEAR } from '../helpers/application-driver';
import { runJob } from '../helpers/job-process';
import { seedSeason, Season } from '../helpers/season';

/**
 * Personal data retention: DATA_RETENTION_YEARS (3) after a campaign year ended, its contacts'
 * names, mobiles and e-mails are gone and its figures remain.
 */

jest.setTimeout(90_000);

let h: Harness;
let d: Driver;
let old: Season;
let recent: Season;

beforeEach(async () => {
  h = await startHarness({ env: { CAMPAIGN_YEAR: String(YEAR) } });
  d = new Driver(h);
  old = await seedSeason(h.bot.ds, YEAR);
  recent = await seedSeason(h.bot.ds, YEAR + 1, { applications: 2 });
});
afterEach(async () => {
  await h.close();
});

const rows = (sql: string) => h.bot.ds.query(sql);
const shanghai = (year: number, month: number, day: number, hour = 9) => DateTime.fromObject({ year, month, day, hour }, { zone: 'Asia/Shanghai' }).toISO()!;

it('three years after a season, its contacts are gone and its figures remain; a rerun changes nothing', async () => {
  // 31 December, three years on: the season ended exactly three years ago less a day. Nothing yet.
  const early = await runJob(h, ['retention', '--now', shanghai(YEAR + 3, 12, 31, 23)]);
  expect({ code: early.code, stderr: early.stderr }).toEqual({ code: 0, stderr: '' });
  expect(early.stdout).toContain(`up to ${YEAR - 1}`);
  expect(early.stdout).toContain('masked contacts of 0 applications, 0 needs');
  expect(await rows(`SELECT COUNT(*) AS n FROM applications WHERE mobile = '${MASKED}'`)).toEqual([{ n: 0 }]);

  // An expert team's travel note (issue 11, item 6) may carry a phone number too.
  await rows(`UPDATE applications SET team_note = '中心派车接站，司机 13800138000' WHERE code_year = ${YEAR}`);
  // Forms half-filled in a DingTalk conversation: one left in the expired season, one since.
  const draft = (user: string, at: number) =>
    rows(`INSERT INTO form_drafts (platform, tenant_key, user_id, form, subject, answers, step, created_at, updated_at) VALUES ('dingtalk', 'corp', '${user}', 'need', '{}', '{"mobile":"13800138000"}', 3, ${at}, ${at})`);
  await draft('old_staff', Date.parse(`${YEAR}-06-01T00:00:00Z`));
  await draft('recent_staff', Date.parse(`${YEAR + 1}-06-01T00:00:00Z`));
  const out = await runJob(h, ['retention', '--now', shanghai(YEAR + 4, 1, 1)]);
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
  expect(await rows('SELECT user_id FROM form_drafts')).toEqual([{ user_id: 'recent_staff' }]);
  expect(out.stdout).toContain(`up to ${YEAR}`);
  expect(out.stdout).toContain('masked contacts of 5 applications, 3 needs; cut mobiles and e-mails from 1 report submissions');

  const apps = await rows(`SELECT code_year, org_name, headcount, core_count, contact_name, mobile, email, status FROM applications ORDER BY id`);
  const oldApps = apps.filter((a: any) => a.code_year === YEAR);
  expect(oldApps).toHaveLength(5);
  for (const a of oldApps) {
    expect(a).toMatchObject({ contact_name: MASKED, mobile: MASKED, email: MASKED, headcount: 100, core_count: 85 });
    expect(a.org_name).toMatch(/^第 \d 家单位科协$/);
  }
  for (const a of apps.filter((x: any) => x.code_year === YEAR + 1)) expect(a.mobile).toMatch(/^1380013\d{4}$/);
  expect(await rows(`SELECT DISTINCT team_note FROM applications WHERE code_year = ${YEAR}`)).toEqual([{ team_note: '中心派车接站，司机 ［手机号已删除］' }]);

  const needs = await rows('SELECT code_year, enterprise_name, contact_name, mobile, description, status FROM needs ORDER BY id');
  for (const n of needs.filter((x: any) => x.code_year === YEAR)) {
    expect(n).toMatchObject({ contact_name: MASKED, mobile: MASKED });
    expect(n.description).toMatch(/^第 \d 个需求：请联系 ［手机号已删除］ 或 ［邮箱已删除］ 了解详情。$/);
  }
  for (const n of needs.filter((x: any) => x.code_year === YEAR + 1)) expect(n.mobile).toMatch(/^1390013\d{4}$/);
  expect(needs.find((n: any) => n.code_year === YEAR).status).toBe('已对接');

  const submissions = await rows('SELECT t.code_year, s.region, s.text FROM report_submissions s JOIN report_tasks t ON t.id = s.task_id ORDER BY s.id');
  expect(submissions.filter((s: any) => s.code_year === YEAR).map((s: any) => s.text)).toEqual([
    '上半年举办活动 3 场，参加 320 人。联系人：李四 ［手机号已删除］，［邮箱已删除］',
    '上半年举办活动 2 场，参加 150 人。',
  ]);
  expect(submissions.filter((s: any) => s.code_year === YEAR + 1)[0].text).toContain('13700137000');

  // What people see: the application's detail keeps its figures and shows the contact as deleted.
  const [detail] = await d.ask(`查询 ${old.applicationCodes[0]}`, { senderOpenId: ADMIN_OPEN_ID });
  const text = visibleText(detail.content);
  expect(text).toContain('100 人');
  expect(text).toContain(MASKED);
  expect(text).not.toMatch(/1380013\d{4}/);
  const [recentDetail] = await d.ask(`查询 ${recent.applicationCodes[0]}`, { senderOpenId: ADMIN_OPEN_ID });
  expect(visibleText(recentDetail.content)).toMatch(/1380013\d{4}/);

  const again = await runJob(h, ['retention', '--now', shanghai(YEAR + 4, 6, 1)]);
  expect(again.stdout).toContain('masked contacts of 0 applications, 0 needs; cut mobiles and e-mails from 0 report submissions');
});

it('runs by itself once a year, on 1 January', async () => {
  const run = (iso: string) => {
    const at = new Date(iso);
    const deps = createJobDeps(h.config, h.bot.ds, h.bot.platform, h.bot.outbox, () => at.getTime());
    return new JobRunner(h.bot.ds, deps, createLogger('silent')).run('retention', JOBS.retention.job, at);
  };
  const masked = async () => (await rows(`SELECT COUNT(*) AS n FROM applications WHERE mobile = '${MASKED}'`))[0].n;
  expect((await run(shanghai(YEAR + 4, 1, 1, 2))).notes).toEqual([]);
  expect(await masked()).toBe(0);
  const first = await run(shanghai(YEAR + 4, 1, 1, 3));
  expect(first.notes.join('\n')).toContain('masked contacts of 5 applications');
  expect(await rows("SELECT occasion FROM job_occasions WHERE job = 'retention'")).toEqual([{ occasion: `year-${YEAR + 4}` }]);
  expect((await run(shanghai(YEAR + 4, 8, 1))).notes).toEqual([]);
  // The next year, the next season goes.
  const next = await run(shanghai(YEAR + 5, 1, 2));
  expect(next.notes.join('\n')).toContain('masked contacts of 2 applications');
  expect(await masked()).toBe(7);
});
