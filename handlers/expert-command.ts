import { EXPERT_ADD_ACTION, expertFormCard, importResultCard } from '../cards/expert-cards';
import { sanitizeForText } from '../cards/markdown';
import { EXPERT_IMPORT_LIMITS, parseExpertSheet } from '../src/domain/expert-import';
import { tooLargeMessage } from '../src/domain/sheet-reading';
import { checkExpertForm } from '../src/domain/expert-rules';
import { INDUSTRIES } from '../src/domain/industries';
import type { Logger } from '../src/logger';
import { ResourceTooLargeError, type OutboundMessage } from '../src/platform/port';
import type { Attachment } from '../src/services/application-service';
import { formTokenFor } from './application-flow';
import { EXPERT_DELETE_ACTIONS } from './expert-delete-actions';
import { ADMINS_ONLY, expertCardFor, expertFormValues, expertListFor, EXPERT_LIST_ACTIONS, parseListFilter, typedValues } from './expert-list-actions';
import type { CardActionHandler, Command, HandlerDeps } from './types';

/**
 * 专家 (admins): the expert list, 10 a page in pinyin order, filtered by field (专家 稀土) or name
 * (专家 张); 专家 添加: the card to add one. A CSV or Excel file an admin sends privately is
 * imported as an expert list. The list's buttons are in expert-list-actions.ts.
 */

export { expertListItem } from './expert-list-actions';

export const expertCommand: Command = {
  word: '专家',
  usage: '专家 / 专家 <领域或姓名> / 专家 添加',
  description: '查看专家库（按拼音排序，可按领域或姓名查找，如「专家 稀土」「专家 张」）；「专家 添加」登记专家，也可私聊发送 CSV 或 Excel 专家名单导入',
  adminOnly: true,
  async run(ctx) {
    if (!ctx.isAdmin) {
      await ctx.reply({ type: 'text', text: ADMINS_ONLY });
      return;
    }
    const { tenantKey, messageId } = ctx.message;
    if (ctx.args === '添加') {
      await ctx.reply({ type: 'card', card: expertFormCard({ token: formTokenFor(`expert\n${tenantKey}\n${messageId}`), industries: INDUSTRIES }) });
      return;
    }
    await ctx.reply({ type: 'card', card: await expertListFor(ctx.deps, tenantKey, parseListFilter(ctx.args), 0) });
  },
};

export const addExpert: CardActionHandler = async (ctx) => {
  if (!ctx.isAdmin) return { toast: { type: 'error', content: ADMINS_ONLY } };
  const token = typeof ctx.value.form === 'string' ? ctx.value.form : '';
  const { form, linked } = expertFormValues(ctx);
  const checked = checkExpertForm(form);
  if (!checked.ok) {
    return {
      toast: { type: 'warning', content: `有 ${Object.keys(checked.errors).length} 项需要修改，请查看表单中的红色提示` },
      card: expertFormCard({ token, industries: INDUSTRIES, values: typedValues(form), errors: checked.errors, linked }),
    };
  }
  const { expert, added } = await ctx.deps.experts.upsert(ctx.tenantKey, checked.expert, ctx.operatorOpenId);
  ctx.log.info({ expertId: expert.id, added }, 'expert saved');
  const title = added ? '已添加专家' : '已更新专家信息';
  return {
    toast: { type: 'success', content: added ? `已添加专家 ${sanitizeForText(expert.name, 20)}` : `已更新专家 ${sanitizeForText(expert.name, 20)} 的信息` },
    card: await expertCardFor(ctx.deps, expert, { filter: {}, page: 0 }, { title, banner: `<font color='green'>**${title}**</font>` }),
  };
};

/** Spreadsheets admins send privately are expert lists. */
export function isExpertSheet(attachment: Attachment, isAdmin: boolean): boolean {
  // Stryker disable next-line StringLiteral: a nameless file's stand-in name, '' or any other text without a spreadsheet extension, is not a spreadsheet either way
  return isAdmin && attachment.kind === 'file' && /\.(csv|xlsx|xls|et)$/i.test(attachment.name ?? '');
}

export async function importExpertSheet(
  deps: HandlerDeps,
  tenantKey: string,
  adminOpenId: string,
  attachment: Attachment,
  reply: (m: OutboundMessage) => Promise<void>,
  log: Logger,
): Promise<void> {
  const fileName = sanitizeForText(attachment.name ?? '文件');
  let file: Buffer;
  try {
    // Stopped at the limit while downloading: a 200 MB file costs 5 MB, not 200.
    file = await deps.platform.downloadResource(attachment.messageId, attachment.key, 'file', { maxBytes: EXPERT_IMPORT_LIMITS.maxBytes });
  } catch (err) {
    if (err instanceof ResourceTooLargeError) {
      log.warn({ maxBytes: err.maxBytes }, 'expert list: file too large, download stopped');
      await reply({ type: 'text', text: `「${fileName}」未导入：${tooLargeMessage(EXPERT_IMPORT_LIMITS.maxBytes)}。` });
      return;
    }
    // Told once and not retried: a retry of this event could not answer again under the same key.
    log.error({ err }, 'expert list: download failed');
    await reply({ type: 'text', text: `没能下载「${fileName}」，专家名单未导入。请稍后重新发送；如仍有问题请联系管理员。` });
    return;
  }
  let added = 0;
  let updated = 0;
  let errors;
  try {
    const sheet = await parseExpertSheet(file, attachment.name ?? 'experts.csv');
    errors = sheet.errors;
    for (const row of sheet.rows) {
      const result = await deps.experts.upsert(tenantKey, row, adminOpenId);
      if (result.added) added += 1;
      else updated += 1;
    }
  } catch (err) {
    // Whatever broke, the admin hears how far it got (an upsert is safe to repeat by resending).
    log.error({ err, added, updated }, 'expert list: import failed');
    const sofar = added + updated > 0 ? `已导入 ${added + updated} 位专家后` : '';
    await reply({ type: 'text', text: `「${fileName}」${sofar}导入失败，请稍后重新发送（已导入的专家不会重复）；如仍有问题请联系管理员。` });
    return;
  }
  await reply({ type: 'card', card: importResultCard({ added, updated, errors, fileName: attachment.name ?? '' }) });
}

export const EXPERT_ACTIONS: Readonly<Record<string, CardActionHandler>> = { [EXPERT_ADD_ACTION]: addExpert, ...EXPERT_DELETE_ACTIONS, ...EXPERT_LIST_ACTIONS };
