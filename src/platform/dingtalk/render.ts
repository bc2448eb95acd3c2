import type { OutboundMessage } from '../port';
import { PlatformError } from '../port';

/**
 * Turns what the bot builds for Feishu (plain text, or card JSON 2.0) into a DingTalk robot
 * message (DINGTALK.md §3): `sampleText`, `sampleMarkdown`, or `sampleActionCard*` when the
 * card has buttons that stand for a text command. DingTalk robot messages have no callback
 * buttons: a button becomes a `dtmd://dingtalkclient/sendMessage?content=…` link that makes the
 * user send the command, and the command is printed on the card as the fallback. Buttons with
 * no text command, and forms, are not offered: the card says so instead of pretending.
 */

export interface DingTalkMessage {
  msgKey: string;
  msgParam: Record<string, string>;
}

/** The text command a card button stands for, by the `action` of its callback value. */
const BUTTON_COMMANDS: Readonly<Record<string, (value: Record<string, unknown>) => string | undefined>> = {
  // The first page of a list is what 查询 shows; later pages have no text command yet.
  'application.list': (v) => (v.page === undefined || v.page === 0 ? '查询' : undefined),
};

/** A form card's inputs cannot be shown on DingTalk: the same form is a conversation (the wizard). */
export const FORM_NOT_AVAILABLE = '钉钉中不能直接在卡片上填写表单，请在与我的私聊中按提示逐项回复填写。';

/** The command that starts a form card's conversation, by the form's name. */
const FORM_COMMANDS: Readonly<Record<string, string>> = {
  application_form: '申请',
  need_form: '需求',
  summary_form: '总结 <编号>',
  report_submit_form: '报送',
  report_form: '发起报送',
  expert_form: '专家 添加',
};

/** What a form card says on DingTalk instead of its inputs. */
export function formNotice(formName: string | undefined): string {
  const command = formName ? FORM_COMMANDS[formName] : undefined;
  return command ? `${FORM_NOT_AVAILABLE}发送「${command}」开始，中途离开后发送「继续填写」接着填。` : `${FORM_NOT_AVAILABLE}如需办理，请在飞书中操作或联系创新中心管理员。`;
}

/** Characters that DingTalk markdown would read as markup or HTML, replaced by their full-width forms. */
const FULL_WIDTH: Readonly<Record<string, string>> = {
  '*': '＊',
  _: '＿',
  '~': '～',
  '[': '［',
  ']': '］',
  '#': '＃',
  '`': '｀',
  '<': '＜',
  '>': '＞',
  '|': '｜',
  '!': '！',
  '\\': '＼',
};

/**
 * User text made safe for DingTalk markdown. DingTalk documents no escape syntax for its
 * markdown subset (backslashes are not promised to work), so the characters that start
 * emphasis, links, images, headings, code, tables or HTML become their full-width look-alikes.
 */
