import { Writable } from 'node:stream';
import { regionStatusChart } from '../../cards/digest-chart';
import { button, buttonRow, card, markdown, note } from '../../cards/card-kit';
import { escapeMarkdown } from '../../cards/markdown';
import { welcomeCard } from '../../cards/welcome-card';
import { REGIONS } from '../../src/domain/regions';
import { createLogger } from '../../src/logger';
import { DryRunPlatform } from '../../src/platform/dry-run-platform';
import type { ChatPlatform } from '../../src/platform/port';
import { decodeEntities, outlineMessage, plainOfMarkdown } from '../../src/platform/message-outline';

/** The dry-run platform's log lines, as JSON records (the logger writes one per line). */
function platformAt(level: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const platform: ChatPlatform = new DryRunPlatform(createLogger(level, sink));
  return { platform, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

/** User text with markdown specials and a path: escaped in the card as &#47; and friends. */
const TYPED = '包头/稀土*研究院* <at id=all></at> (A-1)';

const REVIEW = card({
  title: '新的活动申请 · 待审核',
  colour: 'orange',
  elements: [
    markdown(`**SQ2027-0001** ${escapeMarkdown(TYPED)}`),
    markdown('**活动日期**：2027-07-10 至 2027-07-11\n**地点**：包头市科技馆\n**人数**：120'),
    note('第四行不应出现在摘要里'),
    buttonRow([button('通过', { action: 'approve' }, 'primary'), button('退回修改', { action: 'return' })]),
  ],
});

describe('DryRunPlatform logs', () => {
  it('one info line per message: to whom, the card title, its first lines, read as a person reads them', async () => {
    const { platform, lines, records } = platformAt('info');
    const { messageId } = await platform.sendToChat('oc_centre_group', { type: 'card', card: REVIEW }, 'key-1');
    expect(lines).toHaveLength(1);
    const [r] = records();
    expect(r.msg).toBe(
      'dry-run: would send to chat oc_centre_group — card 「新的活动申请 · 待审核」: ' +
        `SQ2027-0001 ${TYPED} / 活动日期：2027-07-10 至 2027-07-11 / 地点：包头市科技馆 [通过 | 退回修改]`,
    );
    expect(r).toMatchObject({ level: 30, dryRun: true, action: 'send to chat', target: 'oc_centre_group', messageId });
    expect(lines[0]).not.toMatch(/&#\d+;/);
    expect(r).not.toHaveProperty('message');
    expect(lines[0]).not.toContain('"schema"');
  });

  it('the full message only at debug', async () => {
    const { platform, records } = platformAt('debug');
    await platform.sendToUser('ou_filer', { type: 'card', card: REVIEW }, 'key-2');
    const [line, full] = records();
    expect(line.msg).toContain('dry-run: would send to user ou_filer — card 「新的活动申请 · 待审核」');
    expect(full).toMatchObject({ level: 20, messageId: line.messageId, message: { type: 'card', card: REVIEW } });
  });

  it('says what replies, updates, texts and uploads are', async () => {
    const { platform, records } = platformAt('info');
    await platform.reply('om_user_message', { type: 'text', text: '已收到。\n第二行' }, 'k');
    await platform.updateCard('om_dry_run_1', welcomeCard());
    await platform.uploadFile(Buffer.from('xlsx'), '报送进度.xlsx');
    const byRegion = Object.fromEntries(REGIONS.map((r) => [r, { 待审核: 1 }])) as never;
    await platform.sendToChat('oc_centre', { type: 'card', card: card({ title: '每周小结 · 全区', elements: [markdown('**全区申请情况**'), regionStatusChart(byRegion)] }) }, 'k');
    const msgs = records().map((r) => r.msg);
    expect(msgs[0]).toBe('dry-run: would reply to om_user_message — text: 已收到。 / 第二行');
    expect(msgs[1]).toMatch(/^dry-run: would update card om_dry_run_1 — card 「[^」]+」: \S/);
    expect(msgs[2]).toBe('dry-run: would upload file 报送进度.xlsx (4 bytes)');
    expect(msgs[3]).toBe('dry-run: would send to chat oc_centre — card 「每周小结 · 全区」: 全区申请情况 / [图表：各盟市申请情况]');
  });
});

describe('message outline', () => {
  it('decodes numeric and named entities once', () => {
    expect(decodeEntities('a&#47;b&#x2F;c &lt;d&gt; &#38;lt;')).toBe('a/b/c <d> &lt;');
    expect(decodeEntities(escapeMarkdown(TYPED))).toBe(TYPED);
  });

  it('reads markdown as shown: no bold marks, colour tags or link targets; escaped user text kept', () => {
    expect(plainOfMarkdown("**包头市**：<font color='green'>已提交</font> [详情](https://example.com)")).toBe('包头市：已提交 详情');
    expect(plainOfMarkdown(escapeMarkdown('**not bold** <font>'))).toBe('**not bold** <font>');
  });

  it('shows an input by its label, not its placeholder', () => {
    const form = card({
      title: '表单',
      elements: [{ tag: 'input', name: 'x', placeholder: { tag: 'plain_text', content: '请输入' }, label: { tag: 'plain_text', content: '单位名称' } }],
    });
    expect(outlineMessage({ type: 'card', card: form })).toEqual({ kind: 'card', title: '表单', lines: ['单位名称'], buttons: [] });
  });
});
