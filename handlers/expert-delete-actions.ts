import {
  EXPERT_DELETE_ACTION,
  EXPERT_DELETE_CANCEL_ACTION,
  EXPERT_DELETE_CONFIRM_ACTION,
  expertDeleteConfirmCard,
  expertDeleteResultCard,
} from '../cards/expert-cards';
import { sanitizeForText } from '../cards/markdown';
import type { CardActionHandler, CardActionResult } from './types';
import { expertListItem } from './expert-list-actions';

/**
 * Deleting an expert's personal data on request (PIPL): 删除 on the expert list asks to confirm;
 * 确认删除 removes the expert, or empties them when needs name them (ExpertService.remove).
 * Admins only, checked here on every click; a replayed or second confirmation changes nothing.
 */

const ADMINS_ONLY = '只有科创服务中心的管理员可以删除专家信息。';
const error = (content: string): CardActionResult => ({ toast: { type: 'error', content } });

const ask: CardActionHandler = async (ctx) => {
  if (!ctx.isAdmin) return error(ADMINS_ONLY);
  const chosen = ctx.formValue?.expert ?? ctx.value.id;
  const id = Number(Array.isArray(chosen) ? chosen[0] : chosen);
  if (chosen === undefined || chosen === '' || !Number.isSafeInteger(id)) return { toast: { type: 'warning', content: '请先选择要删除的专家。' } };
  const expert = await ctx.deps.experts.get(ctx.tenantKey, id);
  if (!expert || expert.deletedAt !== null) return { toast: { type: 'info', content: '这位专家的信息已经删除，无需再次操作。' }, card: expertDeleteResultCard({ kind: 'gone' }) };
  return {
    card: expertDeleteConfirmCard({ id: expert.id, version: expert.updatedAt, item: expertListItem(expert), needs: await ctx.deps.experts.needCount(ctx.tenantKey, expert.id) }),
  };
};

const confirm: CardActionHandler = async (ctx) => {
  if (!ctx.isAdmin) return error(ADMINS_ONLY);
  const id = Number(ctx.value.id);
  const version = Number(ctx.value.v);
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(version)) return error('这个按钮已失效，请重新发送「专家」。');
  const result = await ctx.deps.experts.remove(ctx.tenantKey, id, version);
  switch (result.outcome) {
    case 'gone':
      return { toast: { type: 'info', content: '这位专家的信息已经删除，无需再次操作。' }, card: expertDeleteResultCard({ kind: 'gone' }) };
    case 'stale':
      return { toast: { type: 'warning', content: '这位专家的信息刚刚有了变化，请重新发送「专家」查看后再删除。' } };
    default:
      // Who asked for what is in the log, without the data that was deleted.
      ctx.log.info({ expertId: id, outcome: result.outcome, needs: result.needs, by: ctx.operatorOpenId }, 'expert personal data deleted');
      return {
        toast: { type: 'success', content: `已删除专家 ${sanitizeForText(result.expert.name, 20)} 的个人信息` },
        card: expertDeleteResultCard({ kind: result.outcome, needs: result.needs }),
      };
  }
};

const cancel: CardActionHandler = async (ctx) => {
  if (!ctx.isAdmin) return error(ADMINS_ONLY);
  return { toast: { type: 'info', content: '已取消，专家信息没有改动。' }, card: expertDeleteResultCard({ kind: 'cancelled' }) };
};

export const EXPERT_DELETE_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  [EXPERT_DELETE_ACTION]: ask,
  [EXPERT_DELETE_CONFIRM_ACTION]: confirm,
  [EXPERT_DELETE_CANCEL_ACTION]: cancel,
};
