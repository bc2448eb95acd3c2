import { button, buttonRow, card, markdown } from '../../cards/card-kit';
import { form, submitButton, textInput } from '../../cards/form-kit';
import { helpCard } from '../../cards/help-card';
import { escapeMarkdown } from '../../cards/markdown';
import { commandLink, escapeDingTalkMarkdown, FORM_NOT_AVAILABLE, renderCard, renderMessage } from '../../src/platform/dingtalk/render';
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

  test('images, files and forwards are refused for good, not faked', () => {
    expect(() => renderMessage({ type: 'image', imageKey: 'img' })).toThrow(PlatformError);
    try {
      renderMessage({ type: 'file', fileKey: 'f' });
    } catch (err) {
      expect((err as PlatformError).info.retryable).toBe(false);
    }
  });
});
