import { adminInCentre } from './figures-flow';
import type { Command } from './types';

/**
 * 台账 (admins, privately or in the centre's group): the link to the centre's 多维表格 台账
 * (issue 13 item 1) and how its queue stands: records waiting to be written, records Bitable
 * refused, and anything missing in the Base.
 */

export const LEDGER_REFUSAL = '只有科创服务中心的管理员可以查看台账，请在私聊或中心工作群中使用「台账」。';
export const LEDGER_NOT_CONFIGURED = '尚未配置多维表格台账：请在机器人的配置中设置 FEISHU_BITABLE_APP_TOKEN（多维表格地址中 /base/ 后的一段），并把应用添加为该多维表格的协作者（可编辑）。';

export const ledgerCommand: Command = {
  word: '台账',
  usage: '台账',
  description: '科创服务中心的多维表格台账链接：活动申请、企业需求和报送记录随办理进度自动更新',
  adminOnly: true,
  async run(ctx) {
    if (!(await adminInCentre(ctx))) return ctx.reply({ type: 'text', text: LEDGER_REFUSAL });
    const ledger = ctx.deps.ledger;
    if (!ledger) return ctx.reply({ type: 'text', text: LEDGER_NOT_CONFIGURED });
    const state = await ledger.state();
    const lines = [
      `多维表格台账：${ledger.url}`,
      '「活动申请台账」「企业需求台账」「报送台账」三张数据表随办理进度自动更新（通常在一分钟内）。',
      state.pending > 0 ? `待写入 ${state.pending} 条记录。` : '所有记录均已写入。',
    ];
    if (state.failed > 0) lines.push(`有 ${state.failed} 条记录写入失败，可运行 npm run job -- ledger-sync --full 重新写入。`);
    if (state.problems.length > 0) lines.push('需要处理：', ...state.problems.map((p) => `· ${p}`));
    await ctx.reply({ type: 'text', text: lines.join('\n') });
  },
};
