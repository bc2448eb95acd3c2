import type { Application } from '../src/db/entities/application.entity';
import { MAX_TEAM_NOTE_LENGTH, MAX_TEAM_SIZE, type Booking } from '../src/domain/expert-team';
import { codeOf } from '../src/services/application-record';
import { displayCode, summaryLines } from './application-cards';
import { button, buttonRow, card, CardElement, CardJson, markdown, note } from './card-kit';
import { errorLine, fieldBlock, form, multiSelectStatic, type Option, selectOption, submitButton, textInput } from './form-kit';
import { clip, escapeClipped, escapeMarkdown } from './markdown';
import { startsIn } from './reminder-cards';
import { TEAM_CONFIRM_ACTION, TEAM_DISMISS_ACTION, TEAM_OPEN_ACTION, TEAM_SAVE_ACTION, teamButton, teamLine, type TeamOrigin } from './team-line';

/**
 * The expert team of an approved activity (issue 11, item 6): the admins' form (experts from
 * the expert table, a travel note), the confirmation asked when an expert would be on two
 * activities at once, the card shown after saving, and the 活动提醒 the centre's group gets
 * before an activity. Pure data.
 */

export interface TeamExpertView {
  id: number;
  name: string;
  organisation: string;
  fieldsText: string;
}

export interface TeamFormView {
  app: Application;
  from: TeamOrigin;
  /** The experts offered (those matching the filter), by name. */
  experts: TeamExpertView[];
  /** How many experts the table holds. */
  total: number;
  /** The experts chosen so far: offered first and preselected, whatever the filter. */
  chosen: TeamExpertView[];
  note?: string;
  filter?: string;
  error?: string;
}

/** A select's options are bounded so that the card stays under 30 KB whatever the names. */
export const TEAM_OPTIONS_MAX = 100;
const TEAM_OPTIONS_BYTES = 18_000;

function expertOption(e: TeamExpertView): Option {
  const fields = e.fieldsText ? ` · ${clip(e.fieldsText, 16)}` : '';
  return { value: String(e.id), label: `${clip(e.name, 20)} · ${clip(e.organisation, 24)}${fields}` };
}

function activityLines(app: Application): CardElement {
  return markdown([`**编号**：${displayCode(app)}　**状态**：${app.status}`, ...summaryLines(app)].join('\n'));
}

export function teamFormCard(view: TeamFormView): CardJson {
  const { app } = view;
  const code = codeOf(app) ?? '';
  const elements: CardElement[] = [activityLines(app)];
  const current = teamLine(app);
  if (current) elements.push(markdown(`当前${current}`));
  if (view.total === 0) {
    elements.push(markdown('专家库里还没有专家。请管理员发送「专家 添加」逐位登记，或在与我的私聊中发送专家名单表格，登记后再回来安排。'));
    return card({ title: `安排专家 · ${code}`, subtitle: app.orgName ?? undefined, colour: 'blue', summary: `安排专家 · ${code}`, elements });
  }
  const chosenIds = new Set(view.chosen.map((e) => e.id));
  const all = [...view.chosen, ...view.experts.filter((e) => !chosenIds.has(e.id))].map(expertOption);
  const options: Option[] = [];
  let bytes = 0;
  for (const o of all) {
    bytes += Buffer.byteLength(JSON.stringify(selectOption(o)), 'utf8') + 1;
    if (options.length >= TEAM_OPTIONS_MAX || bytes > TEAM_OPTIONS_BYTES) break;
    options.push(o);
  }
  const unlisted = all.length - options.length;
  const filtered = view.filter ? `与「${escapeClipped(view.filter, 20)}」相符的专家 ${view.experts.length} 位` : `专家库共 ${view.total} 位专家`;
  const hint = unlisted > 0 ? `${filtered}，下拉框列出前 ${options.length} 位；其余的请先按姓名、单位或领域筛选。` : `${filtered}。已选的专家排在最前。`;
  const open = { action: TEAM_OPEN_ACTION, id: app.id, from: view.from };
  const formElements: CardElement[] = [
    ...fieldBlock({
      label: '筛选专家',
      optional: true,
      component: textInput({ name: 'filter', placeholder: '姓名、单位或领域，如 稀土、张', maxLength: 20, value: view.filter }),
    }),
    {
      tag: 'button',
      name: 'team_filter',
      text: { tag: 'plain_text', content: '筛选' },
      type: 'default',
      form_action_type: 'submit',
      behaviors: [{ type: 'callback', value: open }],
    },
    ...fieldBlock({
      label: '专家团队',
      component: multiSelectStatic({ name: 'experts', placeholder: '请选择前往活动的专家（可多选）', options, values: [...chosenIds].map(String) }),
      hint: `${hint}不选任何专家并保存，即撤销专家安排。`,
    }),
    ...fieldBlock({
      label: '行程说明',
      optional: true,
      component: textInput({ name: 'note', placeholder: '如 6 月 9 日乘 K1234 次列车前往，中心派车接站', maxLength: MAX_TEAM_NOTE_LENGTH, multiline: { rows: 2 }, value: view.note }),
    }),
  ];
  if (view.error) formElements.push(errorLine(view.error));
  formElements.push(submitButton({ name: 'team_save', text: '保存专家安排', value: { action: TEAM_SAVE_ACTION, id: app.id, v: app.version, from: view.from } }));
  elements.push(form('team_form', formElements));
  elements.push(note(`每项活动最多 ${MAX_TEAM_SIZE} 位专家。同一专家不能同时参加日期重叠的两项活动；如确需安排，保存时会请您确认。`));
  return card({ title: `安排专家 · ${code}`, subtitle: app.orgName ?? undefined, colour: 'blue', summary: `安排专家 · ${code}`, elements });
}

