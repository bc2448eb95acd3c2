import { SUMMARY_SUBMIT_ACTION, summaryFormCard, summaryResultCard } from '../cards/summary-cards';
import { resolveApplicationRules } from '../src/domain/application-rule-config';
import { checkSummaryForm, pickSummaryValues } from '../src/domain/summary-rules';
import { codeText, centreTargets, mayAct } from './application-flow';
import type { CardActionHandler } from './types';

/**
 * 提交总结 on the evaluation summary card: checked on the server; a failing form comes back with
 * its values and reasons; a filed one moves the application to 已总结 and the centre is told.
 */
const submitSummary: CardActionHandler = async (ctx) => {
  const { deps } = ctx;
  const app = await deps.applications.get(ctx.tenantKey, Number(ctx.value.id));
  if (!app) return { toast: { type: 'error', content: '没有找到这份申请。请发送「查询」查看您的申请。' } };
  if (!mayAct(app, ctx.operatorOpenId, ctx.isAdmin)) return { toast: { type: 'error', content: '只有申请人本人或中心管理员可以提交这份活动评估总结。' } };
  const timezone = deps.settings.timezone;
  const existing = await deps.summaries.get(app.id);
  const shown = existing && deps.summaries.checked(existing, deps.settings.rules);
  if (existing && shown) {
    return {
      toast: { type: 'info', content: `${codeText(app)} 的活动评估总结已经提交过了。` },
      card: summaryResultCard({ app, summary: shown, filedBy: existing.filedBy, filedAt: existing.filedAt, timezone }),
    };
  }
  if (app.status !== '已举办' && app.status !== '已总结') {
    return { toast: { type: 'warning', content: `该申请当前状态为「${app.status}」，活动举办后才能提交评估总结。` } };
  }
  const rules = resolveApplicationRules(deps.settings.rules);
  const form = ctx.formValue ?? {};
  const checked = checkSummaryForm(form, deps.settings.rules);
  if (!checked.ok) {
    const count = Object.keys(checked.errors).length;
    return {
      toast: { type: 'warning', content: `有 ${count} 项需要修改，请查看表单中的红色提示` },
      card: summaryFormCard({ app, values: pickSummaryValues(form), errors: checked.errors, rules }),
    };
  }
  // 已总结, its audit row, the summary and the centre's cards: one commit.
  const outcome = await deps.atomically(async (tx) => {
    const result = await tx.summaries.file(app, checked.summary, ctx.operatorOpenId);
    if (!result.ok) return result;
    const filed = await tx.summaries.get(app.id);
    const card = summaryResultCard({ app: result.app, summary: checked.summary, filedBy: ctx.operatorOpenId, filedAt: filed?.filedAt ?? tx.now(), timezone });
    const centreCopy = summaryResultCard({ app: result.app, summary: checked.summary, filedBy: ctx.operatorOpenId, filedAt: filed?.filedAt ?? tx.now(), timezone, forCentre: true });
    for (const target of await centreTargets(tx, app.tenantKey)) {
      const ref = { tenantKey: app.tenantKey, key: `summary:${app.id}:${target.kind}:${target.id}` };
      if (target.kind === 'chat') await tx.messenger.sendToChat(ref, target.id, { type: 'card', card: centreCopy });
      else await tx.messenger.sendToUser(ref, target.id, { type: 'card', card: centreCopy });
    }
    return { ok: true as const, card };
  });
  if (!outcome.ok) return { toast: { type: 'warning', content: `该申请刚刚有了变化（当前状态：${outcome.current.status}），请发送「查询 ${codeText(app)}」查看。` } };
  const card = outcome.card;
  ctx.log.info({ applicationId: app.id }, 'evaluation summary filed');
  return { toast: { type: 'success', content: `已提交 ${codeText(app)} 的活动评估总结` }, card };
};

export const SUMMARY_ACTIONS: Readonly<Record<string, CardActionHandler>> = { [SUMMARY_SUBMIT_ACTION]: submitSummary };
