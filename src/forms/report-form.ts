import { REPORT_LIMITS, reportTextError, type ReportExpects } from '../domain/report-rules';
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
