import { checkReportTaskForm, REPORT_EXPECTS, REPORT_LIMITS, reportTextError, type ReportExpects } from '../domain/report-rules';
import type { FormSpec } from './form-spec';

/**
 * A 盟市's submission to a report task (报送), described once: one text, required unless the
 * task asks only for files; checked by reportTextError. Files are sent separately, privately.
 */
export function reportSubmitFormSpec(opts: { region: string; expects: ReportExpects }): FormSpec<void> {
  const filesOnly = opts.expects === 'file';
  return {
    id: 'report',
    title: '报送',
    fields: [
      {
        name: 'text',
        label: `报送内容（${opts.region}）`,
        optional: filesOnly,
        placeholder: filesOnly ? '可写简要说明；文件提交后在私聊中发给我' : '报送的文字内容',
        input: { kind: 'text', maxLength: REPORT_LIMITS.text, multiline: { rows: 5, maxRows: 12 } },
      },
    ],
    check: (values) => {
      const problem = reportTextError(typeof values.text === 'string' ? values.text : '', opts.expects);
      return problem ? { text: problem } : ({} as Record<string, string>);
    },
  };
}

/** 发起报送: the centre's report task (what, by when, from which 盟市, in what form); checked by checkReportTaskForm. */
export function reportTaskFormSpec(regions: readonly string[]): FormSpec<{ now: number; timezone: string }> {
  return {
    id: 'task',
    title: '发起报送任务',
    fields: [
      { name: 'title', label: '任务名称', placeholder: `如：2026 年落实情况报告（不超过 ${REPORT_LIMITS.title} 字）`, input: { kind: 'text', maxLength: REPORT_LIMITS.title } },
      { name: 'description', label: '报送要求', placeholder: '要报送什么、格式和注意事项', input: { kind: 'text', maxLength: REPORT_LIMITS.description, multiline: { rows: 3, maxRows: 8 } } },
      { name: 'deadline', label: '截止时间', placeholder: '请选择截止日期和时间', input: { kind: 'datetime' } },
      {
        name: 'regions',
        label: '报送的盟市',
        placeholder: `默认全部 ${regions.length} 个盟市`,
        hint: '只有已绑定工作群的盟市能在群里收到任务和提醒。',
        input: { kind: 'multiselect', options: regions.map((r) => ({ value: r, label: r })), initial: regions },
      },
      { name: 'expects', label: '报送形式', placeholder: '请选择', input: { kind: 'select', options: Object.entries(REPORT_EXPECTS).map(([value, label]) => ({ value, label })), initial: 'both' } },
    ],
    check: (values, ctx) => {
      const checked = checkReportTaskForm(values, ctx);
      return checked.ok ? ({} as Record<string, string>) : (checked.errors as Record<string, string>);
    },
  };
}
