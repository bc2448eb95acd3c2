import { applicationCard, applicationListCard, REVIEW_ACTION, reviewCard } from '../cards/application-cards';
import { SUBMIT_ACTION, type FormTarget } from '../cards/application-form-card';
import type { Application } from '../src/db/entities/application.entity';
import { checkApplicationForm } from '../src/domain/application-rules';
import { actionLabel, canTransition, reasonError, REVIEW_BUTTONS } from '../src/domain/application-status';
import type { Attachment } from '../src/services/application-service';
import { codeOf } from '../src/services/application-record';
import { attachToApplication } from './attachment-received';
import {
  campaignYearOf,
  codeText,
  earlierSubmissionOf,
  formCard,
  formValuesOf,
  linkedNeedsOf,
  mayAct,
  notifyFiler,
  refreshReviewCards,
  sendReviewCards,
  todayOf,
} from './application-flow';
import { listView, scopeFromValue } from './query-command';
import { contactLine } from '../cards/contact-line';
import { APPROVE_UNSCANNED_ACTION, REVIEW_BACK_ACTION, SCAN_QUESTION, scanConfirmCard, STAMPED_FORM_ACTION } from '../cards/scan-cards';
import { downloadStampedForm, scanRequired, sendFormAfterSubmission } from './stamped-form';
import type { CardActionContext, CardActionHandler, CardActionResult } from './types';

/**
 * The card actions of applications: submitting the form, the filer's 修改 / 撤回 / 继续填写,
 * the centre's decisions, paging a list and choosing where a scan goes. Each answers in the
 * callback (a toast, and the card as it should now look) and queues what others must be told.
 */

const error = (content: string): CardActionResult => ({ toast: { type: 'error', content } });

function idOf(ctx: CardActionContext): number {
  const id = Number(ctx.value.id);
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}

/** The application a button names, if the operator may act on it; else the toast to answer with. */
async function loadForAction(ctx: CardActionContext): Promise<Application | CardActionResult> {
  const app = await ctx.deps.applications.get(ctx.tenantKey, idOf(ctx));
  if (!app) return error('没有找到这份申请，它可能已被删除。请发送「查询」查看您的申请。');
  if (!mayAct(app, ctx.operatorOpenId, ctx.isAdmin)) {
    ctx.log.warn({ applicationId: app.id }, 'card action on somebody else’s application refused');
    return error('您无权操作这份申请：只有申请人本人或中心管理员可以操作。');
  }
  return app;
}

const isApp = (x: Application | CardActionResult): x is Application => 'filerOpenId' in x;

function statusCard(ctx: CardActionContext, app: Application, banner?: string) {
  return applicationCard({ app, timezone: ctx.deps.settings.timezone, banner, filerButtons: app.filerOpenId === ctx.operatorOpenId, formButton: true });
}

