import { SUBMIT_ACTION } from '../../../../cards/application-form-card';
import { EXPERT_ADD_ACTION } from '../../../../cards/expert-cards';
import { NEED_SUBMIT_ACTION } from '../../../../cards/need-cards';
import { REPORT_PUBLISH_ACTION, REPORT_SUBMIT_ACTION } from '../../../../cards/report-cards';
import { SUMMARY_SUBMIT_ACTION } from '../../../../cards/summary-cards';
import { campaignYearOf, codeText, earlierSubmissionOf, formValuesOf, todayOf } from '../../../../handlers/application-flow';
import type { Application } from '../../../db/entities/application.entity';
import type { EarlierSubmission } from '../../../domain/application-rules';
import { parseFeishuDate } from '../../../domain/calendar';
import type { FormValue } from '../../../domain/application-fields';
import { reportCode } from '../../../../handlers/report-flow';
import type { HandlerDeps } from '../../../../handlers/types';
import { KIND_NAMES } from '../../../domain/activity-menu';
import { resolveApplicationRules } from '../../../domain/application-rule-config';
import { firstAllowedStart } from '../../../domain/application-rules';
import { formatInstant } from '../../../domain/calendar';
import { INDUSTRIES } from '../../../domain/industries';
import type { ReportExpects } from '../../../domain/report-rules';
import { applicationFormSpec } from '../../../forms/application-form';
import { expertFormSpec } from '../../../forms/expert-form';
import type { FieldSpec, FormId } from '../../../forms/form-spec';
import { needFormSpec } from '../../../forms/need-form';
import { reportSubmitFormSpec, reportTaskFormSpec } from '../../../forms/report-form';
import { REGIONS } from '../../../domain/regions';
import { summaryFormSpec } from '../../../forms/summary-form';
import type { WizardForm } from './conversation';
import { cancelWizard, changeWizard, matchWizard, RECORD_SUBMIT_ACTIONS } from './record-forms';

/**
 * The forms as wizards: each form's description (src/forms) with its check's context
 * bound, a word of introduction, and the card action its submission goes to, so that a wizard
 * files exactly what the Feishu card would (same service, same codes, same review cards).
 */

/** What a draft is for (FormDraft.subject). */
export type WizardSubject =
  /** A fresh application, need or expert form: the token its card would carry. */
  | { form: string }
  /** The evaluation summary, 改期 or 取消 of an application; 对接 of a need (its id). */
  | { id: number }
  /** 报送: the report forms issued to this person (their tokens), one chosen in the answers. */
  | { forms: string[] };

export const START_WORDS: Readonly<Record<FormId, string>> = {
  application: '申请',
  need: '需求',
  summary: '总结 <编号>',
  report: '报送',
  expert: '专家 添加',
  task: '发起报送',
  change: '改期 <编号>',
  cancel: '取消 <编号>',
  match: '对接 <需求编号>',
};

export const SUBMIT_ACTIONS: Readonly<Record<FormId, string>> = {
  application: SUBMIT_ACTION,
  need: NEED_SUBMIT_ACTION,
  summary: SUMMARY_SUBMIT_ACTION,
  report: REPORT_SUBMIT_ACTION,
  expert: EXPERT_ADD_ACTION,
  task: REPORT_PUBLISH_ACTION,
  ...RECORD_SUBMIT_ACTIONS,
};

/** The name of each form's card form: a submission that comes back with it failed the server's check. */
export const CARD_FORM_NAMES: Readonly<Record<FormId, string>> = {
  application: 'application_form',
  need: 'need_form',
  summary: 'summary_form',
  report: 'report_submit_form',
  expert: 'expert_form',
  task: 'report_form',
  change: 'change_form',
  cancel: 'cancel_form',
  match: 'match_form',
};

const APP_NOT_FOUND = '没有找到这份申请。请发送「查询」查看您的申请。';

