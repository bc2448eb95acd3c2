import { checkExpertForm, EXPERT_FORM_FIELDS } from '../../src/domain/expert-rules';

/**
 * The 专家 添加 card's checks on values a card callback can carry besides plain strings, and
 * which fields carry errors. The form's messages and limits are in need-service.test.ts.
 */

const form = (over: Record<string, string | string[] | undefined> = {}) => ({ name: '王五', organisation: '内蒙古大学', fields: ['rare-earth'], contact: '13900139000', open_id: '', ...over });
const errorsOf = (r: ReturnType<typeof checkExpertForm>) => {
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.expert)}`);
  return r.errors;
};

describe('checkExpertForm on what a callback may carry', () => {
  it('reads a text field given as a list as empty', () => {
    const errors = errorsOf(checkExpertForm(form({ name: ['张三'], organisation: ['内蒙古大学'] })));
    expect(errors).toEqual({ name: '请填写专家姓名', organisation: '请填写专家所在单位' });
  });

  it('ignores entries of the fields list that are not strings', () => {
    const odd = (fields: unknown) => form({ fields: fields as string[] });
    expect(errorsOf(checkExpertForm(odd([5, null])))).toEqual({ fields: '请至少选择一个擅长领域' });
    const r = checkExpertForm(odd(['green', 5, { value: 'digital' }]));
    expect(r).toEqual({ ok: true, expert: expect.objectContaining({ fields: ['green'] }) });
  });

  it('reads fields that are neither a list nor a string as none chosen', () => {
    expect(errorsOf(checkExpertForm(form({ fields: 7 as unknown as string })))).toEqual({ fields: '请至少选择一个擅长领域' });
  });

  it('anchors the open_id: ou_ must start it, not appear inside it', () => {
    const bad = 'open_id 格式不正确（应为 ou_ 开头，只含字母、数字、下划线和短横线）';
    for (const open_id of ['xou_abc', 'on_ou_abc', '<at>ou_abc']) expect(errorsOf(checkExpertForm(form({ open_id })))).toEqual({ open_id: bad });
  });

  it('names only the fields that have an error, in form order', () => {
    expect(Object.keys(errorsOf(checkExpertForm(form({ name: '' }))))).toEqual(['name']);
    expect(Object.keys(errorsOf(checkExpertForm(form({ contact: '', organisation: '' }))))).toEqual(['organisation', 'contact']);
    expect(EXPERT_FORM_FIELDS).toEqual(['name', 'organisation', 'fields', 'contact', 'open_id']);
  });
});
