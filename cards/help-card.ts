import { card, CardJson, divider, markdown, note } from './card-kit';
import { escapeMarkdown } from './markdown';
import { contactLine } from './contact-line';
import type { CentreContact } from '../src/config/centre';

export interface HelpCardView {
  commands: ReadonlyArray<{ usage: string; description: string; adminOnly?: boolean }>;
  chatType: 'p2p' | 'group';
  /** The chat's binding (a 盟市 name or 中心), in a group. */
  binding?: string;
  /** The text the bot did not understand, when that is why the card is shown. */
  unrecognised?: string;
  /** An admin sees every command (the centre's marked); anyone else only those they may use. */
  isAdmin: boolean;
  contact?: CentreContact;
}

export function helpCard(view: HelpCardView): CardJson {
  const elements = [];
  if (view.unrecognised !== undefined) {
    const shown = view.unrecognised.length > 40 ? `${view.unrecognised.slice(0, 40)}…` : view.unrecognised;
    elements.push(markdown(`没有识别「${escapeMarkdown(shown)}」这条指令。可以使用下面这些指令：`));
  }
  const lines = view.commands.filter((c) => view.isAdmin || !c.adminOnly).map(
    (c) => `**${escapeMarkdown(c.usage)}**　${escapeMarkdown(c.description)}${c.adminOnly ? '（限中心管理员）' : ''}`,
  );
  elements.push(markdown(lines.join('\n')));
  const contact = contactLine(view.contact);
  if (contact) elements.push(markdown(contact));
  elements.push(divider());
  if (view.chatType === 'group') {
    elements.push(note(`在群聊中请先 @我 再输入指令。本群当前${view.binding ? `绑定：**${escapeMarkdown(view.binding === '中心' ? '科创服务中心' : view.binding)}**` : '尚未绑定盟市或中心'}。`));
  } else {
    elements.push(note('在私聊中直接输入指令即可；在群聊中请先 @我。'));
  }
  return card({ title: '企业创新助手 · 使用帮助', colour: 'blue', summary: '企业创新助手使用帮助', elements });
}