/** The wizard of a form, or why there is none any more (the application or task is gone). */
export async function wizardFormOf(deps: HandlerDeps, tenantKey: string, form: FormId, subject: WizardSubject): Promise<WizardForm | string> {
  switch (form) {
    case 'application': {
      if (!('id' in subject)) return applicationWizard(deps);
      // 修改 <编号>: a submitted application (or a draft) changed through the wizard.
      const app = await deps.applications.get(tenantKey, subject.id);
      if (!app) return '没有找到这份申请。请发送「查询」查看您的申请。';
      return applicationWizard(deps, app, await earlierSubmissionOf(deps, app));
    }
    case 'need': {
      const spec = needFormSpec({ industries: INDUSTRIES });
      return { ...spec, check: (v) => spec.check(v), intro: '请填写企业遇到的技术难题或需要的支持。提交后，中心将为您对接合适的专家，专家会通过您留下的联系方式与您联系。' };
    }
    case 'expert': {
      const spec = expertFormSpec(INDUSTRIES);
      return { ...spec, check: (v) => spec.check(v), intro: '登记一位可对接企业需求的专家。对接时，专家的姓名、单位和联系方式会发给企业联系人。' };
    }
    case 'summary': {
      const app = 'id' in subject ? await deps.applications.get(tenantKey, subject.id) : null;
      if (!app) return '没有找到这份申请。请发送「查询」查看您的申请。';
      const rules = resolveApplicationRules(deps.settings.rules);
      const spec = summaryFormSpec(rules, deps.settings.rules);
      const ratios =
        app.kind === '对外交流'
          ? '对外交流活动不考核人员和企业比例，按实际人数填写即可。'
          : `人员和企业比例按通知要求（第（2）（3）类人员 ${rules.corePercent}% 以上、十大产业企业 ${rules.keyIndustryPercent}% 以上）重新核对，未达标也可以提交，总结中会如实注明。`;
      return { ...spec, title: `活动评估总结（${codeText(app)}）`, check: (v) => spec.check(v), intro: `${codeText(app)}「${app.orgName ?? ''}」的活动已举办，请按实际情况填写活动评估总结。${ratios}` };
    }
    case 'report':
      return reportWizard(deps, tenantKey, 'forms' in subject ? subject.forms : []);
    case 'task': {
      const spec = reportTaskFormSpec(REGIONS);
      return { ...spec, check: (v) => spec.check(v, { now: deps.now(), timezone: deps.settings.timezone }), intro: '向各盟市发起报送任务：发布后任务会发到各盟市工作群，截止前只提醒未提交的盟市。' };
    }
    case 'change':
      return 'id' in subject ? changeWizard(deps, tenantKey, subject.id) : APP_NOT_FOUND;
    case 'cancel':
      return 'id' in subject ? cancelWizard(deps, tenantKey, subject.id) : APP_NOT_FOUND;
    case 'match':
      return 'id' in subject ? matchWizard(deps, tenantKey, subject.id) : '没有找到这项需求，请发送「需求列表」查看。';
  }
}

function applicationWizard(deps: HandlerDeps, app?: Application, earlier?: EarlierSubmission): WizardForm {
  const rules = resolveApplicationRules(deps.settings.rules);
  const spec = applicationFormSpec(rules);
  const year = campaignYearOf(deps, app);
  const today = todayOf(deps);
  const earliest = firstAllowedStart(today, year, deps.settings.rules);
  const [ws, we] = [rules.window.start, rules.window.end].map((md) => md.split('-').map(Number));
  const days = rules.minDays === rules.maxDays ? `${rules.maxDays} 天` : `${rules.minDays}–${rules.maxDays} 天`;
  const when = earliest ? `（今天提交，最早可选 ${earliest} 开始）` : `（${year} 年度已没有可选的开始日期）`;
  const keeping = earlier && earlier.firstSubmittedOn < today ? earlier.firstSubmittedOn : undefined;
  return {
    ...spec,
    ...(app ? { title: `修改申请 ${codeText(app)}` } : {}),
    check: (values) => spec.check(values, { today, campaignYear: year, rules: deps.settings.rules, earlier }),
    intro: app
      ? `修改申请 ${codeText(app)}：原来填写的内容都保留着，发送要修改的项目编号逐项修改，改完发送「提交」。` +
        (keeping ? `本申请首次提交于 ${keeping}，活动开始日期不早于原定日期的，${rules.leadDays} 日从首次提交之日算起。` : '')
      :
      `请按《关于开展${year}年内蒙古企业创新能力提升行动的通知》的要求逐项填写活动申请表（${KIND_NAMES['能力提升']}或对外交流活动）。活动需在 ${year} 年 ${ws[0]} 月 ${ws[1]} 日至 ${we[0]} 月 ${we[1]} 日之间举办，持续 ${days}，` +
      `申请需在活动开始 ${rules.leadDays} 日前提交${when}。`,
  };
}

