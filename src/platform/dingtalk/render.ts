import { type OutboundMessage, PlatformError } from '../port';

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

/**
 * The text command a card button stands for, by the `action` of its callback value: `send` is
 * what the button makes the user send, `usage` (when the command takes more, e.g. a reason) is
 * what the card prints as the typed fallback. A form's submit button with only a `usage` (no
 * `send`) is typed, not tapped: the form's own inputs become the command's arguments.
 */
export interface ButtonCommand {
  send?: string;
  usage?: string;
}

const codeOf = (v: Record<string, unknown>): string | undefined => (typeof v.code === 'string' && /^[A-Z]{2}\d{4}-\d{1,6}$/.test(v.code) ? v.code : undefined);
const withCode = (make: (code: string) => ButtonCommand) => (v: Record<string, unknown>) => {
  const code = codeOf(v);
  return code ? make(code) : undefined;
};

/** A decision button's commands, by the `decision` of its value. */
type ByDecision = Readonly<Record<string, (code: string) => ButtonCommand>>;

const REVIEW_COMMANDS: ByDecision = {
  approve: (code) => ({ send: `通过 ${code}`, usage: `通过 ${code} [审核意见]` }),
  return: (code) => ({ send: `退回 ${code}`, usage: `退回 ${code} <原因>` }),
  reject: (code) => ({ send: `不予受理 ${code}`, usage: `不予受理 ${code} <原因>` }),
};

const CHANGE_DECISION_COMMANDS: ByDecision = {
  agree: (code) => ({ send: `同意改期 ${code}`, usage: `同意改期 ${code} [审核意见]` }),
  refuse: (code) => ({ send: `不同意改期 ${code}`, usage: `不同意改期 ${code} <原因>` }),
};

const byDecision = (commands: ByDecision) => (v: Record<string, unknown>) => {
  const code = codeOf(v);
  const make = typeof v.decision === 'string' && Object.hasOwn(commands, v.decision) ? commands[v.decision] : undefined;
  return code && make ? make(code) : undefined;
};

const BUTTON_COMMANDS: Readonly<Record<string, (value: Record<string, unknown>) => ButtonCommand | undefined>> = {
  // The first page of a list is what 查询 shows; later pages have no text command yet.
  'application.list': (v) => (v.page === undefined || v.page === 0 ? { send: '查询' } : undefined),
  // Issue 12 item 5: the centre's decisions, the filer's 修改 / 撤回, 改期 / 取消, and 对接.
  'application.review': byDecision(REVIEW_COMMANDS),
  // 仍然通过 on the question asked when the stamped scan has not arrived (SCAN_REQUIRED).
  'application.approve_unscanned': (v) => {
    const code = codeOf(v);
    const opinion = typeof v.reason === 'string' ? v.reason.trim() : '';
    return code ? { send: opinion ? `确认通过 ${code} ${opinion}` : `确认通过 ${code}`, usage: `确认通过 ${code} [审核意见]` } : undefined;
  },
  // The centre's 同意改期 / 不同意 on a change request (handlers/change-decision-commands.ts).
  'application.change_decide': byDecision(CHANGE_DECISION_COMMANDS),
  'application.withdraw': withCode((code) => ({ send: `撤回 ${code}` })),
  'application.edit': withCode((code) => ({ send: `修改 ${code}` })),
  'application.change': withCode((code) => ({ send: `改期 ${code}` })),
  'application.cancel_form': withCode((code) => ({ send: `取消 ${code}`, usage: `取消 ${code} <原因>` })),
  'need.match_open': withCode((code) => ({ send: `对接 ${code}` })),
  'need.match': withCode((code) => ({ usage: `对接 ${code} <专家编号> [对接说明]` })),
};

/** The command a button stands for on DingTalk, if any. */
export function buttonCommand(value: Record<string, unknown>): ButtonCommand | undefined {
  const action = value.action;
  if (typeof action !== 'string' || !Object.hasOwn(BUTTON_COMMANDS, action)) return undefined;
  return BUTTON_COMMANDS[action](value);
}

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
  change_form: '改期 <编号>',
  cancel_form: '取消 <编号>',
};

/** What a form card says on DingTalk instead of its inputs. */
export function formNotice(formName: string | undefined): string {
  const command = formName ? FORM_COMMANDS[formName] : undefined;
  return command ? `${FORM_NOT_AVAILABLE}发送「${command}」开始，中途离开后发送「继续填写」接着填。` : `${FORM_NOT_AVAILABLE}如需办理，请在飞书中操作或联系创新中心管理员。`;
}

/** Characters that DingTalk markdown would read as markup or HTML, replaced by their full-width forms. */
const FULL_WIDTH: Readonly<Record<string, string>> = Object.fromEntries([...'*_~[]#`<>|!\\'].map((ch, i) => [ch, [...'＊＿～［］＃｀＜＞｜！＼'][i]]));

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
  buttons: Array<{ title: string; send: string }>;
  /** Commands printed as the typed fallback. */
  typed: string[];
  unavailable: string[];
  hasForm: boolean;
  /** The first form that cannot be used here, by name (for formNotice). */
  formName?: string;
}

interface FormWalk {
  /** A submit button with no command: the form cannot be used on DingTalk. */
  uncovered: boolean;
  /** Choices of the form's selects, printed when the form is typed as a command. */
  options: string[];
}

function textOf(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && typeof (node as any).content === 'string') return (node as any).content;
  return '';
}

