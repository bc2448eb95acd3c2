import { circularContent } from '../src/jobs/circular';
import { adminInCentre, sendGenerated } from './figures-flow';
import type { Command } from './types';

/**
 * 通报 (admins, privately or in the centre's group): the monthly circular on demand, as of now:
 * the card with its chart, then the same table as an .xlsx (src/jobs/circular.ts).
 */

export const CIRCULAR_REFUSAL = '只有科创服务中心的管理员可以发布通报，请在私聊或中心工作群中使用「通报」。';

export const circularCommand: Command = {
  word: '通报',
  usage: '通报',
  description: '本年度截至今天各盟市的申请、举办、总结、参加人数、达标情况、需求对接和报送情况（卡片和图表，附 Excel）；每月第一个工作日自动发送',
  adminOnly: true,
  async run(ctx) {
    if (!(await adminInCentre(ctx))) return ctx.reply({ type: 'text', text: CIRCULAR_REFUSAL });
    const content = await circularContent(ctx.deps, ctx.message.tenantKey, new Date(ctx.deps.now()), ctx.log);
    await ctx.reply({ type: 'card', card: content.card });
    await sendGenerated(ctx, '通报明细表', async () => [await content.workbook()]);
  },
};
