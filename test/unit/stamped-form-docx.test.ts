import type { Application } from '../../src/db/entities/application.entity';
import { activityTimeText, formText, stampedFormFileName, stampedFormTitle } from '../../src/services/stamped-form-docx';

/** The pre-filled 申请表's words (the document itself is read back in test/integration/stamped-form.test.ts). */

const dates = (startDate: string | null, endDate: string | null) => activityTimeText({ startDate, endDate });

it('writes 活动时间 as on paper: the last day without what it shares with the first', () => {
  expect(dates('2027-06-10', '2027-06-10')).toBe('2027年6月10日');
  expect(dates('2027-06-10', null)).toBe('2027年6月10日');
  expect(dates('2027-06-10', '2027-06-12')).toBe('2027年6月10日至12日');
  expect(dates('2027-06-30', '2027-07-01')).toBe('2027年6月30日至7月1日');
  expect(dates('2027-12-31', '2028-01-01')).toBe('2027年12月31日至2028年1月1日');
  expect(dates(null, null)).toBe('');
});

it('names the form after its campaign year and the file after its code', () => {
  const app = { codeYear: 2027, codeSeq: 12, startDate: '2027-06-10' } as Application;
  expect(stampedFormTitle(app)).toBe('2027年内蒙古企业创新能力提升行动申请表');
  expect(stampedFormFileName(app)).toBe('SQ2027-0012-申请表.docx');
});

it('drops characters XML cannot hold, which would make Word refuse the file, and keeps the rest', () => {
  expect(formText('包头\u0000市\u0008科协\u000B\n第二行\t')).toBe('包头市科协\n第二行\t');
  expect(formText(null)).toBe('');
  expect(formText(100)).toBe('100');
});
