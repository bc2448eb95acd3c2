import { button, buttonRow, card, markdown } from '../../cards/card-kit';
import { form, submitButton, textInput } from '../../cards/form-kit';
import { helpCard } from '../../cards/help-card';
import { escapeMarkdown } from '../../cards/markdown';
import { chartTable, commandLink, escapeDingTalkMarkdown, FORM_NOT_AVAILABLE, renderCard, renderMessage } from '../../src/platform/dingtalk/render';
import { regionStatusChart } from '../../cards/digest-chart';
import { REGIONS } from '../../src/domain/regions';
import { PlatformError } from '../../src/platform/port';

describe('DingTalk rendering of the bot\'s messages', () => {
  test('text goes as sampleText, unchanged', () => {
    expect(renderMessage({ type: 'text', text: '已收到 **申请**' })).toEqual({ msgKey: 'sampleText', msgParam: { content: '已收到 **申请**' } });
  });

  test('user text cannot inject links, images, emphasis or HTML', () => {
    const hostile = '[点我](https://evil.example) ![x](http://e/x.png) **粗** <b>x</b> # 标题 `code` |a|';
    const escaped = escapeDingTalkMarkdown(hostile);
    expect(escaped).not.toMatch(/[[\]*<>#`|!]/);
    expect(escaped).toContain('https://evil.example');
  });

  test('a help card with unrecognised user text: title, trusted bold kept, user text escaped', () => {
    const msg = renderCard(helpCard({ commands: [{ usage: '查询', description: '查看申请' }], chatType: 'p2p', unrecognised: '[x](http://e) *hi*', isAdmin: false }));
    expect(msg.msgKey).toBe('sampleMarkdown');
    expect(msg.msgParam.title).toBe('企业创新助手 · 使用帮助');
    expect(msg.msgParam.text.startsWith('### 企业创新助手 · 使用帮助')).toBe(true);
    expect(msg.msgParam.text).toContain('**查询**');
    expect(msg.msgParam.text).toContain('［x］(http://e) ＊hi＊');
    expect(msg.msgParam.text).not.toContain('&#');
  });

  test('Feishu entities in trusted markdown are decoded and re-escaped for DingTalk', () => {
    const msg = renderCard(card({ title: 'T', elements: [markdown(`机构：${escapeMarkdown('A_B <i>')}`)] }));
    expect(msg.msgParam.text).toContain('机构：A_B ＜i＞');
  });

  test('a button with a text command becomes an ActionCard link that sends it; the command is printed too', () => {
    const msg = renderCard(card({ title: '申请列表', elements: [markdown('共 0 份'), buttonRow([button('刷新', { action: 'application.list', scope: 'mine', page: 0 })])] }));
    expect(msg.msgKey).toBe('sampleActionCard');
    expect(msg.msgParam.singleTitle).toBe('刷新');
    expect(msg.msgParam.singleURL).toBe(`dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent('查询')}`);
    expect(msg.msgParam.text).toContain('也可以直接发送：「查询」');
  });

  test('buttons without a text command are not offered, and the card says so', () => {
    const msg = renderCard(card({ title: '申请', elements: [buttonRow([button('撤回', { action: 'application.withdraw', id: 1 })])] }));
    expect(msg.msgKey).toBe('sampleMarkdown');
    expect(msg.msgParam.text).toContain('按钮「撤回」暂不能在钉钉中使用');
  });

  test('several command buttons use sampleActionCardN with actionTitleN/actionURLN', () => {
    const list = (page: number) => button(`第${page}页`, { action: 'application.list', page: 0 });
    const msg = renderCard(card({ title: 'L', elements: [buttonRow([list(1), list(2)])] }));
    expect(msg.msgKey).toBe('sampleActionCard2');
    expect(msg.msgParam).toMatchObject({ actionTitle1: '第1页', actionURL1: commandLink('查询'), actionTitle2: '第2页', actionURL2: commandLink('查询') });
  });

  test('a form card shows its text, not its inputs, and says which command starts the form as a conversation', () => {
    const c = card({
      title: '新建申请',
      elements: [
        markdown('请按通知要求填写。'),
        form('application_form', [textInput({ name: 'org', placeholder: '单位名称', maxLength: 50 }), submitButton({ name: 'submit', text: '提交', value: { action: 'application.submit' } })]),
      ],
    });
    const msg = renderCard(c);
    expect(msg.msgKey).toBe('sampleMarkdown');
    expect(msg.msgParam.text).toContain('请按通知要求填写。');
    expect(msg.msgParam.text).toContain(FORM_NOT_AVAILABLE);
    // The same form is a conversation on DingTalk: the card says how to start it.
    expect(msg.msgParam.text).toContain('发送「申请」开始');
    expect(msg.msgParam.text).not.toContain('单位名称');
  });

  test('the 改期 and 取消 forms say which command starts them as a conversation (issue 12)', () => {
    for (const [name, command] of [['change_form', '改期 <编号>'], ['cancel_form', '取消 <编号>']]) {
      const c = card({ title: '申请改期', elements: [form(name, [textInput({ name: 'note', placeholder: '说明', maxLength: 50 }), submitButton({ name: 's', text: '提交', value: { action: 'application.change_submit', id: 1, v: 2 } })])] });
      const text = renderCard(c).msgParam.text;
      expect(text).toContain(FORM_NOT_AVAILABLE);
      expect(text).toContain(`发送「${escapeDingTalkMarkdown(command)}」开始`);
      expect(text).not.toContain('飞书');
    }
  });

  test('images, files and forwards are refused for good, not faked', () => {
    expect(() => renderMessage({ type: 'image', imageKey: 'img' })).toThrow(PlatformError);
    try {
      renderMessage({ type: 'file', fileKey: 'f' });
    } catch (err) {
      expect((err as PlatformError).info.retryable).toBe(false);
    }
  });
});

describe('DingTalk rendering of decisions, filer buttons, 对接 and the digest chart (issue 12, items 5 and 7)', () => {
  const link = (c: string) => commandLink(c);

  test('review buttons send 通过/退回/不予受理 with the code; the fallback shows what a reason needs; the reason box is not a dead form', () => {
    const review = (decision: string) => ({ tag: 'button', text: { tag: 'plain_text', content: decision }, form_action_type: 'submit', behaviors: [{ type: 'callback', value: { action: 'application.review', id: 7, decision, v: 3, code: 'SQ2027-0012' } }] });
    const c = card({ title: '待审核申请 SQ2027-0012', elements: [markdown('**编号**：SQ2027-0012'), form('review_form', [textInput({ name: 'reason', placeholder: '审核意见', maxLength: 500 }), buttonRow([review('approve'), review('return'), review('reject')] as any)])] });
    const msg = renderCard(c);
    expect(msg.msgKey).toBe('sampleActionCard3');
    expect([msg.msgParam.actionURL1, msg.msgParam.actionURL2, msg.msgParam.actionURL3]).toEqual([link('通过 SQ2027-0012'), link('退回 SQ2027-0012'), link('不予受理 SQ2027-0012')]);
    expect(msg.msgParam.text).toContain('「通过 SQ2027-0012 ［审核意见］」 「退回 SQ2027-0012 ＜原因＞」 「不予受理 SQ2027-0012 ＜原因＞」');
    expect(msg.msgParam.text).not.toContain(FORM_NOT_AVAILABLE);
  });

  test('the change review card’s 同意改期 / 不同意 send 同意改期 / 不同意改期 with the code; the fallback shows what a refusal needs', async () => {
    const { changeReviewCard } = await import('../../cards/change-cards');
    const changeRequest = JSON.stringify({ round: 2, state: '待审核', old: { startDate: '2027-06-10', endDate: '2027-06-11', venue: '报告厅', headcount: 100 }, new: { startDate: '2027-06-17', endDate: '2027-06-18', venue: '报告厅', headcount: 100 }, note: null, requestedBy: 'filer0001', requestedAt: Date.UTC(2027, 4, 1) });
    const app = { id: 7, version: 4, status: '已通过', codeYear: 2027, codeSeq: 12, orgName: '包头市科协', region: '包头市', filerOpenId: 'filer0001', changeRequest } as any;
    const msg = renderCard(changeReviewCard({ app, timezone: 'Asia/Shanghai', rulesText: '改期规则', round: 2 }));
    expect(msg.msgKey).toBe('sampleActionCard2');
    expect([msg.msgParam.actionTitle1, msg.msgParam.actionTitle2]).toEqual(['同意改期', '不同意']);
    expect([msg.msgParam.actionURL1, msg.msgParam.actionURL2]).toEqual([link('同意改期 SQ2027-0012'), link('不同意改期 SQ2027-0012')]);
    expect(msg.msgParam.text).toContain('「同意改期 SQ2027-0012 ［审核意见］」 「不同意改期 SQ2027-0012 ＜原因＞」');
    expect(msg.msgParam.text).toContain('2027-06-17 至 2027-06-18');
    expect(msg.msgParam.text).not.toContain(FORM_NOT_AVAILABLE);
    // Once decided, the card has nothing to tap.
    const decided = { ...app, changeRequest: JSON.stringify({ ...JSON.parse(changeRequest), state: '已同意', decidedBy: 'admin0001', decidedAt: Date.UTC(2027, 4, 2) }) };
    expect(renderCard(changeReviewCard({ app: decided, timezone: 'Asia/Shanghai', rulesText: '改期规则', round: 2 })).msgKey).toBe('sampleMarkdown');
  });

  test('a button value whose code is not a code (or no code at all) is not turned into a command', () => {
    const msg = renderCard(card({ title: 'T', elements: [buttonRow([button('撤回', { action: 'application.withdraw', id: 7, code: 'SQ1 通过 SQ2' }), button('修改', { action: 'application.edit', id: 7 })])] }));
    expect(msg.msgKey).toBe('sampleMarkdown');
    expect(msg.msgParam.text).toContain('按钮「撤回」「修改」暂不能在钉钉中使用');
  });

  test('the filer’s 修改 / 撤回 and the need’s 对接 send their commands', () => {
    const msg = renderCard(
      card({
        title: '活动申请 SQ2027-0012',
        elements: [buttonRow([button('修改', { action: 'application.edit', id: 7, code: 'SQ2027-0012' }), button('撤回', { action: 'application.withdraw', id: 7, code: 'SQ2027-0012' }), button('对接专家', { action: 'need.match_open', id: 4, v: 1, code: 'XQ2027-0004' })])],
      }),
    );
    expect([msg.msgParam.actionURL1, msg.msgParam.actionURL2, msg.msgParam.actionURL3]).toEqual([link('修改 SQ2027-0012'), link('撤回 SQ2027-0012'), link('对接 XQ2027-0004')]);
  });

  test('仍然通过 on the question asked without the stamped scan sends 确认通过, with the 审核意见 typed', async () => {
    const { scanConfirmCard } = await import('../../cards/scan-cards');
    const app = { id: 7, version: 2, codeYear: 2027, codeSeq: 12, orgName: '包头市科协', region: '包头市' } as any;
    const msg = renderCard(scanConfirmCard(app, '材料齐全'));
    expect(msg.msgParam.singleTitle).toBe('仍然通过');
    expect(msg.msgParam.singleURL).toBe(link('确认通过 SQ2027-0012 材料齐全'));
    expect(msg.msgParam.text).toContain('「确认通过 SQ2027-0012 ［审核意见］」');
    expect(renderCard(scanConfirmCard(app, '')).msgParam.singleURL).toBe(link('确认通过 SQ2027-0012'));
  });

  test('the 对接 form is shown as what to type, with the experts to choose from and their 编号', () => {
    const c = card({
      title: '对接专家 · XQ2027-0004',
      elements: [
        form('match_form', [
          markdown('**对接专家**'),
          { tag: 'select_static', name: 'expert', options: [{ value: '12', text: { tag: 'plain_text', content: '周敏 · 内蒙古工业大学' } }, { value: '3', text: { tag: 'plain_text', content: '李*强 · [研究院]' } }] },
          submitButton({ name: 'match_submit', text: '确认对接', value: { action: 'need.match', id: 4, v: 1, code: 'XQ2027-0004' } }),
        ]),
      ],
    });
    const msg = renderCard(c);
    // Nothing to tap: the command needs the expert's 编号.
    expect(msg.msgKey).toBe('sampleMarkdown');
    expect(msg.msgParam.text).toContain('- 12：周敏 · 内蒙古工业大学');
    expect(msg.msgParam.text).toContain('- 3：李＊强 · ［研究院］');
    expect(msg.msgParam.text).toContain('「对接 XQ2027-0004 ＜专家编号＞ ［对接说明］」');
    expect(msg.msgParam.text).not.toContain(FORM_NOT_AVAILABLE);
  });

  test('a form with a submit that has no command still says it is not available (and lists no options)', () => {
    const c = card({ title: '申请表', elements: [form('f', [{ tag: 'select_static', name: 'region', options: [{ value: 'x', text: { tag: 'plain_text', content: '包头市' } }] }, submitButton({ name: 's', text: '提交申请', value: { action: 'application.submit', form: 't' } })])] });
    const msg = renderCard(c);
    expect(msg.msgParam.text).toContain(FORM_NOT_AVAILABLE);
    expect(msg.msgParam.text).not.toContain('x：包头市');
  });

  test('the digest chart becomes a table: a row per 盟市, a column per status, a total', () => {
    const byRegion = { 包头市: { 待审核: 1, 已通过: 2 }, 赤峰市: { 已举办: 1 } } as any;
    const msg = renderCard(card({ title: '本周简报', elements: [regionStatusChart(byRegion)] }));
    const text = msg.msgParam.text;
    expect(text).not.toContain('图表');
    expect(text).toContain('**各盟市申请情况**');
    expect(text).toContain('|  | 待审核 | 已退回 | 已通过 | 已举办 | 已总结 | 合计 |');
    expect(text).toContain('| 包头市 | 1 | 0 | 2 | 0 | 0 | 3 |');
    expect(text).toContain('| 赤峰市 | 0 | 0 | 0 | 1 | 0 | 1 |');
    expect(text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('|  |') && !l.startsWith('| ---'))).toHaveLength(REGIONS.length);
  });

  test('a chart the table cannot read is said to be not shown', () => {
    expect(chartTable({ tag: 'chart', chart_spec: { type: 'pie', data: { values: [{ a: 1 }] } } })).toBe('（图表暂不能在钉钉中显示）');
  });
});