const submit: CardActionHandler = async (ctx) => {
  const { deps } = ctx;
  let target: FormTarget;
  let app: Application | null = null;
  if (ctx.value.id !== undefined) {
    const loaded = await loadForAction(ctx);
    if (!isApp(loaded)) return loaded;
    app = loaded;
    target = { id: app.id };
  } else if (typeof ctx.value.form === 'string' && ctx.value.form !== '') {
    target = { form: ctx.value.form };
    app = await deps.applications.findByFormToken(ctx.tenantKey, ctx.value.form);
    if (app && !mayAct(app, ctx.operatorOpenId, ctx.isAdmin)) return error('您无权操作这份申请：只有申请人本人或中心管理员可以操作。');
    // The same fresh card submitted again (a double click): it was filed already; show where it stands.
    if (app && app.status !== '草稿') return { toast: { type: 'info', content: `这份申请表已经提交，编号 ${codeText(app)}。` }, card: statusCard(ctx, app) };
    if (app) target = { id: app.id };
  } else {
    return error('这张申请表已失效，请重新发送「申请」。');
  }
  if (app && !['草稿', '待审核', '已退回'].includes(app.status)) {
    return { toast: { type: 'warning', content: `该申请当前状态为「${app.status}」，不能再修改。` }, card: statusCard(ctx, app) };
  }

  const form = ctx.formValue ?? {};
  const mode = !app || app.status === '草稿' ? (app ? 'draft' : 'new') : 'edit';
  const earlier = await earlierSubmissionOf(deps, app);
  const year = campaignYearOf(deps, app);
  const checked = checkApplicationForm(form, { today: todayOf(deps), campaignYear: year, rules: deps.settings.rules, earlier });
  if (!checked.ok) {
    // A fresh form or a draft is kept, so that nothing typed is lost even if the card is.
    if (!app || app.status === '草稿') {
      const saved = await deps.applications.saveDraft({ tenantKey: ctx.tenantKey, filerOpenId: ctx.operatorOpenId, formToken: app ? app.formToken : (target as { form: string }).form, app, form });
      if (saved.ok) target = { id: saved.app.id };
    } else {
      // A change of a submitted application is kept too; 修改 resumes it, the submission stands.
      await deps.applications.keepEdit(app, form);
    }
    const count = Object.keys(checked.errors).length;
    ctx.log.info({ fields: Object.keys(checked.errors) }, 'application form failed its checks');
    return {
      toast: { type: 'warning', content: `有 ${count} 项需要修改，请查看表单中的红色提示` },
      card: formCard(deps, { target, values: form as Record<string, string | string[]>, mode, errors: checked.errors, code: app ? codeOf(app) : undefined, app, earlier }),
    };
  }

  // The new status and code, the audit row, the review cards and the filer's notice: one commit.
  const result = await deps.atomically(async (tx) => {
    const change = await tx.applications.submit({
      tenantKey: ctx.tenantKey,
      actorOpenId: ctx.operatorOpenId,
      formToken: 'form' in target ? target.form : null,
      app,
      checked: checked.application,
      year,
    });
    if (!change.ok) return change;
    await sendReviewCards(tx, change.app, ctx.log);
    // Review cards of the earlier submission now point at the new ones.
    if (change.from !== '草稿') await refreshReviewCards(tx, change.app);
    if (change.app.filerOpenId !== ctx.operatorOpenId) await notifyFiler(tx, change.app, `中心管理员修改了您的申请，已重新提交审核。`);
    return change;
  });
  if (!result.ok) {
    return { toast: { type: 'warning', content: `该申请刚刚有了变化（当前状态：${result.current.status}），请查看最新状态。` }, card: statusCard(ctx, result.current) };
  }
  const saved = result.app;
  const resubmitted = result.from !== '草稿';
  ctx.log.info({ applicationId: saved.id, code: codeOf(saved), resubmitted }, 'application submitted');
  sendFormAfterSubmission(deps, saved, ctx.log);
  const code = codeText(saved);
  return {
    toast: { type: 'success', content: resubmitted ? `已重新提交 ${code}` : `已提交，编号 ${code}` },
    card: statusCard(
      ctx,
      saved,
      `<font color='green'>**${resubmitted ? '修改已提交' : '申请已提交'}**</font>，编号 **${code}**，等待科创服务中心审核，结果会私聊通知您。\n按您填写的内容生成的申请表（Word 文件）随后发给您：请打印并加盖单位公章，再把扫描件（图片或文件）发给我。`,
    ),
  };
};

const edit: CardActionHandler = async (ctx) => {
  const app = await loadForAction(ctx);
  if (!isApp(app)) return app;
  if (!canTransition(app.status, 'resubmit')) {
    return { toast: { type: 'warning', content: `该申请当前状态为「${app.status}」，不能修改。` }, card: statusCard(ctx, app) };
  }
  const earlier = await earlierSubmissionOf(ctx.deps, app);
  return { card: formCard(ctx.deps, { target: { id: app.id }, values: formValuesOf(ctx.deps, app), mode: 'edit', code: codeOf(app), app, earlier }) };
};

const resume: CardActionHandler = async (ctx) => {
  const app = await loadForAction(ctx);
  if (!isApp(app)) return app;
  if (app.status !== '草稿') return { toast: { type: 'info', content: `这份申请已是「${app.status}」状态。` }, card: statusCard(ctx, app) };
  if (app.filerOpenId !== ctx.operatorOpenId) return error('草稿只有填写人本人可以继续填写。');
  return { card: formCard(ctx.deps, { target: { id: app.id }, values: formValuesOf(ctx.deps, app), mode: 'draft' }) };
};

