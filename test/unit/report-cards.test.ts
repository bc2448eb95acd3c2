import {
  REPORT_ATTACH_ACTION,
  REPORT_EXPORT_ACTION,
  REPORT_OPEN_ACTION,
  REPORT_PUBLISH_ACTION,
  REPORT_SUBMIT_ACTION,
  reportOverdueCard,
  reportProgressCard,
  reportReceiptCard,
  reportReminderCard,
  reportSubmitFormCard,
  reportTaskCard,
  reportTaskFormCard,
  reportTaskListCard,
  type RegionProgress,
  type ReportTaskFormView,
} from '../../cards/report-cards';
import type { ReportSubmission } from '../../src/db/entities/report-submission.entity';
import type { ReportTask } from '../../src/db/entities/report-task.entity';
import { REGIONS } from '../../src/domain/regions';
import { REPORT_LIMITS, REPORT_TASK_FIELDS, type ReportTaskField } from '../../src/domain/report-rules';
import {
  buttons,
  buttonTexts,
  byTag,
  bytes,
  callbackValue,
  expectEscaped,
  expectValidCard,
  forms,
  markdownContents,
  MAX_CARD_BYTES,
  namedInForm,
  type Node,
  one,
} from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';
import { validOutline } from '../helpers/card-outline';

/*
 * The report collection cards, built from hand-made entities at fixed instants and shown in
 * Asia/Shanghai, so nothing here depends on the machine's clock or zone.
 */

const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
/** 2027-12-09 17:00 in Shanghai. */
const DEADLINE = Date.UTC(2027, 11, 9, 9, 0);
/** 2027-12-01 10:00 in Shanghai: when the task was published. */
const CREATED = Date.UTC(2027, 11, 1, 2, 0);
const CODE = 'BS2027-0003';

/** User text with markdown specials, a mention of everybody and a link. */
const NASTY = '**x** <at id=all></at> [a](b)';
/** The worst case for bytes: every character a markdown special (six bytes escaped). */
const specials = (n: number) => '*'.repeat(n);

function makeTask(over: Partial<ReportTask> = {}): ReportTask {
  return {
    id: 5,
    tenantKey: 'tenant_1',
    originPlatform: 'feishu',
    originTenant: 'tenant_1',
    formToken: 'tok_report_1',
    codeYear: 2027,
    codeSeq: 3,
    title: '2027 年落实情况报告',
    description: '请报送本盟市企业创新能力提升行动落实情况报告，加盖公章的 PDF。',
    deadlineAt: DEADLINE,
    regions: JSON.stringify(['包头市', '赤峰市', '通辽市', '阿拉善盟']),
    expects: 'both',
    createdBy: 'ou_admin',
    progressKeys: '[]',
    version: 4,
    createdAt: CREATED,
    ...over,
  };
}

function makeSubmission(over: Partial<ReportSubmission> = {}): ReportSubmission {
  return {
    id: 11,
    taskId: 5,
    originPlatform: 'feishu',
    originTenant: 'tenant_1',
    region: '包头市',
    text: '包头市已完成全部任务，详见附件。',
    submittedBy: 'ou_staff_baotou',
    // 2027-12-05 15:30 in Shanghai.
    submittedAt: Date.UTC(2027, 11, 5, 7, 30),
    late: false,
    times: 1,
    ...over,
  };
}

const LABEL_NAMES: ReportTaskField[] = ['title', 'description', 'deadline', 'regions', 'expects'];

// ---------------------------------------------------------------------------------------------
// 发起报送: the task form

const formView = (over: Partial<ReportTaskFormView> = {}): ReportTaskFormView => ({ token: 'tok_form_1', regions: REGIONS, ...over });

const TYPED = { title: NASTY, description: `要求：${NASTY}\n第二行`, deadline: '2027-12-09 17:00 +0800', regions: ['赤峰市', '包头市'], expects: 'text' };
const TYPED_ERRORS: Partial<Record<ReportTaskField, string>> = {
  title: `「${NASTY}」不行`,
  deadline: '截止时间需晚于现在',
  regions: '盟市中有无效的选项，请重新选择',
};

describe('the callback actions', () => {
  it('are the constants the handlers register', () => {
    expect([REPORT_PUBLISH_ACTION, REPORT_OPEN_ACTION, REPORT_SUBMIT_ACTION, REPORT_EXPORT_ACTION, REPORT_ATTACH_ACTION]).toEqual([
      'report.publish',
      'report.open',
      'report.submit',
      'report.export',
      'report.attach',
    ]);
  });
});