export interface TeamConflictView {
  app: Application;
  from: TeamOrigin;
  conflicts: Array<{ expertName: string; other: Booking }>;
  /** The team as submitted, carried by 仍然安排. */
  expertIds: number[];
  note: string;
}

function range(b: { startDate: string; endDate: string }): string {
  return b.endDate && b.endDate !== b.startDate ? `${b.startDate} 至 ${b.endDate}` : b.startDate;
}

/** An expert would be on two activities at once: say which, and ask before booking. */
export function teamConflictCard(view: TeamConflictView): CardJson {
  const { app } = view;
  const code = codeOf(app) ?? '';
  const lines = view.conflicts.map(
    ({ expertName, other }) =>
      `- **${escapeClipped(expertName, 20)}** 已安排在 **${escapeMarkdown(other.code)}**（${escapeClipped(other.orgName, 30)} · ${escapeMarkdown(other.region)} · ${range(other)}）`,
  );
  const elements: CardElement[] = [
    markdown(`本活动 **${code}** 于 **${range({ startDate: app.startDate ?? '', endDate: app.endDate ?? app.startDate ?? '' })}** 在${escapeMarkdown(app.region ?? '')}举办，以下专家在同一时间已有安排：`),
    markdown(lines.join('\n')),
    buttonRow([
      button('仍然安排', { action: TEAM_CONFIRM_ACTION, id: app.id, v: app.version, from: view.from, experts: view.expertIds, note: view.note }, 'danger'),
      button('取消', { action: TEAM_DISMISS_ACTION, id: app.id, from: view.from }),
    ]),
    note('「仍然安排」会保存这个专家团队，并在办理记录中注明时间重叠；「取消」则不作任何改动。'),
  ];
  return card({ title: `专家时间冲突 · ${code}`, subtitle: app.orgName ?? undefined, colour: 'orange', summary: `专家时间冲突 · ${code}`, elements });
}

/** The activity and its team, after the form (opened from a detail or reminder card) is done. */
export function teamCard(app: Application, banner?: string): CardJson {
  const code = codeOf(app) ?? '';
  const elements: CardElement[] = [];
  if (banner) elements.push(markdown(banner));
  elements.push(activityLines(app));
  elements.push(markdown(teamLine(app) ?? "**专家团队**：<font color='orange'>尚未安排</font>"));
  if (app.status === '已通过') elements.push(teamButton(app, 'detail'));
  return card({ title: `专家团队 · ${code}`, subtitle: app.orgName ?? undefined, colour: 'green', summary: `专家团队 · ${code}`, elements });
}

/** 活动提醒 for the centre's group: the activity, its venue, and the team that goes (or that none is assigned yet). */
export function centreReminderCard(app: Application, daysBefore: number): CardJson {
  const code = displayCode(app);
  const team = teamLine(app);
  const elements: CardElement[] = [
    markdown(`**${code}** 将于 **${app.startDate}** 在${escapeMarkdown(app.region ?? '')}开始，请确认专家团队的行程。`),
    markdown([...summaryLines(app), `**联系人**：${escapeMarkdown(app.contactName ?? '')} ${escapeMarkdown(app.mobile ?? '')}`].join('\n')),
    markdown(team ?? "**专家团队**：<font color='orange'>尚未安排</font>，请尽快安排。"),
  ];
  if (app.status === '已通过') elements.push(teamButton(app, 'reminder'));
  return card({
    title: `活动提醒 · ${startsIn(daysBefore)} · ${app.region ?? ''}`,
    subtitle: app.orgName ?? undefined,
    colour: daysBefore <= 1 ? 'orange' : 'blue',
    summary: `${code} ${startsIn(daysBefore)}`,
    elements,
  });
}
