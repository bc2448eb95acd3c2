import { reviewCard } from '../cards/application-cards';
import { CENTRE } from '../src/domain/regions';
import { codeOf } from '../src/services/application-record';
import { reviewKeyFor, trackReviewCard } from './application-flow';
import type { Command } from './types';

/** How many review cards one 待审 sends; the rest are counted and come with the next 待审. */
export const PENDING_CARDS = 10;

/** 待审 (admins): what waits for review, oldest first, each as a review card with its buttons. */
export const pendingCommand: Command = {
  word: '待审',
  usage: '待审',
  description: '列出等待审核的申请，每份附审核按钮',
  adminOnly: true,
  async run(ctx) {
    const { tenantKey, chatType, chatId, messageId } = ctx.message;
    if (!ctx.isAdmin) {
      await ctx.reply({ type: 'text', text: '抱歉，只有科创服务中心的管理员可以审核申请。发送「查询」可查看您的申请。' });
      return;
    }
    if (chatType === 'group' && (await ctx.deps.bindings.find(tenantKey, chatId))?.scope !== CENTRE) {
      await ctx.reply({ type: 'text', text: '「待审」只能在私聊或中心工作群中使用，以免审核信息发到盟市群。' });
      return;
    }
    const pending = await ctx.deps.applications.pending(tenantKey);
    if (pending.length === 0) {
      await ctx.reply({ type: 'text', text: '目前没有等待审核的申请。' });
      return;
    }
    const shown = pending.slice(0, PENDING_CARDS);
    const more = pending.length - shown.length;
    await ctx.reply({
      type: 'text',
      text: `共有 ${pending.length} 份申请等待审核（最早提交的在前）：${shown.map((a) => codeOf(a)).join('、')}${more > 0 ? `。先发送前 ${shown.length} 份，还有 ${more} 份，处理后再次发送「待审」即可` : ''}。`,
    });
    for (const app of shown) {
      const key = reviewKeyFor(app, `pending:${messageId}`);
      await ctx.deps.messenger.reply({ tenantKey, key }, messageId, chatId, { type: 'card', card: reviewCard({ app, timezone: ctx.deps.settings.timezone }) });
      await trackReviewCard(ctx.deps, app, key);
    }
  },
};
