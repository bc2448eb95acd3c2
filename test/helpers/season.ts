import type { DataSource } from 'typeorm';
import { ApplicationService } from '../../src/services/application-service';
import { ExpertService } from '../../src/services/expert-service';
import { NeedService } from '../../src/services/need-service';
import { ReportService } from '../../src/services/report-service';
import { checked, makeNeed } from './factories';
import { messageEvent } from './events';

/** The tenant the event fixtures come from, so that what is seeded answers their commands. */
export const FIXTURE_TENANT: string = messageEvent({ text: '' }).header.tenant_key;

export interface Season {
  /** The application codes, e.g. SQ2027-0001. */
  applicationCodes: string[];
  needCodes: string[];
  taskCode: string;
}

const pad = (n: number) => String(n).padStart(4, '0');

/**
 * A campaign year's worth of records, made through the services as the handlers make them:
 * applications (one decided), needs (one matched with an expert), a report task with submissions.
 */
export async function seedSeason(ds: DataSource, year: number, opts: { applications?: number; now?: () => number } = {}): Promise<Season> {
  const now = opts.now ?? Date.now;
  const tenantKey = FIXTURE_TENANT;
  const applications = new ApplicationService(ds, now);
  const needs = new NeedService(ds, now);
  const experts = new ExpertService(ds, now);
  const reports = new ReportService(ds, now);
  const applicationCodes: string[] = [];
  const count = opts.applications ?? 5;
  for (let i = 1; i <= count; i++) {
    const result = await applications.submit({
      tenantKey,
      actorOpenId: `ou_filer_season_${i}`,
      formToken: `season-${year}-${i}`,
      app: null,
      checked: checked({ orgName: `第 ${i} 家单位科协`, contactName: `联系人${i}`, mobile: `1380013${pad(i)}`, email: `contact${i}@example.com`, startDate: `${year}-06-${10 + i}`, endDate: `${year}-06-${10 + i}` }),
      year,
    });
    if (!result.ok) throw new Error('seedSeason: an application was not submitted');
    applicationCodes.push(`SQ${year}-${pad(result.app.codeSeq!)}`);
    if (i === 1) await applications.transition(result.app, 'approve', 'ou_admin_season');
  }
  const expert = (await experts.upsert(tenantKey, { name: '王专家', organisation: '内蒙古大学', fields: ['new-materials'], contact: '13900139000', openId: null }, 'ou_admin_season')).expert;
  const needCodes: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const n = makeNeed({ enterpriseName: `企业 ${i}`, contactName: `需求联系人${i}`, mobile: `1390013${pad(i)}`, description: `第 ${i} 个需求：请联系 1390013${pad(i)} 或 need${i}@example.com 了解详情。` });
    const { need } = await needs.create({
      tenantKey,
      filerOpenId: `ou_need_filer_${i}`,
      formToken: `season-need-${year}-${i}`,
      year,
      need: { enterpriseName: n.enterpriseName, region: n.region, industry: n.industry, needType: n.needType, description: n.description, contactName: n.contactName, mobile: n.mobile },
    });
    needCodes.push(`XQ${year}-${pad(need.codeSeq)}`);
    if (i === 1) await needs.transition(need, 'match', '已对接', 'ou_admin_season', '下周电话联系', { expertId: expert.id, matchNote: '下周电话联系' });
  }
  const { task } = await reports.create({
    tenantKey,
    formToken: `season-task-${year}`,
    year,
    createdBy: 'ou_admin_season',
    task: { title: `${year} 年上半年工作总结`, description: '请报送上半年活动情况', deadlineAt: Date.UTC(year, 6, 1), regions: ['包头市', '赤峰市'], expects: 'text' },
  });
  await reports.submit(task, '包头市', '上半年举办活动 3 场，参加 320 人。联系人：李四 13700137000，lisi@example.com', 'ou_baotou_reporter');
  await reports.submit(task, '赤峰市', '上半年举办活动 2 场，参加 150 人。', 'ou_chifeng_reporter');
  return { applicationCodes, needCodes, taskCode: `BS${year}-${pad(task.codeSeq)}` };
}
