import { applicationCard } from '../cards/application-cards';
import { CANCEL_ACTION, cancelFormCard, cancelledNoticeCard, CHANGE_DECIDE_ACTION, CHANGE_SUBMIT_ACTION, changeFormCard, changeReviewCard, type ChangeErrors, type ChangeField } from '../cards/change-cards';
import { escapeMarkdown } from '../cards/markdown';
import type { Application } from '../src/db/entities/application.entity';
import { resolveApplicationRules } from '../src/domain/application-rule-config';
import { earliestStartDate } from '../src/domain/application-rules';
import { checkChangeForm, type ChangeContext } from '../src/forms/change-form';
import { canTransition, reasonError } from '../src/domain/application-status';
import { parseRegion } from '../src/domain/regions';
import type { ChangeResult } from '../src/services/application-service';
import { changeRequestOf } from '../src/services/application-record';
import type { Logger } from '../src/logger';
import type { OutboundMessage } from '../src/platform/port';
import { teamOverlapNotice } from './team-flow';
import { campaignYearOf, centreTargets, changeKeyFor, changeRulesTextFor, codeText, mayAct, notifyFiler, refreshReviewCards, todayOf } from './application-flow';
import type { CardActionContext, CardActionHandler, CardActionResult, HandlerDeps } from './types';

/**
 * Change and cancel after approval (issue 11, item 1). 申请改期 sends new dates (venue, head
 * count) to the centre as a change request, which it agrees to (同意改期: the activity moves and
 * its reminders follow) or refuses with a reason. 取消活动 ends an activity (已取消) with a reason;
 * the centre and the 盟市 group are told and every card of it updates. Each change, its audit
 * row and its messages commit together; every click is conditional on the version it saw.
 */

const REFUSAL = '您无权操作这份申请：只有申请人本人或中心管理员可以操作。';
const error = (content: string): CardActionResult => ({ toast: { type: 'error', content } });

function statusCard(ctx: CardActionContext, app: Application, banner?: string) {
  return applicationCard({ app, timezone: ctx.deps.settings.timezone, banner, filerButtons: app.filerOpenId === ctx.operatorOpenId, adminButtons: ctx.isAdmin });
}

async function load(ctx: CardActionContext): Promise<Application | CardActionResult> {
  const id = Number(ctx.value.id);
  const app = Number.isSafeInteger(id) && id > 0 ? await ctx.deps.applications.get(ctx.tenantKey, id) : null;
  if (!app || app.status === '草稿') return error('没有找到这份申请。请发送「查询」查看您的申请。');
  if (!mayAct(app, ctx.operatorOpenId, ctx.isAdmin)) {
    ctx.log.warn({ applicationId: app.id }, 'change or cancel by somebody other than the filer or an admin refused');
    return error(REFUSAL);
  }
  return app;
}

const isApp = (x: Application | CardActionResult): x is Application => 'filerOpenId' in x;

/** The card was sent for an earlier version: nothing changes, the card shows where it stands. */
function stale(ctx: CardActionContext, app: Application): boolean {
  const seen = Number(ctx.value.v);
  return !Number.isSafeInteger(seen) || seen !== app.version;
}

