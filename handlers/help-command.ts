import { helpCard } from '../cards/help-card';
import type { Command } from './types';

export const helpCommand: Command = {
  word: '帮助',
  aliases: ['help', '菜单', '?', '？'],
  usage: '帮助',
  description: '查看可用指令',
  async run(ctx) {
    const binding =
      ctx.message.chatType === 'group'
        ? (await ctx.deps.bindings.find(ctx.message.tenantKey, ctx.message.chatId))?.scope
        : undefined;
    await ctx.reply({ type: 'card', card: helpCard({ commands: ctx.commands, chatType: ctx.message.chatType, binding, isAdmin: ctx.isAdmin, contact: ctx.deps.settings.contact }) });
  },
};
