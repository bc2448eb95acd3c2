// Builds dingtalk/form-card-template.json: the card template the bot's form cards need
// (DINGTALK_FORM_TEMPLATE_ID, README "DingTalk form cards"). Run: node dingtalk/build-form-card-template.mjs
//
// The file is in the card platform's export format (卡片平台 → 更多 → 导入), as the exports in
// open-dingtalk/dingtalk-card-examples are: {editorData: "<JSON>", widgetInfo: "<layout>", type, mode},
// editorData holding the component tree (schemaVersion 3.0.0), mock data and the variable list.
// Our own template: a header bound to `title`, Markdown for `intro`, `error` and `status`, and ONE
// Form component bound to the form variable `form` (the form-variable protocol, so one template
// serves every form), its status and button text bound to `form_status` and `form_btn_text`.
// The variables are a contract with src/platform/dingtalk/form-card.ts. It cannot be checked
// offline against DingTalk's importer: import it once and look at the preview.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dx = (name) => ({ package: '@ali/dxComponent', version: '1.0.0', exportName: name, main: './src/index.tsx', destructuring: false, subName: '', componentName: name });
const node = (componentName, id, title, props, children) => ({ componentName, id, props, title, hidden: false, isLocked: false, condition: true, conditionGroup: '', ...(children ? { children } : {}) });
const visible = { type: 'dynamicVisible', value: true, valueType: 'fixed', condition: { op: 'and', conditions: [] } };
const markdown = (id, title, variable) =>
  node('Markdown', id, title, {
    mdVer: 0,
    marginLeft: 12,
    marginRight: 12,
    marginTop: 8,
    marginBottom: 0,
    visible,
    content: { type: 'dynamicMarkdown', valueType: 'variable', value: '', variable, variableType: 'global' },
    innerOffset: 0,
  });

const tree = node(
  'Card',
  'node_innovation_card',
  '',
  { summaryContent: { variable: 'title', variableType: 'global', type: 'variableValue' }, autoFoldConfig: { needFold: false, heightLimit: 480, foldStatusLocalDataKey: '_cardFoldStatusLocalDataKey' }, isLinkToCard: false },
  [
    node('CardHeaderV2', 'node_innovation_header', '卡片头部', { title: { i18n: false, type: 'dynamicString', content: '${title}' } }),
    markdown('node_innovation_intro', '说明', 'intro'),
    markdown('node_innovation_error', '需要修改的内容', 'error'),
    node('Form', 'node_innovation_form', '表单', {
      id: 'form',
      submitText: { i18n: false, type: 'dynamicString', content: '${form_btn_text}' },
      formSchema: { variable: 'form', variableType: 'global', type: 'variableValue' },
      // The submit callback echoes the field list as params.current_form (DINGTALK.md §4).
      params: [{ type: 'variable', variable: 'form', value: '', name: 'current_form', id: '1', variableType: 'global' }],
      status: { type: 'dynamicSelect', valueType: 'variable', value: 'normal', variable: 'form_status', variableType: 'global' },
      visible,
      actionType: 'request',
    }),
    markdown('node_innovation_status', '提交结果', 'status'),
  ],
);
Object.assign(tree, { fileName: 'innovation-form', dataSource: { list: [] }, state: {}, lifeCycles: {}, methods: {} });

const sample = {
  title: '活动申请表',
  intro: '请逐项填写，带 * 的为必填项。',
  error: '',
  status: '',
  form: { fields: [{ name: 'org_name', label: '申请单位名称', type: 'TEXT', required: true, placeholder: '与公章一致的单位全称' }, { name: 'start_date', label: '活动开始日期', type: 'DATE', required: true, placeholder: '请选择开始日期' }] },
  form_status: 'normal',
  form_btn_text: '提交',
};

const str = (id, description, isPrivate) => ({ name: id, private: isPrivate, type: 'string', id, description, editorVarType: 'variables' });
const field = (name, type) => ({ id: `form.fields[0].${name}`, type, name, private: true, editorVarType: 'variables', disabled: true });
const variableList = [
  str('title', '卡片标题（表单名称）', false),
  { name: 'intro', private: false, type: 'markdown', id: 'intro', description: '表单说明', editorVarType: 'variables', disabled: false, schema: [] },
  { name: 'error', private: true, type: 'markdown', id: 'error', description: '提交未通过时的原因（空则不显示）', editorVarType: 'variables', disabled: false, schema: [] },
  { name: 'status', private: true, type: 'markdown', id: 'status', description: '提交结果', editorVarType: 'variables', disabled: false, schema: [] },
  {
    name: 'form',
    private: true,
    type: 'form',
    id: 'form',
    description: '表单配置（表单变量协议）',
    editorVarType: 'variables',
    disabled: false,
    schema: [
      {
        id: 'form.fields',
        type: 'loopArray',
        name: 'fields',
        private: true,
        editorVarType: 'variables',
        disabled: true,
        schema: [
          field('name', 'string'),
          field('label', 'string'),
          field('type', 'string'),
          field('hidden', 'boolean'),
          field('required', 'boolean'),
          field('requiredMsg', 'string'),
          field('readOnly', 'boolean'),
          field('placeholder', 'string'),
          field('defaultValue', 'string'),
          {
            ...field('options', 'loopArray'),
            schema: [
              { id: 'form.fields[0].options[0].value', type: 'string', name: 'value', private: true, editorVarType: 'variables', disabled: true },
              { id: 'form.fields[0].options[0].text', type: 'string', name: 'text', private: true, editorVarType: 'variables', disabled: true },
            ],
          },
        ],
      },
    ],
  },
  str('form_status', 'normal、disabled', true),
  str('form_btn_text', '按钮文案（提交 / 已提交）', true),
];

const editorData = {
  schemaVersion: '3.0.0',
  schema: { version: '1.0.0', componentsMap: [dx('CardHeaderV2'), dx('Markdown'), { devMode: 'lowCode', componentName: 'Form' }, dx('Card')], componentsTree: [tree], i18n: {} },
  mockData: { cardData: sample, cardPrivateData: { error: '', status: '', form_status: 'normal', form_btn_text: '提交' }, localData: {}, richTextData: {} },
  editVersion: 0,
  customWidgetInfo: '',
  useCustomWidgetInfo: false,
  variableList,
  formList: [],
  expList: [],
  localList: [],
  hsfList: [],
  lwpList: [],
  extension: { extendType: 'NORMAL', fileTypeList: [{ fileName: 'event_chain', fileSource: '{}', fileType: 'json' }] },
};

// What clients too old for the Form component show instead.
const widgetInfo = `<LinearLayout width="@data{width}" height="match_content" userId="node_innovation_card" orientation="vertical" cornerRadius="6np">
 <FastTextView textSize="15np" width="match_parent" marginTop="12np" marginLeft="12np" marginRight="12np" maxLines="1" text="@toStr{@data{data.cardData.title}}" lineBreakMode="end" height="match_content"></FastTextView>
 <FastTextView textSize="14np" width="match_parent" margin="12np" text="当前钉钉版本不支持表单卡片，请升级钉钉后填写。" height="match_content"></FastTextView>
</LinearLayout>
`;

const out = { editorData: JSON.stringify(editorData), widgetInfo, type: 'im', mode: 'card' };
const target = join(dirname(fileURLToPath(import.meta.url)), 'form-card-template.json');
writeFileSync(target, `${JSON.stringify(out)}\n`);
console.log(`wrote ${target}`);
