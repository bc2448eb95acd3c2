/**
 * The application form's fields: the component names (a contract with the card and with stored
 * drafts), their labels as the notice's form names them, and the raw values Feishu submits.
 */

/** The form's component names, in the order the card shows them (the notice's, with the counts together and the contact last): a contract with the card and with stored drafts. */
export const APPLICATION_FIELDS = [
  'kind',
  'org_name',
  'region',
  'venue',
  'start_date',
  'end_date',
  'headcount',
  'core_count',
  'enterprise_count',
  'key_industry_count',
  'audience',
  'needs',
  'topics',
  'contact_name',
  'mobile',
  'email',
  'remarks',
] as const;
export type ApplicationField = (typeof APPLICATION_FIELDS)[number];

/** Labels as the notice's form names them, for cards and for the messages below. */
export const FIELD_LABELS: Readonly<Record<ApplicationField, string>> = {
  kind: '活动类别',
  org_name: '申请单位名称',
  region: '所在盟市',
  venue: '活动地点',
  start_date: '活动开始日期',
  end_date: '活动结束日期',
  headcount: '活动人数',
  core_count: '第（2）（3）类人员人数',
  enterprise_count: '参与企业数',
  key_industry_count: '自治区十大产业企业数',
  audience: '活动对象',
  needs: '企业需求',
  topics: '活动内容',
  contact_name: '联系人',
  mobile: '手机号码',
  email: '电子邮箱',
  remarks: '备注',
};

/** What Feishu sends as `form_value`: strings, arrays for multi-selects, absent when untouched. */
export type FormValue = Record<string, string | string[] | undefined>;

/** Keeps the known fields only, as typed: what a draft stores and what a returned card shows again. */
export function pickFormValues(form: FormValue): Partial<Record<ApplicationField, string | string[]>> {
  const picked: Partial<Record<ApplicationField, string | string[]>> = {};
  for (const field of APPLICATION_FIELDS) {
    const v = form[field];
    if (typeof v === 'string') picked[field] = v;
    else if (Array.isArray(v)) picked[field] = v.filter((x): x is string => typeof x === 'string');
  }
  return picked;
}