export function changeForm(deps: HandlerDeps, app: Application, values?: Partial<Record<ChangeField, string>>, errors?: ChangeErrors) {
  return changeFormCard({ app, values, errors, rules: resolveApplicationRules(deps.settings.rules), earliest: earliestStartDate(todayOf(deps), { leadDays: 1 }), year: campaignYearOf(deps, app) });
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** What a change of `app` is checked against (src/forms/change-form.ts): today, its year, the rules. */
export function changeContextOf(deps: HandlerDeps, app: Application): ChangeContext {
  return { app, today: todayOf(deps), campaignYear: campaignYearOf(deps, app), rules: deps.settings.rules, timezone: deps.settings.timezone };
}

/**
 * Checks a change with the filing rules, except the lead time (checkChangeForm): the same check
 * for the card and the DingTalk wizard.
 */
export function checkChange(deps: HandlerDeps, app: Application, form: Record<string, unknown>) {
  return checkChangeForm(form, changeContextOf(deps, app));
}

async function sendTo(deps: HandlerDeps, tenantKey: string, target: { kind: 'chat' | 'user'; id: string }, key: string, message: OutboundMessage) {
  if (target.kind === 'chat') await deps.messenger.sendToChat({ tenantKey, key }, target.id, message);
  else await deps.messenger.sendToUser({ tenantKey, key }, target.id, message);
}

/**
 * The filer's earlier private cards of this application (notifyFiler's, one per version) are
 * brought up to date, so that no card of a cancelled or moved activity still shows old dates or
 * buttons. Cards that were never delivered have no message to update.
 */
export async function refreshFilerCards(deps: HandlerDeps, app: Application): Promise<void> {
  const card = applicationCard({ app, timezone: deps.settings.timezone, filerButtons: true });
  for (let v = 1; v < app.version; v++) {
    const messageId = await deps.messenger.sentMessageId({ tenantKey: app.tenantKey, key: `notify:${app.id}:v${v}` });
    if (messageId) await deps.messenger.updateCard({ tenantKey: app.tenantKey, key: `notify:${app.id}:v${v}:at:v${app.version}` }, messageId, card);
  }
}

const openChange: CardActionHandler = async (ctx) => {
  const app = await load(ctx);
  if (!isApp(app)) return app;
  if (!canTransition(app.status, 'request_change')) return { toast: { type: 'warning', content: `该申请当前状态为「${app.status}」，只有已通过的活动可以申请改期。` }, card: statusCard(ctx, app) };
  return { card: changeForm(ctx.deps, app) };
};

const submitChange: CardActionHandler = async (ctx) => {
  const { deps } = ctx;
  const app = await load(ctx);
  if (!isApp(app)) return app;
  if (!canTransition(app.status, 'request_change')) return { toast: { type: 'warning', content: `该申请当前状态为「${app.status}」，不能申请改期。` }, card: statusCard(ctx, app) };
  if (stale(ctx, app)) return { toast: { type: 'warning', content: '该申请刚刚有了变化，请在最新的卡片上重新申请改期。' }, card: changeForm(deps, app) };
  const form = ctx.formValue ?? {};
  const checked = checkChange(deps, app, form);
  if (!checked.ok) {
    const values = Object.fromEntries((['start_date', 'end_date', 'venue', 'headcount', 'note'] as const).map((f) => [f, text(form[f])]));
    return { toast: { type: 'warning', content: `有 ${Object.keys(checked.errors).length} 项需要修改，请查看表单中的红色提示` }, card: changeForm(deps, app, values, checked.errors) };
  }
  const result = await deps.atomically(async (tx) => {
    const change = await tx.applications.requestChange(app, checked.values, checked.note, ctx.operatorOpenId);
    if (!change.ok) return change;
    const round = changeRequestOf(change.app)!.round;
    const card: OutboundMessage = { type: 'card', card: changeReviewCard({ app: change.app, timezone: tx.settings.timezone, rulesText: changeRulesTextFor(tx, change.app), round }) };
    const keys: string[] = [];
    for (const target of await centreTargets(tx, change.app.tenantKey)) {
      const key = changeKeyFor(change.app, round, `${target.kind}:${target.id}`);
      await sendTo(tx, change.app.tenantKey, target, key, card);
      keys.push(key);
    }
    await tx.applications.addReviewKeys(change.app, keys);
    // An earlier request still open on the centre's cards is now superseded.
    await refreshReviewCards(tx, change.app);
    if (change.app.filerOpenId !== ctx.operatorOpenId) await notifyFiler(tx, change.app, '中心管理员为您的活动提出了改期申请，等待中心审核。');
    return change;
  });
  if (!result.ok) return { toast: { type: 'warning', content: `该申请刚刚有了变化（当前状态：${result.current.status}），请查看最新状态。` }, card: statusCard(ctx, result.current) };
  ctx.log.info({ applicationId: app.id }, 'change requested');
  return {
    toast: { type: 'success', content: `已提交改期申请：${codeText(result.app)}` },
    card: statusCard(ctx, result.app, "<font color='orange'>**改期申请已提交**</font>，等待科创服务中心审核；同意前活动仍按原安排，结果会私聊通知您。"),
  };
};

const decideChange: CardActionHandler = async (ctx) => {
  const { deps } = ctx;
  if (!ctx.isAdmin) {
    ctx.log.warn('change decision by a non-admin refused');
    return error('只有科创服务中心的管理员可以审核改期申请。');
  }
  const id = Number(ctx.value.id);
  const app = Number.isSafeInteger(id) ? await deps.applications.get(ctx.tenantKey, id) : null;
  const agree = ctx.value.decision === 'agree';
  const round = Number(ctx.value.round);
  if (!app || (ctx.value.decision !== 'agree' && ctx.value.decision !== 'refuse') || !Number.isSafeInteger(round)) return error('这张改期卡片已失效。');
  const timezone = deps.settings.timezone;
  const view = (a: Application, extra: { reason?: string; reasonError?: string } = {}) => changeReviewCard({ app: a, timezone, rulesText: changeRulesTextFor(deps, a), round, ...extra });
  const request = changeRequestOf(app);
  if (request?.round !== round || request.state !== '待审核' || app.status !== '已通过' || stale(ctx, app)) {
    return { toast: { type: 'warning', content: '这项改期申请已处理或已过期，无需再审核。' }, card: view(app) };
  }
  const reason = text(ctx.formValue?.reason);
  const problem = reasonError(agree ? 'approve_change' : 'refuse_change', reason);
  if (problem) return { toast: { type: 'warning', content: problem }, card: view(app, { reason, reasonError: problem }) };
  const result = await deps.atomically(async (tx) => {
    const change = await tx.applications.decideChange(app, agree, ctx.operatorOpenId, reason || null);
    if (!change.ok) return change;
    await refreshReviewCards(tx, change.app, ctx.messageId);
    await refreshFilerCards(tx, change.app);
    const r = changeRequestOf(change.app)!;
    await notifyFiler(
      tx,
      change.app,
      agree
        ? `<font color='green'>**中心同意改期。**</font>活动改为 ${r.new.startDate} 至 ${r.new.endDate} 举办，活动提醒将按新的日期发送。`
        : `<font color='red'>**中心不同意改期**</font>，活动仍按原安排举办。原因：${escapeMarkdown(reason)}`,
    );
    return change;
  });
  if (!result.ok) return { toast: { type: 'warning', content: '这项改期申请已处理或已过期，无需再审核。' }, card: view(result.current) };
  ctx.log.info({ applicationId: app.id, agree }, 'change decided');
  // The expert team goes with the new dates: say so when that books an expert twice (issue 11, item 6).
  const overlap = agree ? await teamOverlapNotice(deps, result.app) : undefined;
  if (overlap) return { toast: { type: 'warning', content: `已同意改期：${codeText(result.app)}。${overlap}` }, card: view(result.app) };
  return { toast: { type: 'success', content: `${agree ? '已同意改期' : '已不同意改期'}：${codeText(result.app)}` }, card: view(result.app) };
};

const openCancel: CardActionHandler = async (ctx) => {
  const app = await load(ctx);
  if (!isApp(app)) return app;
  if (!canTransition(app.status, 'cancel')) return { toast: { type: 'warning', content: `该申请当前状态为「${app.status}」，不能取消。` }, card: statusCard(ctx, app) };
  return { card: cancelFormCard({ app }) };
};

/**
 * Cancels, and tells everybody: the centre (its group, or each admin), the 盟市 group, the
 * filer when somebody else cancelled; every review and change card of it is updated.
 */
export async function cancelApplication(deps: HandlerDeps, app: Application, actor: string, reason: string, log: Logger, exceptMessageId?: string): Promise<ChangeResult> {
  const result = await deps.atomically(async (tx) => {
    const change = await tx.applications.cancel(app, actor, reason);
    if (!change.ok) return change;
    const cancelled = change.app;
    await refreshReviewCards(tx, cancelled, exceptMessageId);
    await refreshFilerCards(tx, cancelled);
    const notice: OutboundMessage = { type: 'card', card: cancelledNoticeCard(cancelled, tx.settings.timezone) };
    const targets = await centreTargets(tx, cancelled.tenantKey);
    const region = parseRegion(cancelled.region ?? '');
    if (region) targets.push(...(await tx.bindings.chatsFor(cancelled.tenantKey, region)).map((c) => ({ kind: 'chat' as const, id: c.chatId })));
    for (const target of targets) await sendTo(tx, cancelled.tenantKey, target, `cancel:${cancelled.id}:${target.kind}:${target.id}`, notice);
    if (cancelled.filerOpenId !== actor) await notifyFiler(tx, cancelled, `中心管理员取消了您的这项活动。原因：${escapeMarkdown(reason)}`);
    return change;
  });
  if (result.ok) log.info({ applicationId: app.id }, 'activity cancelled');
  return result;
}

const cancel: CardActionHandler = async (ctx) => {
  const app = await load(ctx);
  if (!isApp(app)) return app;
  if (!canTransition(app.status, 'cancel') || stale(ctx, app)) {
    return { toast: { type: 'warning', content: `该申请当前状态为「${app.status}」${app.status === '已取消' ? '' : '，或刚刚有了变化'}，未取消。请查看最新状态。` }, card: statusCard(ctx, app) };
  }
  const reason = text(ctx.formValue?.reason);
  const problem = reasonError('cancel', reason);
  if (problem) return { toast: { type: 'warning', content: problem }, card: cancelFormCard({ app, reason, error: problem }) };
  const result = await cancelApplication(ctx.deps, app, ctx.operatorOpenId, reason, ctx.log);
  if (!result.ok) return { toast: { type: 'warning', content: `该申请刚刚有了变化（当前状态：${result.current.status}），未取消。` }, card: statusCard(ctx, result.current) };
  return { toast: { type: 'success', content: `已取消活动 ${codeText(result.app)}` }, card: statusCard(ctx, result.app, '活动已取消，科创服务中心和所在盟市群已收到通知。') };
};

export const CHANGE_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  'application.change': openChange,
  [CHANGE_SUBMIT_ACTION]: submitChange,
  [CHANGE_DECIDE_ACTION]: decideChange,
  'application.cancel_form': openCancel,
  [CANCEL_ACTION]: cancel,
};