describe('reportTaskFormCard', () => {
  it('matches the snapshots', () => {
    expect(validOutline(reportTaskFormCard(formView()))).toMatchSnapshot('empty');
    expect(validOutline(reportTaskFormCard(formView({ values: TYPED, errors: TYPED_ERRORS })))).toMatchSnapshot('returned with errors and values');
  });

  it('is a valid card, empty, returned, and at maximum length', () => {
    expectValidCard(reportTaskFormCard(formView()));
    expectValidCard(reportTaskFormCard(formView({ values: TYPED, errors: TYPED_ERRORS })));
    const max = reportTaskFormCard(
      formView({
        values: { title: specials(REPORT_LIMITS.title), description: specials(REPORT_LIMITS.description), deadline: '2027-12-09 17:00 +0800', regions: [...REGIONS], expects: 'both' },
        errors: Object.fromEntries(REPORT_TASK_FIELDS.map((f) => [f, specials(200)])),
      }),
    );
    expectValidCard(max);
    expect(bytes(max)).toBeLessThan(MAX_CARD_BYTES);
  });

  it('has one form with title, description, deadline, regions and expects, in order, and the publish button', () => {
    const card = reportTaskFormCard(formView());
    expect(forms(card)).toHaveLength(1);
    expect(forms(card)[0].name).toBe('report_form');
    expect(REPORT_TASK_FIELDS).toEqual(LABEL_NAMES);
    expect(namedInForm(forms(card)[0])).toEqual(LABEL_NAMES);
    expect(one(card, 'title')).toMatchObject({ tag: 'input', max_length: REPORT_LIMITS.title, required: false });
    expect(one(card, 'title')).not.toHaveProperty('input_type');
    expect(one(card, 'description')).toMatchObject({ tag: 'input', input_type: 'multiline_text', max_length: REPORT_LIMITS.description, required: false });
    expect(one(card, 'deadline')).toMatchObject({ tag: 'picker_datetime', required: false, placeholder: { tag: 'plain_text', content: '请选择截止日期和时间' } });
    expect(one(card, 'regions')).toMatchObject({ tag: 'multi_select_static', required: false });
    expect(one(card, 'expects')).toMatchObject({ tag: 'select_static', required: false });
    const submits = buttons(card);
    expect(submits).toHaveLength(1);
    expect(submits[0]).toMatchObject({ name: 'publish', form_action_type: 'submit', text: { tag: 'plain_text', content: '发布报送任务' } });
    expect(callbackValue(submits[0])).toEqual({ action: REPORT_PUBLISH_ACTION, form: 'tok_form_1' });
    expect(callbackValue(submits[0])).toEqual({ action: 'report.publish', form: 'tok_form_1' });
  });

  it('offers the regions given, all of them selected by default', () => {
    const card = reportTaskFormCard(formView());
    const regions = one(card, 'regions');
    expect(regions.options).toEqual(REGIONS.map((r) => ({ text: { tag: 'plain_text', content: r }, value: r })));
    expect(regions.selected_values).toEqual([...REGIONS]);
    expect(regions.selected_values).toHaveLength(14);
    // A narrower list offered: that list, all selected.
    const few = one(reportTaskFormCard(formView({ regions: ['包头市', '赤峰市'] })), 'regions');
    expect(few.options.map((o: Node) => o.value)).toEqual(['包头市', '赤峰市']);
    expect(few.selected_values).toEqual(['包头市', '赤峰市']);
  });

  it('keeps the regions picked before, dropping ones that are not options; none picked stays none', () => {
    const card = reportTaskFormCard(formView({ values: { regions: ['赤峰市', '火星市', '包头市'] } }));
    expect(one(card, 'regions').selected_values).toEqual(['赤峰市', '包头市']);
    expect(one(reportTaskFormCard(formView({ values: { regions: [] } })), 'regions').selected_values).toEqual([]);
  });

  it('offers the three forms of submission, both by default, the one picked when valid', () => {
    const expects = one(reportTaskFormCard(formView()), 'expects');
    expect(expects.options).toEqual([
      { text: { tag: 'plain_text', content: '文字说明' }, value: 'text' },
      { text: { tag: 'plain_text', content: '附件（文件或图片）' }, value: 'file' },
      { text: { tag: 'plain_text', content: '文字说明和附件' }, value: 'both' },
    ]);
    expect(expects.initial_option).toBe('both');
    expect(one(reportTaskFormCard(formView({ values: { expects: 'file' } })), 'expects').initial_option).toBe('file');
    expect(one(reportTaskFormCard(formView({ values: { expects: 'pdf' } })), 'expects')).not.toHaveProperty('initial_option');
  });

  it('prefills the date-time picker with "yyyy-MM-dd HH:mm" from a picker value, and nothing from anything else', () => {
    const at = (deadline: string | undefined) => one(reportTaskFormCard(formView({ values: { deadline } })), 'deadline');
    expect(at('2027-12-09 17:00 +0800').initial_datetime).toBe('2027-12-09 17:00');
    expect(at('2027-12-09 17:00 +08:00').initial_datetime).toBe('2027-12-09 17:00');
    expect(at('2027-12-09 17:00').initial_datetime).toBe('2027-12-09 17:00');
    for (const v of [undefined, '', '2027-12-09', '2027-12-09 +0800', 'garbage', ' 2027-12-09 17:00']) expect(at(v)).not.toHaveProperty('initial_datetime');
  });

  it('prefills typed text as typed; an empty form has no prefills', () => {
    const card = reportTaskFormCard(formView({ values: TYPED }));
    expect(one(card, 'title').default_value).toBe(NASTY);
    expect(one(card, 'description').default_value).toBe(TYPED.description);
    const empty = reportTaskFormCard(formView());
    for (const f of ['title', 'description']) expect(one(empty, f)).not.toHaveProperty('default_value');
  });

  it('marks nothing required', () => {
    const card = reportTaskFormCard(formView({ values: TYPED, errors: TYPED_ERRORS }));
    expect(JSON.stringify(card)).not.toContain('"required":true');
  });

  it('shows each error escaped under its field, a count banner and an orange header', () => {
    const card = reportTaskFormCard(formView({ values: TYPED, errors: TYPED_ERRORS }));
    const elements = forms(card)[0].elements as Node[];
    for (const f of LABEL_NAMES) {
      const next = elements[elements.findIndex((e) => e.name === f) + 1];
      // The regions field has a hint between the select and the error.
      const after = next?.text_size === 'notation' ? elements[elements.findIndex((e) => e.name === f) + 2] : next;
      const isError = after?.tag === 'markdown' && String(after.content).includes("<font color='red'>⚠");
      expect({ field: f, isError }).toEqual({ field: f, isError: f in TYPED_ERRORS });
    }
    expect(markdownContents(card).some((c) => c.includes('有 3 项需要修改'))).toBe(true);
    expect((card as Node).header.template).toBe('orange');
    expectEscaped(card, TYPED_ERRORS.title!);
    const clean = reportTaskFormCard(formView());
    expect((clean as Node).header.template).toBe('blue');
    expect(markdownContents(clean).some((c) => c.includes('需要修改'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The task as a 盟市 sees it

describe('reportTaskCard', () => {
  const view = (task = makeTask()) => ({ task, code: CODE, timezone: TZ, region: '包头市' });

  it('matches the snapshot', () => {
    expect(validOutline(reportTaskCard(view()))).toMatchSnapshot();
  });

  it('shows what, by when (in the zone) and in what form, with 提交 opening the task', () => {
    const card = reportTaskCard(view());
    expectValidCard(card);
    expect((card as Node).header.title.content).toBe('报送任务 · 2027 年落实情况报告');
    const text = visibleText(card);
    for (const s of ['包头市', CODE, '2027-12-09 17:00', '文字说明和附件', '加盖公章的 PDF']) expect(text).toContain(s);
    expect(buttonTexts(card)).toEqual(['提交']);
    expect(callbackValue(buttons(card)[0])).toEqual({ action: 'report.open', task: 5 });
    expect(forms(card)).toHaveLength(0);
  });

  it('shows the form of submission by its label', () => {
    expect(visibleText(reportTaskCard(view(makeTask({ expects: 'text' }))))).toContain('**报送形式**：文字说明');
    expect(visibleText(reportTaskCard(view(makeTask({ expects: 'file' }))))).toContain('**报送形式**：附件（文件或图片）');
  });

  it('shows a stored form it does not know as stored', () => {
    expect(visibleText(reportTaskCard(view(makeTask({ expects: 'pdf' as never }))))).toContain('**报送形式**：pdf');
  });

  it('shows an Object.prototype name stored as the form as stored, not as a function’s source', () => {
    // checkReportTaskForm lets 'toString' through (see report-rules.test.ts); taskLines then looks
    // it up with REPORT_EXPECTS[...] ?? …, which finds Object.prototype.toString.
    const text = visibleText(reportTaskCard(view(makeTask({ expects: 'toString' as never }))));
    expect(text).not.toContain('native code');
    expect(text).toContain('**报送形式**：toString');
  });

  it('escapes the title and description', () => {
    const card = reportTaskCard(view(makeTask({ title: NASTY, description: NASTY })));
    expectEscaped(card, NASTY);
    expect((card as Node).header.title).toEqual({ tag: 'plain_text', content: `报送任务 · ${NASTY}` });
    expectValidCard(card);
  });

  it('stays under 30 KB at maximum length', () => {
    const card = reportTaskCard(view(makeTask({ title: specials(REPORT_LIMITS.title), description: specials(REPORT_LIMITS.description) })));
    expectValidCard(card);
  });
});

// ---------------------------------------------------------------------------------------------
// The private submission form

describe('reportSubmitFormCard', () => {
  const view = (over: Partial<Parameters<typeof reportSubmitFormCard>[0]> = {}) => ({ task: makeTask(), code: CODE, timezone: TZ, region: '包头市', form: 'form-token-1', ...over });
  const previous = makeSubmission({ times: 2, text: '上次提交的内容' });

  it('matches the snapshots', () => {
    expect(validOutline(reportSubmitFormCard(view()))).toMatchSnapshot('first');
    expect(validOutline(reportSubmitFormCard(view({ previous })))).toMatchSnapshot('with a previous submission');
    expect(validOutline(reportSubmitFormCard(view({ text: '', error: '请填写报送内容（文字说明）' })))).toMatchSnapshot('returned with an error');
  });

  it('has one form with the text and 提交, calling back with the issued form’s token only (the server knows the task and the 盟市)', () => {
    const card = reportSubmitFormCard(view());
    expectValidCard(card);
    expect(forms(card)).toHaveLength(1);
    expect(forms(card)[0].name).toBe('report_submit_form');
    expect(namedInForm(forms(card)[0])).toEqual(['text']);
    expect(one(card, 'text')).toMatchObject({ tag: 'input', input_type: 'multiline_text', required: false });
    expect(one(card, 'text').max_length).toBeLessThanOrEqual(1000);
    const submit = one(card, 'submit_report');
    expect(submit).toMatchObject({ tag: 'button', form_action_type: 'submit', text: { content: '提交' } });
    expect(callbackValue(submit)).toEqual({ action: 'report.submit', form: 'form-token-1' });
    expect(one(card, 'text')).not.toHaveProperty('default_value');
    expect(visibleText(card)).not.toContain('已于');
  });

  it('says when it was submitted before, and prefills the previous text; typed text wins over it', () => {
    const card = reportSubmitFormCard(view({ previous }));
    expectValidCard(card);
    expect(visibleText(card)).toContain('包头市已于 2027-12-05 15:30 提交过（第 2 次）');
    expect(one(card, 'text').default_value).toBe('上次提交的内容');
    expect(one(reportSubmitFormCard(view({ previous, text: '新的内容' })), 'text').default_value).toBe('新的内容');
  });

  it('marks the text optional and mentions files as the form expects', () => {
    const label = (expects: ReportTask['expects']) => markdownContents(reportSubmitFormCard(view({ task: makeTask({ expects }) }))).find((c) => c.startsWith('**报送内容'))!;
    expect(label('file')).toBe('**报送内容（包头市）**（选填）');
    expect(label('text')).toBe('**报送内容（包头市）**');
    expect(label('both')).toBe('**报送内容（包头市）**');
    const fileNote = (expects: ReportTask['expects']) => visibleText(reportSubmitFormCard(view({ task: makeTask({ expects }) }))).includes('附件：提交后在与我的私聊中发送文件或图片');
    expect([fileNote('text'), fileNote('file'), fileNote('both')]).toEqual([false, true, true]);
  });

  it('shows an error under the text, escaped, with an orange header', () => {
    const card = reportSubmitFormCard(view({ text: NASTY, error: `错误：${NASTY}` }));
    expectValidCard(card);
    expect((card as Node).header.template).toBe('orange');
    expectEscaped(card, `错误：${NASTY}`);
    expect(one(card, 'text').default_value).toBe(NASTY);
    expect((reportSubmitFormCard(view()) as Node).header.template).toBe('blue');
  });

  it('escapes the title, description and the previous text', () => {
    const card = reportSubmitFormCard(view({ task: makeTask({ title: NASTY, description: NASTY }), previous: makeSubmission({ text: NASTY }) }));
    expectEscaped(card, NASTY);
    expect(one(card, 'text').default_value).toBe(NASTY);
  });

  it('stays under 30 KB at maximum length', () => {
    const card = reportSubmitFormCard(
      view({
        task: makeTask({ title: specials(REPORT_LIMITS.title), description: specials(REPORT_LIMITS.description) }),
        previous: makeSubmission({ text: specials(REPORT_LIMITS.text) }),
        error: specials(200),
      }),
    );
    expectValidCard(card);
  });
});

// ---------------------------------------------------------------------------------------------
// The receipt

describe('reportReceiptCard', () => {
  const view = (submission = makeSubmission(), fileCount = 0, task = makeTask()) => ({ task, code: CODE, timezone: TZ, submission, fileCount });
  const LATE = makeSubmission({ late: true, times: 3, submittedAt: DEADLINE + 2 * HOUR });

  it('matches the snapshots', () => {
    expect(validOutline(reportReceiptCard(view(makeSubmission(), 2)))).toMatchSnapshot('on time');
    expect(validOutline(reportReceiptCard(view(LATE, 0)))).toMatchSnapshot('late');
  });

  it('on time: green, when, what and how many files', () => {
    const card = reportReceiptCard(view(makeSubmission(), 2));
    expectValidCard(card);
    expect((card as Node).header).toMatchObject({ title: { content: '报送回执 · 2027 年落实情况报告' }, template: 'green' });
    const text = visibleText(card);
    expect(text).toContain('包头市已于 2027-12-05 15:30 提交。');
    expect(text).toContain('**附件**：2 个');
    expect(text).toContain(CODE);
    expect(text).not.toContain('逾期');
    expect(text).not.toContain('第 1 次');
    expect(buttons(card)).toHaveLength(0);
  });

  it('late: orange, the count of submissions, and marked overdue', () => {
    const card = reportReceiptCard(view(LATE));
    expectValidCard(card);
    expect((card as Node).header.template).toBe('orange');
    expect(visibleText(card)).toContain('包头市已于 2027-12-09 19:00 提交（第 3 次）');
    expect(visibleText(card)).toContain('截止后提交，已标记为逾期');
  });

  it('says so when there is no text, and talks of files unless only text is expected', () => {
    expect(visibleText(reportReceiptCard(view(makeSubmission({ text: '' }))))).toContain('**内容**：（无文字）');
    expect(visibleText(reportReceiptCard(view(makeSubmission(), 0, makeTask({ expects: 'text' }))))).not.toContain('附件请在与我的私聊中直接发送');
    expect(visibleText(reportReceiptCard(view(makeSubmission(), 0, makeTask({ expects: 'file' }))))).toContain('附件请在与我的私聊中直接发送');
  });

  it('escapes the text', () => {
    const card = reportReceiptCard(view(makeSubmission({ text: NASTY })));
    expectEscaped(card, NASTY);
    expectValidCard(reportReceiptCard(view(makeSubmission({ text: specials(REPORT_LIMITS.text) }), 99, makeTask({ title: specials(REPORT_LIMITS.title) }))));
  });
});

// ---------------------------------------------------------------------------------------------
// The centre's progress card

const ROWS: RegionProgress[] = [
  { region: '包头市', state: 'submitted', submittedAt: Date.UTC(2027, 11, 5, 7, 30), times: 1, files: 2, reachable: true },
  { region: '赤峰市', state: 'late', submittedAt: DEADLINE + 2 * HOUR, times: 2, files: 0, reachable: true },
  { region: '通辽市', state: 'missing', files: 0, reachable: true },
  { region: '阿拉善盟', state: 'missing', files: 0, reachable: false },
];

describe('reportProgressCard', () => {
  const view = (rows = ROWS, now = DEADLINE - HOUR, task = makeTask()) => ({ task, code: CODE, timezone: TZ, rows, now });

  it('matches the snapshots', () => {
    expect(validOutline(reportProgressCard(view(ROWS, DEADLINE - HOUR)))).toMatchSnapshot('open, mixed');
    expect(validOutline(reportProgressCard(view(ROWS, DEADLINE + 3 * HOUR)))).toMatchSnapshot('closed, mixed');
  });

  it('lists every region with its state; an unbound one is marked as unreachable', () => {
    const card = reportProgressCard(view());
    expectValidCard(card);
    const list = markdownContents(card).find((c) => c.startsWith('- '))!.split('\n');
    expect(list).toEqual([
      "- 包头市：<font color='green'>已提交</font> 2027-12-05 15:30，附件 2 个",
      "- 赤峰市：<font color='orange'>逾期提交</font> 2027-12-09 19:00",
      "- 通辽市：<font color='red'>未提交</font>",
      "- 阿拉善盟：<font color='red'>未提交</font>（未绑定工作群，收不到任务）",
    ]);
    expect(visibleText(card)).toContain('**已提交 2/4**（其中逾期 1），进行中，未提交 2');
    expect((card as Node).config.summary.content).toBe('报送进度：已提交 2/4');
  });

  it('is blue while open, red once closed with some missing, green when nobody is missing', () => {
    expect((reportProgressCard(view(ROWS, DEADLINE - HOUR)) as Node).header.template).toBe('blue');
    // At the deadline itself it is still open.
    expect((reportProgressCard(view(ROWS, DEADLINE)) as Node).header.template).toBe('blue');
    const closed = reportProgressCard(view(ROWS, DEADLINE + 1));
    expect((closed as Node).header.template).toBe('red');
    expect(visibleText(closed)).toContain('，已截止，未提交 2');
    const done = ROWS.map((r): RegionProgress => (r.state === 'missing' ? { ...r, state: 'submitted', submittedAt: CREATED + HOUR, times: 1 } : r));
    expect((reportProgressCard(view(done, DEADLINE - HOUR)) as Node).header.template).toBe('green');
    expect((reportProgressCard(view(done, DEADLINE + HOUR)) as Node).header.template).toBe('green');
    expect(visibleText(reportProgressCard(view(done)))).toContain('**已提交 4/4**（其中逾期 1），进行中，未提交 0');
  });

  it('has the export button for the task and tells how to ask again', () => {
    const card = reportProgressCard(view());
    expect(buttonTexts(card)).toEqual(['导出全部报送']);
    expect(callbackValue(buttons(card)[0])).toEqual({ action: 'report.export', task: 5 });
    expect(visibleText(card)).toContain(`发送「报送进度 ${CODE}」可随时查看`);
  });

  it('escapes the description and stays under 30 KB with 14 regions and maximum text', () => {
    expectEscaped(reportProgressCard(view(ROWS, DEADLINE, makeTask({ title: NASTY, description: NASTY }))), NASTY);
    const rows: RegionProgress[] = REGIONS.map((region, i) =>
      i % 3 === 0
        ? { region, state: 'missing', files: 0, reachable: i % 2 === 0 }
        : { region, state: i % 3 === 1 ? 'submitted' : 'late', submittedAt: CREATED + i * HOUR, times: 9, files: 999, reachable: true },
    );
    const card = reportProgressCard(view(rows, DEADLINE + HOUR, makeTask({ title: specials(REPORT_LIMITS.title), description: specials(REPORT_LIMITS.description) })));
    expectValidCard(card);
  });
});

// ---------------------------------------------------------------------------------------------
// Reminders and the overdue notice

describe('reportReminderCard', () => {
  const view = (over: Partial<Parameters<typeof reportReminderCard>[0]> = {}) => ({ task: makeTask(), code: CODE, timezone: TZ, region: '赤峰市', today: false, daysLeft: 3, ...over });

  it('matches the snapshots', () => {
    expect(validOutline(reportReminderCard(view({ daysLeft: 3 })))).toMatchSnapshot('3 days left');
    expect(validOutline(reportReminderCard(view({ today: true, daysLeft: 0 })))).toMatchSnapshot('today');
  });

  it('days left: orange, the count and the deadline', () => {
    const card = reportReminderCard(view({ daysLeft: 1 }));
    expectValidCard(card);
    expect((card as Node).header).toMatchObject({ title: { content: '报送提醒 · 还剩 1 天' }, template: 'orange' });
    expect(visibleText(card)).toContain('赤峰市尚未报送「2027 年落实情况报告」，还剩 **1 天**（2027-12-09 17:00）。');
    expect(callbackValue(buttons(card)[0])).toEqual({ action: 'report.open', task: 5 });
  });

  it('today: red, 今天截止', () => {
    const card = reportReminderCard(view({ today: true, daysLeft: 0 }));
    expectValidCard(card);
    expect((card as Node).header).toMatchObject({ title: { content: '报送今天截止 · 2027 年落实情况报告' }, template: 'red' });
    expect(visibleText(card)).toContain('**今天截止**（2027-12-09 17:00）');
    expect(buttonTexts(card)).toEqual(['提交']);
  });

  it('escapes the title and description; under 30 KB at maximum length', () => {
    expectEscaped(reportReminderCard(view({ task: makeTask({ title: NASTY, description: NASTY }) })), NASTY);
    expectValidCard(reportReminderCard(view({ task: makeTask({ title: specials(REPORT_LIMITS.title), description: specials(REPORT_LIMITS.description) }) })));
  });
});

describe('reportOverdueCard', () => {
  const view = (missing = ['通辽市', '阿拉善盟'], task = makeTask()) => ({ task, code: CODE, timezone: TZ, missing });

  it('matches the snapshot', () => {
    expect(validOutline(reportOverdueCard(view()))).toMatchSnapshot();
  });

  it('lists the missing regions and the deadline, red', () => {
    const card = reportOverdueCard(view());
    expectValidCard(card);
    expect((card as Node).header).toMatchObject({ title: { content: '报送已截止 · 2 个盟市未提交' }, template: 'red' });
    expect(markdownContents(card)).toContain('- 通辽市\n- 阿拉善盟');
    expect(visibleText(card)).toContain(`「2027 年落实情况报告」（${CODE}）已于 2027-12-09 17:00 截止`);
    expect(buttons(card)).toHaveLength(0);
  });

  it('escapes the title; under 30 KB with all 14 missing and a maximum title', () => {
    expectEscaped(reportOverdueCard(view(undefined, makeTask({ title: NASTY }))), NASTY);
    expectValidCard(reportOverdueCard(view([...REGIONS], makeTask({ title: specials(REPORT_LIMITS.title) }))));
  });
});

// ---------------------------------------------------------------------------------------------
// 报送进度 without a code

describe('reportTaskListCard', () => {
  const ITEMS = [
    { code: 'BS2027-0002', title: '年度落实情况报告', deadline: '2027-12-09 17:00', done: 3, total: 14 },
    { code: 'BS2027-0001', title: '上半年活动统计', deadline: '2027-07-10 23:59', done: 14, total: 14 },
  ];

  it('matches the snapshots', () => {
    expect(validOutline(reportTaskListCard(ITEMS))).toMatchSnapshot('two tasks');
    expect(validOutline(reportTaskListCard([]))).toMatchSnapshot('none');
  });

  it('lists one line per task', () => {
    const card = reportTaskListCard(ITEMS);
    expectValidCard(card);
    expect(markdownContents(card)[0].split('\n')).toEqual([
      '- **BS2027-0002** 年度落实情况报告 · 截止 2027-12-09 17:00 · 已提交 3/14',
      '- **BS2027-0001** 上半年活动统计 · 截止 2027-07-10 23:59 · 已提交 14/14',
    ]);
    expect(visibleText(reportTaskListCard([]))).toContain('还没有报送任务');
  });

  it('escapes titles and clips them to 30 characters; ten maximum ones stay under 30 KB', () => {
    expectEscaped(reportTaskListCard([{ ...ITEMS[0], title: NASTY }]), NASTY);
    const long = reportTaskListCard([{ ...ITEMS[0], title: '报'.repeat(50) }]);
    expect(visibleText(long)).toContain(`${'报'.repeat(30)}… · 截止`);
    const ten = reportTaskListCard(Array.from({ length: 10 }, (_, i) => ({ ...ITEMS[0], code: `BS2027-${String(i + 1).padStart(4, '0')}`, title: specials(REPORT_LIMITS.title) })));
    expectValidCard(ten);
    expect(byTag(ten, 'markdown')[0].content.split('\n')).toHaveLength(10);
  });
});
