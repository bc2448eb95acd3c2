import type { Application } from '../../src/db/entities/application.entity';
import type { NeedEvent } from '../../src/db/entities/need-event.entity';
import type { Need } from '../../src/db/entities/need.entity';
import type { CheckedApplication } from '../../src/domain/application-rules';

/**
 * Whole entities for unit tests: every column filled, `over` replacing any of them. A test file
 * that needs other defaults wraps these with its own (e.g. an application already held). Also
 * the checked values of an application form, for the ApplicationService tests (SQLite and
 * PostgreSQL alike).
 */

/** 2027-05-20 09:30 in Shanghai (01:30 UTC): a fixed instant, shown in a time zone whatever the machine's. */
export const T0 = Date.UTC(2027, 4, 20, 1, 30);
const HOUR = 3_600_000;

/** An application with every column, submitted at T0 and waiting for review. */
export function makeApp(over: Partial<Application> = {}): Application {
  const app: Application = {
    id: 7,
    tenantKey: 'tenant_1',
    formToken: 'tok_0123456789abcdef',
    codeYear: 2027,
    codeSeq: 12,
    filerOpenId: 'ou_filer1',
    status: '待审核',
    version: 3,
    kind: '能力提升',
    orgName: '包头稀土高新区某某科技有限公司',
    region: '包头市',
    venue: '包头稀土高新区某某园区报告厅',
    startDate: '2027-06-10',
    endDate: '2027-06-11',
    headcount: 120,
    coreCount: 100,
    enterpriseCount: 20,
    keyIndustryCount: 15,
    audience: '园区企业研发负责人、工程师、一线职工',
    needs: '稀土新材料中试放大的工艺问题；科技政策申报辅导',
    topics: JSON.stringify(['lecture-4', 'exchange-1']),
    contactName: '张三',
    mobile: '13800138000',
    email: 'zhang@example.com',
    remarks: null,
    draftForm: null,
    attachmentKind: null,
    attachmentKey: null,
    attachmentName: null,
    attachmentMessageId: null,
    attachedAt: null,
    reviewKeys: null,
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    changeRequest: null,
    dateChanges: 0,
    cancelReason: null,
    cancelledBy: null,
    cancelledAt: null,
    teamExperts: null,
    teamNote: null,
    teamBy: null,
    teamAt: null,
    submittedAt: T0,
    createdAt: T0 - HOUR,
    updatedAt: T0,
    originPlatform: 'feishu',
    originTenant: 'tenant_1',
  };
  return Object.assign(app, over);
}

/** A need (企业需求) with every column, filed at T0 and waiting to be matched. */
export function makeNeed(over: Partial<Need> = {}): Need {
  return {
    id: 42,
    tenantKey: 'tenant_1',
    originPlatform: 'feishu',
    originTenant: 'tenant_1',
    formToken: 'tok_need_1',
    codeYear: 2027,
    codeSeq: 1,
    filerOpenId: 'ou_filer',
    status: '待对接',
    version: 3,
    enterpriseName: '包头某某稀土材料有限公司',
    region: '包头市',
    industry: 'new-materials',
    needType: '技术攻关',
    description: '稀土抛光粉生产中粒度分布不稳定，希望专家帮助优化煅烧工艺。',
    contactName: '张三',
    mobile: '13800138000',
    expertId: null,
    matchNote: null,
    applicationId: null,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

/** Entry `i` of need 42's audit trail, i hours after T0: an admin starting the follow-up. */
export function makeNeedEvent(i: number, over: Partial<NeedEvent> = {}): NeedEvent {
  return {
    id: i,
    needId: 42,
    action: 'follow',
    fromStatus: '已对接',
    toStatus: '跟进中',
    actorOpenId: 'ou_admin',
    note: null,
    at: T0 + i * HOUR,
    ...over,
  };
}

/** A checked application, as checkApplicationForm would produce it. */
export function checked(overrides: Partial<CheckedApplication> = {}): CheckedApplication {
  return {
    kind: '能力提升',
    orgName: '包头市科学技术协会',
    region: '包头市',
    venue: '包头稀土高新区科技创新中心报告厅',
    startDate: '2027-06-20',
    endDate: '2027-06-21',
    days: 2,
    headcount: 100,
    coreCount: 85,
    enterpriseCount: 20,
    keyIndustryCount: 15,
    audience: '园区企业科研管理人员',
    needs: '稀土功能材料关键工艺技术难题',
    topics: ['lecture-4', 'exchange-1'],
    contactName: '王明',
    mobile: '13800138000',
    email: 'btkx@example.com',
    remarks: '',
    ...overrides,
  };
}