const withdraw: CardActionHandler = async (ctx) => {
  const app = await loadForAction(ctx);
  if (!isApp(app)) return app;
  const result = await ctx.deps.atomically(async (tx) => {
    const change = await tx.applications.transition(app, 'withdraw', ctx.operatorOpenId);
    if (!change.ok) return change;
    await refreshReviewCards(tx, change.app);
    if (change.app.filerOpenId !== ctx.operatorOpenId) await notifyFiler(tx, change.app, '中心管理员撤回了您的这份申请。');
    return change;
  });
  if (!result.ok) {
    return { toast: { type: 'warning', content: `该申请当前状态为「${result.current.status}」，不能撤回。` }, card: statusCard(ctx, result.current) };
  }
  ctx.log.info({ applicationId: app.id }, 'application withdrawn');
  return { toast: { type: 'success', content: `已撤回 ${codeText(result.app)}` }, card: statusCard(ctx, result.app, '这份申请已撤回。如需举办活动，请重新发送「申请」。') };
};

const DECISION_BANNERS: Record<string, string> = {
  approve: "<font color='green'>**您的申请已通过审核。**</font>中心将安排专家团队，活动前会提醒您。",
  return: "<font color='orange'>**您的申请被退回修改。**</font>请按审核意见修改后重新提交：点击下方「修改」。",
  reject: "<font color='red'>**您的申请未获受理。**</font>如有疑问请联系科创服务中心。",
};

const review: CardActionHandler = async (ctx) => {
  const rawReason = ctx.formValue?.reason;
  return decide(ctx, ctx.value.decision, typeof rawReason === 'string' ? rawReason : '', false);
};

/** 仍然通过, on the question asked when approving without the stamped scan. */
const approveUnscanned: CardActionHandler = async (ctx) => decide(ctx, 'approve', typeof ctx.value.reason === 'string' ? ctx.value.reason : '', true);

/** 取消 on that question: the review card again, with the 审核意见 typed; nothing decided. */
const reviewBack: CardActionHandler = async (ctx) => {
  if (!ctx.isAdmin) return error('只有科创服务中心的管理员可以审核申请。');
  const app = await ctx.deps.applications.get(ctx.tenantKey, idOf(ctx));
  if (!app) return error('这张审核卡片已失效，请发送「待审」获取最新的待审核列表。');
  const reason = typeof ctx.value.reason === 'string' ? ctx.value.reason : '';
  const card = reviewCard({ app, timezone: ctx.deps.settings.timezone, reason: app.status === '待审核' ? reason : undefined, linkedNeeds: await linkedNeedsOf(ctx.deps, app) });
  return { toast: { type: 'info', content: app.status === '待审核' ? '未作决定，申请仍待审核。' : `该申请当前状态为「${app.status}」。` }, card };
};

