import { CENTRE, parseRegion, type Region } from '../src/domain/regions';
import type { CommandContext } from './types';

/**
 * What the centre's figure commands share (导出, 通报, 年度数据): where they may be used, and
 * how a generated file reaches the asker (a progress note, then the file, or a Chinese error).
 */

export interface GeneratedFile {
  buffer: Buffer;
  name: string;
}

/** Where the asker is: privately, the centre's group, a 盟市's group, or an unbound group. */
export async function placeOf(ctx: CommandContext): Promise<{ kind: 'p2p' } | { kind: 'centre' } | { kind: 'region'; region: Region } | { kind: 'other' }> {
  const { tenantKey, chatType, chatId } = ctx.message;
  if (chatType === 'p2p') return { kind: 'p2p' };
  const scope = (await ctx.deps.bindings.find(tenantKey, chatId))?.scope;
  if (scope === CENTRE) return { kind: 'centre' };
  const region = scope ? parseRegion(scope) : undefined;
  return region ? { kind: 'region', region } : { kind: 'other' };
}

/** Admins, privately or in the centre's group: where the centre's business is done. */
export async function adminInCentre(ctx: CommandContext): Promise<boolean> {
  if (!ctx.isAdmin) return false;
  const place = await placeOf(ctx);
  return place.kind === 'p2p' || place.kind === 'centre';
}

/**
 * Says 正在生成…, builds the files, uploads each (the platform's file upload) and replies with it
 * through the outbox; a failure gets a Chinese error with a reference that is also in the log.
 */
export async function sendGenerated(ctx: CommandContext, what: string, build: () => Promise<GeneratedFile[]>): Promise<boolean> {
  await ctx.reply({ type: 'text', text: `正在生成${what}，请稍候…` });
  try {
    const files = await build();
    for (const file of files) {
      const fileKey = await ctx.deps.platform.uploadFile(file.buffer, file.name);
      await ctx.reply({ type: 'file', fileKey });
    }
    ctx.log.info({ what, files: files.map((f) => ({ name: f.name, bytes: f.buffer.length })) }, 'figures: file sent');
    return true;
  } catch (err) {
    const ref = ctx.message.messageId.slice(-8);
    ctx.log.error({ err, ref, what }, 'figures: generating or uploading the file failed');
    await ctx.reply({ type: 'text', text: `${what}生成失败，请稍后再试（参考编号 ${ref}）。` });
    return false;
  }
}
