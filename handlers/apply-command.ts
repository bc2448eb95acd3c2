import { formCard, formTokenFor } from './application-flow';
import type { Command } from './types';

/** 申请: the application form. In a group it goes to the asker privately: a form is personal. */
export const applyCommand: Command = {
  word: '申请',
  usage: '申请',
  description: '填写企业创新能力提升行动的活动申请表',
  async run(ctx) {
    const token = formTokenFor(`${ctx.message.tenantKey}\n${ctx.message.messageId}`);
    const card = formCard(ctx.deps, { target: { form: token }, values: {}, mode: 'new' });
    if (ctx.message.chatType === 'p2p') {
      await ctx.reply({ type: 'card', card });
      return;
    }
    const { tenantKey, senderOpenId, messageId } = ctx.message;
    await ctx.deps.messenger.sendToUser({ tenantKey, key: `apply:${messageId}:form` }, senderOpenId, { type: 'card', card });
    await ctx.reply({ type: 'text', text: '申请表已私聊发给您，请在与我的私聊中填写提交。' });
  },
};
