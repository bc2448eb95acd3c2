import { isExpertSheet } from '../../handlers/expert-command';
import type { Attachment } from '../../src/services/application-service';

/** Which attachment is an expert list to import: a spreadsheet file, and only an admin's. */

const file = (name: string | null, kind: Attachment['kind'] = 'file'): Attachment => ({ kind, key: 'file_v3_x', name, messageId: 'om_1' });

it('takes an admin’s .csv, .xlsx, .xls and .et files, whatever the case of the extension', () => {
  for (const name of ['专家.csv', 'experts.xlsx', 'EXPERTS.XLS', '专家库.et']) expect(isExpertSheet(file(name), true)).toBe(true);
});

it('never takes a non-admin’s spreadsheet (it is an ordinary file, e.g. a stamped scan)', () => {
  for (const name of ['专家.csv', 'experts.xlsx']) expect(isExpertSheet(file(name), false)).toBe(false);
});

it('takes neither an image, nor another extension, nor a name that only contains one, nor a nameless file', () => {
  expect(isExpertSheet(file('experts.csv', 'image'), true)).toBe(false);
  expect(isExpertSheet(file('申请.pdf'), true)).toBe(false);
  expect(isExpertSheet(file('experts.csv.pdf'), true)).toBe(false);
  expect(isExpertSheet(file(null), true)).toBe(false);
});
