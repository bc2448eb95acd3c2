import { upcomingActivitiesCard } from '../cards/reminder-cards';
import { isoOf, requireDate } from '../src/domain/calendar';
import { DEFAULT_REMINDER_SCHEDULE } from '../src/jobs/schedule-config';
import { todayOf } from './application-flow';
import { scopeForChat } from './query-command';
import type { Command } from './types';

/** 近期活动: approved activities starting within the next 30 days, in the asker's 查询 scope. */
export const upcomingCommand: Command = {
  word: '近期活动',
  usage: '近期活动',
  description: '查看未来 30 天内将举办的活动；私聊中为自己的活动，盟市群中为本盟市的活动',
  async run(ctx) {
    const scope = await scopeForChat(ctx);
    if ('refusal' in scope) {
      await ctx.reply({ type: 'text', text: scope.refusal });
      return;
    }
    const days = DEFAULT_REMINDER_SCHEDULE.upcomingCommandDays;
    const today = todayOf(ctx.deps);
    const until = isoOf(requireDate('today', today).plus({ days }));
    const { tenantKey, senderOpenId } = ctx.message;
    const apps = await ctx.deps.applications.startingBetween(tenantKey, today, until, {
      ...(scope.kind === 'mine' ? { filerOpenId: senderOpenId } : {}),
      ...(scope.kind === 'region' ? { region: scope.region } : {}),
    });
    const who = scope.kind === 'mine' ? '您' : scope.kind === 'region' ? scope.region : '全区';
    await ctx.reply({ type: 'card', card: upcomingActivitiesCard({ apps, who, from: today, until, days, showTeams: scope.kind === 'all' }) });
  },
};