/** 报送: which task (when more than one is open), then the text the task asks for. */
async function reportWizard(deps: HandlerDeps, tenantKey: string, tokens: string[]): Promise<WizardForm | string> {
  const choices: Array<{ token: string; label: string; expects: ReportExpects; region: string }> = [];
  for (const token of tokens) {
    const form = await deps.reports.findForm(tenantKey, token);
    const task = form ? await deps.reports.get(tenantKey, form.taskId) : null;
    if (!form || !task) continue;
    choices.push({ token, label: `${reportCode(task)}「${task.title}」截止 ${formatInstant(task.deadlineAt, deps.settings.timezone)}`, expects: task.expects as ReportExpects, region: form.region });
  }
  if (choices.length === 0) return '这些报送任务已不存在。请在本盟市工作群里重新发送「报送」。';
  const chosen = (values: Record<string, unknown>) => choices.find((c) => c.token === values.form) ?? choices[0];
  const region = choices[0].region;
  const text: FieldSpec = {
    ...reportSubmitFormSpec({ region, expects: choices[0].expects }).fields[0],
    skippable: (v) => chosen(v).expects === 'file',
  };
  const fields: FieldSpec[] = choices.length > 1 ? [{ name: 'form', label: '报送任务', placeholder: '请选择要报送的任务', input: { kind: 'select', options: choices.map((c) => ({ value: c.token, label: c.label })) } }, text] : [text];
  return {
    title: '报送',
    fields,
    check: (values) => {
      const errors: Record<string, string> = {};
      if (choices.length > 1 && !choices.some((c) => c.token === values.form)) errors.form = '请选择要报送的任务';
      Object.assign(errors, reportSubmitFormSpec({ region, expects: chosen(values).expects }).check(values));
      return errors;
    },
    intro:
      choices.length > 1
        ? `${region}有 ${choices.length} 项报送任务待处理，请先选择要报送的任务。附件请在提交后直接发送文件或图片。`
        : `报送 ${choices[0].label}。附件请在提交后直接发送文件或图片。`,
  };
}

/** The card action's callback value for a submission of this draft. */
export function submitValue(form: FormId, subject: WizardSubject, answers: Record<string, unknown>, version?: number): Record<string, unknown> {
  const action = SUBMIT_ACTIONS[form];
  if ('id' in subject) return { action, id: subject.id, ...(version !== undefined ? { v: version } : {}) };
  if ('forms' in subject) return { action, form: typeof answers.form === 'string' && subject.forms.includes(answers.form) ? answers.form : subject.forms[0] };
  return { action, form: subject.form };
}

/** An application's values as the wizard starts a 修改 with them: dates as 2027-06-10. */
export function editValuesOf(deps: HandlerDeps, app: Application): FormValue {
  const values: FormValue = { ...formValuesOf(deps, app) };
  for (const field of ['start_date', 'end_date']) {
    const v = values[field];
    if (typeof v === 'string') values[field] = parseFeishuDate(v) ?? v;
  }
  return values;
}
