import { CANCEL_ACTION, CHANGE_SUBMIT_ACTION, changeRulesText } from '../../../../cards/change-cards';
import { clip } from '../../../../cards/markdown';
import { NEED_MATCH_ACTION } from '../../../../cards/need-cards';
import { expertOption, MATCH_OPTIONS_MAX } from '../../../../cards/need-match-card';
import { changeContextOf } from '../../../../handlers/application-change';
import { codeText } from '../../../../handlers/application-flow';
import { matchExperts } from '../../../../handlers/need-actions';
import { needCode } from '../../../../handlers/need-flow';
import type { HandlerDeps } from '../../../../handlers/types';
import { resolveApplicationRules } from '../../../domain/application-rule-config';
import { earliestStartDate } from '../../../domain/application-rules';
import { canTransition } from '../../../domain/application-status';
import { industryLabel } from '../../../domain/industries';
import { canNeedTransition, type NeedStatus } from '../../../domain/need-status';
import { cancelFormSpec, CANCEL_NOTICE } from '../../../forms/cancel-form';
import { changeFormSpec } from '../../../forms/change-form';
import { matchFormSpec } from '../../../forms/match-form';
import type { WizardForm } from './conversation';

/**
 * The forms about a record that exists (issue 12): 改期 and 取消 of an approved application,
 * 对接 of a need, as wizards. Each is built afresh from the record for every message, so a
 * record that can no longer be changed ends the conversation with the reason; who may is
 * checked when the wizard starts (the card's open action) and again at 提交 (the card's submit
 * action, which the wizard calls as the person).
 */

export const RECORD_SUBMIT_ACTIONS = { change: CHANGE_SUBMIT_ACTION, cancel: CANCEL_ACTION, match: NEED_MATCH_ACTION } as const;
export type RecordForm = keyof typeof RECORD_SUBMIT_ACTIONS;

const APP_GONE = '没有找到这份申请。请发送「查询」查看您的申请。';

export async function changeWizard(deps: HandlerDeps, tenantKey: string, id: number): Promise<WizardForm | string> {
  const app = await deps.applications.get(tenantKey, id);
  if (!app || app.status === '草稿') return APP_GONE;
  if (!canTransition(app.status, 'request_change')) return `${codeText(app)} 当前状态为「${app.status}」，只有已通过的活动可以申请改期。`;
  const rules = resolveApplicationRules(deps.settings.rules);
  const ctx = changeContextOf(deps, app);
  const spec = changeFormSpec(rules);
  return {
    ...spec,
    title: `申请改期 ${codeText(app)}`,
    check: (values) => spec.check(values, ctx),
    intro:
      `${codeText(app)}「${app.orgName ?? ''}」原安排：${app.startDate} 至 ${app.endDate}，${app.venue ?? ''}，${app.headcount ?? ''} 人。` +
      `${changeRulesText(rules, ctx.campaignYear, earliestStartDate(ctx.today, { leadDays: 1 }))}` +
      '请回复新的开始和结束日期与改期说明；活动地点和人数保持原样，需要时在最后的核对中发送项目编号修改。改期申请提交后由科创服务中心审核，同意前活动仍按原安排。',
  };
}

export async function cancelWizard(deps: HandlerDeps, tenantKey: string, id: number): Promise<WizardForm | string> {
  const app = await deps.applications.get(tenantKey, id);
  if (!app || app.status === '草稿') return APP_GONE;
  if (!canTransition(app.status, 'cancel')) return `${codeText(app)} 当前状态为「${app.status}」，不能取消。`;
  const spec = cancelFormSpec();
  return {
    ...spec,
    title: `取消活动 ${codeText(app)}`,
    check: (values) => spec.check(values),
    intro: `取消活动 ${codeText(app)}「${app.orgName ?? ''}」（${app.startDate ?? ''} 至 ${app.endDate ?? ''}）。${CANCEL_NOTICE}写明原因后，在核对时发送「提交」即取消。`,
  };
}

export async function matchWizard(deps: HandlerDeps, tenantKey: string, id: number): Promise<WizardForm | string> {
  const need = await deps.needs.get(tenantKey, id);
  if (!need) return '没有找到这项需求，请发送「需求列表」查看。';
  const status = need.status as NeedStatus;
  const action = status === '待对接' ? 'match' : 'rematch';
  if (!canNeedTransition(status, action)) return `${needCode(need)} 当前状态为「${need.status}」，不能对接。`;
  const { experts, otherExperts } = await matchExperts(deps, need);
  const all = [...experts.map((e) => expertOption(e, false)), ...otherExperts.map((e) => expertOption(e, true))];
  if (all.length === 0) return '专家库里还没有专家，暂时无法对接。请管理员发送「专家 添加」逐位登记，或在私聊中发送专家名单表格，登记后再发送「对接 <需求编号>」。';
  const options = all.slice(0, MATCH_OPTIONS_MAX);
  const spec = matchFormSpec({ experts: options, action });
  const label = industryLabel(need.industry);
  const more = all.length > options.length ? `另有 ${all.length - options.length} 位专家未列出，可发送「对接 ${needCode(need)} <专家编号> [对接说明]」直接对接。` : '';
  return {
    ...spec,
    title: `对接专家 ${needCode(need)}`,
    check: (values) => spec.check(values),
    intro:
      `需求 ${needCode(need)}「${clip(need.enterpriseName, 60)}」（${need.region} · ${label} · ${need.needType}）：${clip(need.description, 200)}\n` +
      `${experts.length > 0 ? `「${label}」领域的 ${experts.length} 位专家排在前面。` : `专家库中暂无「${label}」领域的专家，以下为其他领域的专家。`}${more}确认后，需求提交人和已登记的专家会收到对接通知。`,
  };
}

/** The record's version now: 提交 acts on it as it is (as a typed command does), after the same checks. */
export async function currentVersion(deps: HandlerDeps, tenantKey: string, form: RecordForm, id: number): Promise<number | undefined> {
  const record = form === 'match' ? await deps.needs.get(tenantKey, id) : await deps.applications.get(tenantKey, id);
  return record?.version;
}
