import { sanitizeForText } from '../cards/markdown';
import { CENTRE, parseBindingScope, REGIONS, type BindingScope } from '../src/domain/regions';
import type { Command } from './types';

const EXAMPLE = '例如：@企业创新助手 绑定 包头市，或 @企业创新助手 绑定 中心';

export const bindCommand: Command = {
  word: '绑定',
  usage: '绑定 <盟市名> / 绑定 中心',
  description: '把本群绑定到一个盟市或中心，用于接收提醒和每周小结',
  adminOnly: true,
  async run(ctx) {
    const say = (text: string) => ctx.reply({ type: 'text', text });
    if (ctx.message.chatType !== 'group') {
      await say(`「绑定」需要在群聊中使用：请把我拉进盟市或中心的工作群，再在群里发送指令。${EXAMPLE}`);
      return;
    }
    if (!ctx.isAdmin) {
      await say('抱歉，只有科创服务中心的工作人员可以绑定群聊。如需绑定本群，请联系中心管理员。');
      return;
    }
    if (!ctx.args) {
      await say(`请写明要绑定的盟市或中心。${EXAMPLE}`);
      return;
    }
    const scope = parseBindingScope(ctx.args);
    if (!scope) {
      await say(`没有找到「${sanitizeForText(ctx.args)}」。可绑定的名称：${REGIONS.join('、')}，或「${CENTRE}」。${EXAMPLE}`);
      return;
    }
    const { tenantKey, chatId, senderOpenId } = ctx.message;
    const { previous } = await ctx.deps.bindings.bind(tenantKey, chatId, scope, senderOpenId);
    const what = scope === CENTRE ? '科创服务中心工作群' : `${scope}的工作群`;
    const receives =
      scope === CENTRE ? '本群将收到待审核的申请、催办提醒和全区每周汇总。' : `本群将收到${scope}的活动提醒和每周小结。`;
    if (previous === scope) {
      await say(`本群已经是${what}，无需重复绑定。${receives}`);
    } else if (previous) {
      await say(`已将本群从${previous === CENTRE ? '科创服务中心工作群' : `${previous}的工作群`}改绑为${what}。${receives}`);
    } else {
      await say(`已将本群绑定为${what}。${receives}`);
    }
    ctx.log.info({ chatId, scope, previous }, 'chat bound');
  },
};

/** 解绑: the group stops speaking for its 盟市 (or the centre); says what is left without a group. */
export const unbindCommand: Command = {
  word: '解绑',
  usage: '解绑',
  description: '解除本群与盟市或中心的绑定，本群不再接收提醒和每周小结',
  adminOnly: true,
  async run(ctx) {
    const say = (text: string) => ctx.reply({ type: 'text', text });
    if (ctx.message.chatType !== 'group') {
      await say('「解绑」需要在要解绑的群聊中使用：在群里 @企业创新助手 解绑。');
      return;
    }
    if (!ctx.isAdmin) {
      await say('抱歉，只有科创服务中心的工作人员可以解绑群聊。如需解绑本群，请联系中心管理员。');
      return;
    }
    const { tenantKey, chatId } = ctx.message;
    const previous = await ctx.deps.bindings.unbind(tenantKey, chatId);
    if (!previous) {
      await say('本群尚未绑定盟市或中心，无需解绑。');
      return;
    }
    const left = (await ctx.deps.bindings.chatsFor(tenantKey, previous as BindingScope)).length;
    const what = previous === CENTRE ? '科创服务中心工作群' : `${previous}的工作群`;
    let text = `已解除本群的绑定，本群不再是${what}。`;
    if (left === 0) {
      text +=
        previous === CENTRE
          ? '\n注意：现在没有科创服务中心工作群，待审核的申请和催办将私聊发给每位中心管理员。可在中心的工作群里发送「@企业创新助手 绑定 中心」。'
          : `\n注意：${previous}现在没有工作群，活动提醒、报送任务和每周小结都发不到${previous}。请在${previous}的工作群里发送「@企业创新助手 绑定 ${previous}」。`;
    }
    await say(text);
    ctx.log.info({ chatId, previous, groupsLeft: left }, 'chat unbound');
  },
};
