import type { CentreContact } from '../src/config/centre';
import { escapeMarkdown } from './markdown';

/**
 * The centre's contact (CENTRE_CONTACT_*) as one markdown line, e.g.
 * "科创服务中心联系人：师丽丽 · 电话 0471-6939381 · 邮箱 zzqkczx@126.com"; undefined when none is set.
 */
export function contactLine(contact: CentreContact | undefined): string | undefined {
  if (!contact) return undefined;
  const parts = [
    contact.name ? escapeMarkdown(contact.name) : undefined,
    contact.phone ? `电话 ${escapeMarkdown(contact.phone)}` : undefined,
    contact.email ? `邮箱 ${escapeMarkdown(contact.email)}` : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.length ? `科创服务中心联系人：${parts.join(' · ')}` : undefined;
}