export function escapeDingTalkMarkdown(text: string): string {
  return text.replace(/[*_~[\]#`<>|!\\]/g, (ch) => FULL_WIDTH[ch] ?? ch);
}

/** `dtmd://` link that makes the DingTalk client send `command` to the bot as the user. */
export function commandLink(command: string): string {
  return `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(command)}`;
}

/**
 * Feishu card markdown → DingTalk markdown. In the bot's cards, user text is escaped as HTML
 * numeric entities (cards/markdown.ts) and everything else is trusted markup: entities are
 * decoded and re-escaped for DingTalk, Feishu-only tags are dropped, and line breaks doubled
 * up as DingTalk needs.
 */
export function feishuMarkdownToDingTalk(content: string): string {
  return content
    .replace(/<at\b[^>]*>.*?<\/at>/g, '')
    .replace(/<\/?(font|text_tag|local_datetime)\b[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => escapeDingTalkMarkdown(String.fromCodePoint(Number(code))))
    .replace(/&(lt|gt|amp|quot);/g, (_, name: string) => ({ lt: '＜', gt: '＞', amp: '&', quot: '"' })[name] ?? '')
    .replace(/\n/g, '  \n');
}

interface Walked {
  lines: string[];
  buttons: Array<{ title: string; command: string }>;
  unavailable: string[];
  hasForm: boolean;
  formName?: string;
}

function textOf(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && typeof (node as any).content === 'string') return (node as any).content;
  return '';
}

function walk(elements: unknown, out: Walked): void {
  if (!Array.isArray(elements)) return;
  for (const el of elements as Array<Record<string, any>>) {
    if (!el || typeof el !== 'object') continue;
    switch (el.tag) {
      case 'markdown':
        out.lines.push(feishuMarkdownToDingTalk(String(el.content ?? '')));
        break;
      case 'div':
      case 'plain_text':
        out.lines.push(escapeDingTalkMarkdown(textOf(el.text ?? el)));
        break;
      case 'hr':
        out.lines.push('');
        break;
      case 'button': {
        const title = textOf(el.text);
        const value = (el.behaviors?.find?.((b: any) => b?.type === 'callback')?.value ?? el.value ?? {}) as Record<string, unknown>;
        const command = typeof value.action === 'string' ? BUTTON_COMMANDS[value.action]?.(value) : undefined;
        if (command) out.buttons.push({ title, command });
        else if (title) out.unavailable.push(title);
        break;
      }
      case 'form':
        out.hasForm = true;
        out.formName ??= typeof el.name === 'string' ? el.name : undefined;
        // The form's own text (hints, headings) is still worth showing; its inputs are not.
        walk(el.elements?.filter((e: any) => e?.tag === 'markdown' || e?.tag === 'div'), out);
        break;
      case 'chart':
        out.lines.push('（图表暂不能在钉钉中显示）');
        break;
      case 'column_set':
        for (const col of el.columns ?? []) walk(col?.elements, out);
        break;
      default:
        if (Array.isArray(el.elements)) walk(el.elements, out);
    }
  }
}

export function renderCard(card: Record<string, any>): DingTalkMessage {
  const title = textOf(card.header?.title) || '企业创新助手';
  const out: Walked = { lines: [], buttons: [], unavailable: [], hasForm: false };
  walk(card.body?.elements ?? card.elements, out);
  const lines = [`### ${escapeDingTalkMarkdown(title)}`, ...out.lines];
  if (out.hasForm) lines.push('', `> ${escapeDingTalkMarkdown(formNotice(out.formName))}`);
  if (out.unavailable.length) {
    lines.push('', `> 按钮「${out.unavailable.map(escapeDingTalkMarkdown).join('」「')}」暂不能在钉钉中使用，请在飞书中操作或联系创新中心管理员。`);
  }
  const shown = out.buttons.slice(0, 5);
  if (out.buttons.length) {
    lines.push('', `也可以直接发送：${out.buttons.map((b) => `「${escapeDingTalkMarkdown(b.command)}」`).join(' ')}`);
  }
  const text = lines.join('\n\n').replace(/\n{3,}/g, '\n\n');
  const safeTitle = title.slice(0, 64);
  if (shown.length === 0) return { msgKey: 'sampleMarkdown', msgParam: { title: safeTitle, text } };
  if (shown.length === 1) {
    return { msgKey: 'sampleActionCard', msgParam: { title: safeTitle, text, singleTitle: shown[0].title, singleURL: commandLink(shown[0].command) } };
  }
  const msgParam: Record<string, string> = { title: safeTitle, text };
  shown.forEach((b, i) => {
    msgParam[`actionTitle${i + 1}`] = b.title;
    msgParam[`actionURL${i + 1}`] = commandLink(b.command);
  });
  return { msgKey: `sampleActionCard${shown.length}`, msgParam };
}

/** The robot message for an outbound message; images, files and forwards are not in this slice. */
export function renderMessage(message: OutboundMessage): DingTalkMessage {
  switch (message.type) {
    case 'text':
      return { msgKey: 'sampleText', msgParam: { content: message.text } };
    case 'card':
      return renderCard(message.card);
    default:
      throw new PlatformError(`dingtalk: '${message.type}' messages are not supported on DingTalk yet`, { retryable: false });
  }
}