async function decide(ctx: CardActionContext, decisionValue: unknown, reason: string, scanConfirmed: boolean): Promise<CardActionResult> {
  const { deps } = ctx;
  if (!ctx.isAdmin) {
    ctx.log.warn('review by a non-admin refused');
    return error('只有科创服务中心的管理员可以审核申请。');
  }
  const decision = REVIEW_BUTTONS.find((b) => b.action === decisionValue)?.action;
  const app = await deps.applications.get(ctx.tenantKey, idOf(ctx));
  if (!decision || !app) return error('这张审核卡片已失效，请发送「待审」获取最新的待审核列表。');
  const timezone = deps.settings.timezone;
  const seenVersion = Number(ctx.value.v);
  if (app.status !== '待审核' || (Number.isSafeInteger(seenVersion) && seenVersion !== app.version)) return alreadyMoved(ctx, app);

  const problem = reasonError(decision, reason);
  if (problem) return { toast: { type: 'warning', content: problem }, card: reviewCard({ app, timezone, reason, reasonError: problem }) };
  // The notice wants the form stamped: approving without the scan is asked once more (SCAN_REQUIRED).
  if (decision === 'approve' && !app.attachmentKey && !scanConfirmed && scanRequired(deps.settings)) {
    return { toast: { type: 'warning', content: SCAN_QUESTION }, card: scanConfirmCard(app, reason) };
  }

  // The decision, its audit row, the other review cards' update and the filer's notice: one commit.
  const result = await deps.atomically(async (tx) => {
    const change = await tx.applications.transition(app, decision, ctx.operatorOpenId, reason.trim() || null);
    if (!change.ok) return change;
    await refreshReviewCards(tx, change.app, ctx.messageId);
    // A returned or rejected filer may want to talk to somebody: the centre's contact, when configured.
    const contact = decision === 'approve' ? undefined : contactLine(tx.settings.contact);
    await notifyFiler(tx, change.app, contact ? `${DECISION_BANNERS[decision]}\n${contact}` : DECISION_BANNERS[decision]);
    return change;
  });
  if (!result.ok) return alreadyMoved(ctx, result.current);
  const decided = result.app;
  ctx.log.info({ applicationId: decided.id, decision, withoutScan: decision === 'approve' && !decided.attachmentKey }, 'application decided');
  return { toast: { type: 'success', content: `已${actionLabel(decision)}：${codeText(decided)}` }, card: reviewCard({ app: decided, timezone }) };
}

/** A click that came too late: say what happened instead, and show the card as it is now. */
function alreadyMoved(ctx: CardActionContext, app: Application): CardActionResult {
  const timezone = ctx.deps.settings.timezone;
  if (app.status === '待审核') {
    return { toast: { type: 'warning', content: '申请人已修改并重新提交，请在新的审核卡片上处理。' }, card: reviewCard({ app, timezone, superseded: true }) };
  }
  const by = app.decidedBy === ctx.operatorOpenId ? '您' : '另一位管理员';
  const what = app.decidedBy && ['已通过', '已退回', '未通过'].includes(app.status) ? `已由${by}处理（${app.status}）` : `当前状态为「${app.status}」`;
  return { toast: { type: 'warning', content: `该申请${what}，无需再审核。` }, card: reviewCard({ app, timezone }) };
}

const list: CardActionHandler = async (ctx) => {
  const scope = await scopeFromValue(ctx);
  if ('refusal' in scope) return error(scope.refusal);
  const page = Math.max(0, Math.floor(Number(ctx.value.page) || 0));
  return { card: applicationListCard(await listView(ctx.deps, ctx.tenantKey, ctx.operatorOpenId, scope, page)) };
};

const attach: CardActionHandler = async (ctx) => {
  const app = await ctx.deps.applications.get(ctx.tenantKey, idOf(ctx));
  if (!app || app.filerOpenId !== ctx.operatorOpenId) return error('只能把扫描件附到您自己的申请上。');
  const v = ctx.value;
  if ((v.kind !== 'image' && v.kind !== 'file') || typeof v.key !== 'string' || typeof v.msg !== 'string') return error('这张卡片已失效，请重新发送扫描件。');
  const attachment: Attachment = { kind: v.kind, key: v.key, name: typeof v.name === 'string' ? v.name : null, messageId: v.msg };
  const outcome = await attachToApplication(ctx.deps, app, attachment, ctx.operatorOpenId);
  if (!outcome.ok) return { toast: { type: 'warning', content: outcome.message }, card: statusCard(ctx, outcome.app) };
  return { toast: { type: 'success', content: outcome.message }, card: statusCard(ctx, outcome.app, outcome.message) };
};

export const APPLICATION_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  [SUBMIT_ACTION]: submit,
  'application.edit': edit,
  'application.resume': resume,
  'application.withdraw': withdraw,
  [REVIEW_ACTION]: review,
  [APPROVE_UNSCANNED_ACTION]: approveUnscanned,
  [REVIEW_BACK_ACTION]: reviewBack,
  [STAMPED_FORM_ACTION]: downloadStampedForm,
  'application.list': list,
  'application.attach': attach,
};