function walk(elements: unknown, out: Walked, form?: FormWalk): void {
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
        const command = buttonCommand(value);
        if (command?.send) out.buttons.push({ title, send: command.send });
        if (command) out.typed.push(command.usage ?? command.send!);
        else if (form) form.uncovered = true;
        else if (title) out.unavailable.push(title);
        break;
      }
      case 'select_static':
        if (form) {
          for (const o of el.options ?? []) {
            const value = typeof o?.value === 'string' ? o.value : '';
            if (value) form.options.push(`- ${escapeDingTalkMarkdown(value)}：${escapeDingTalkMarkdown(textOf(o.text))}`);
          }
        }
        break;
      case 'form': {
        const inner: FormWalk = { uncovered: false, options: [] };
        const sub: Walked = { lines: [], buttons: [], typed: [], unavailable: [], hasForm: false };
        walk(el.elements, sub, inner);
        if (inner.uncovered) {
          out.hasForm = true;
          out.formName ??= typeof el.name === 'string' ? el.name : undefined;
          // The form's own text (hints, headings) is still worth showing; its inputs are not.
          out.lines.push(...sub.lines);
        } else {
          // Every submit stands for a text command: the form is shown as what to type.
          out.lines.push(...sub.lines);
          if (inner.options.length) out.lines.push(`可选（编号：名称）：\n${inner.options.join('\n')}`);
          out.buttons.push(...sub.buttons);
          out.typed.push(...sub.typed);
        }
        break;
      }
      case 'chart':
        out.lines.push(chartTable(el));
        break;
      case 'column_set':
        for (const col of el.columns ?? []) walk(col?.elements, out, form);
        break;
      default:
        if (Array.isArray(el.elements)) walk(el.elements, out, form);
    }
  }
}

/**
 * A chart as a markdown table (DingTalk robot messages cannot draw one): for the bar charts the
 * bot sends (cards/digest-chart.ts: one row per `yField`, one column per `seriesField`, the
 * figure in `xField`), a row per category, a column per series and a total. Anything else is
 * said to be not shown rather than guessed at.
 */
export function chartTable(el: Record<string, any>): string {
  const spec = el.chart_spec ?? {};
  const values: Array<Record<string, unknown>> = spec.data?.[0]?.values ?? spec.data?.values ?? [];
  const { xField, yField, seriesField } = spec as { xField?: string; yField?: string; seriesField?: string };
  if (!Array.isArray(values) || !xField || !yField || !seriesField || values.length === 0) return '（图表暂不能在钉钉中显示）';
  const rows: string[] = [];
  const series: string[] = [];
  const cell = new Map<string, number>();
  for (const v of values) {
    const row = String(v[yField] ?? '');
    const col = String(v[seriesField] ?? '');
    if (!rows.includes(row)) rows.push(row);
    if (!series.includes(col)) series.push(col);
    cell.set(`${row}\n${col}`, (cell.get(`${row}\n${col}`) ?? 0) + (Number(v[xField]) || 0));
  }
  const esc = (t: string) => escapeDingTalkMarkdown(t);
  const title = typeof spec.title?.text === 'string' ? `**${esc(spec.title.text)}**\n\n` : '';
  const head = `| ${['', ...series, '合计'].map(esc).join(' | ')} |`;
  const rule = `|${[' --- ', ...series.map(() => ' ---: '), ' ---: '].join('|')}|`;
  const body = rows.map((r) => {
    const counts = series.map((c) => cell.get(`${r}\n${c}`) ?? 0);
    return `| ${esc(r)} | ${counts.join(' | ')} | ${counts.reduce((a, b) => a + b, 0)} |`;
  });
  return `${title}${[head, rule, ...body].join('\n')}`;
}

export function renderCard(card: Record<string, any>): DingTalkMessage {
  const title = textOf(card.header?.title) || '企业创新助手';
  const out: Walked = { lines: [], buttons: [], typed: [], unavailable: [], hasForm: false };
  walk(card.body?.elements ?? card.elements, out);
  const lines = [`### ${escapeDingTalkMarkdown(title)}`, ...out.lines];
  if (out.hasForm) lines.push('', `> ${escapeDingTalkMarkdown(formNotice(out.formName))}`);
  if (out.unavailable.length) {
    lines.push('', `> 按钮「${out.unavailable.map(escapeDingTalkMarkdown).join('」「')}」暂不能在钉钉中使用，请在飞书中操作或联系创新中心管理员。`);
  }
  const shown = out.buttons.slice(0, 5);
  if (out.typed.length) {
    lines.push('', `也可以直接发送：${[...new Set(out.typed)].map((c) => `「${escapeDingTalkMarkdown(c)}」`).join(' ')}`);
  }
  const text = lines.join('\n\n').replace(/\n{3,}/g, '\n\n');
  const safeTitle = title.slice(0, 64);
  if (shown.length === 0) return { msgKey: 'sampleMarkdown', msgParam: { title: safeTitle, text } };
  if (shown.length === 1) {
    return { msgKey: 'sampleActionCard', msgParam: { title: safeTitle, text, singleTitle: shown[0].title, singleURL: commandLink(shown[0].send) } };
  }
  const msgParam: Record<string, string> = { title: safeTitle, text };
  shown.forEach((b, i) => {
    msgParam[`actionTitle${i + 1}`] = b.title;
    msgParam[`actionURL${i + 1}`] = commandLink(b.send);
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
