import { cancelFormCard, cancelledNoticeCard, changeFormCard, changeReviewCard, changeRulesText } from '../../cards/change-cards';
import { applicationCard } from '../../cards/application-cards';
import { resolveApplicationRules } from '../../src/domain/application-rule-config';
import type { ChangeRequest } from '../../src/services/application-record';
import { expectEscaped, expectValidCard } from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';
import { makeApp } from '../helpers/factories';
import { buttonValue, hasButton } from '../helpers/application-driver';

const RULES = resolveApplicationRules();
const TZ = 'Asia/Shanghai';
const HOSTILE = '礼堂 **x** <at id=all> [a](b)';

function request(over: Partial<ChangeRequest> = {}): ChangeRequest {
  return {
    round: 1,
    state: '待审核',
    old: { startDate: '2027-06-10', endDate: '2027-06-11', venue: '报告厅', headcount: 100 },
    new: { startDate: '2027-07-20', endDate: '2027-07-21', venue: HOSTILE, headcount: 90 },
    note: '场地冲突 [x](y)',
    requestedBy: 'ou_filer',
    requestedAt: Date.UTC(2027, 4, 1),
    ...over,
  };
}

const approved = (over: Partial<ChangeRequest> = {}, status: '已通过' | '已取消' = '已通过') =>
  makeApp({ status, version: 5, changeRequest: JSON.stringify(request(over)), cancelReason: status === '已取消' ? '停产 **x**' : null, cancelledBy: 'ou_filer', cancelledAt: Date.UTC(2027, 4, 2) });

describe('change cards', () => {
  it('states the change rules: from tomorrow, the season, 1–3 days, not the 10-day rule', () => {
    expect(changeRulesText(RULES, 2027, '2026-12-02')).toBe('改期不受「活动开始 10 日前提交」的限制：新的开始日期最早为 2026-12-02（明天），活动需在 2027 年 3 月 1 日至 11 月 30 日之间举办，时长 1–3 天。');
  });

  it('the form carries the version it was opened on and is a valid card', () => {
    const card = changeFormCard({ app: approved(), rules: RULES, earliest: '2026-12-02', year: 2027 });
    expectValidCard(card);
    expect(buttonValue(card, '提交改期申请')).toEqual({ action: 'application.change_submit', id: 7, v: 5 });
  });

  it('the review card shows old and new side by side, escapes user text, and decides the round it was sent for', () => {
    const card = changeReviewCard({ app: approved(), timezone: TZ, rulesText: 'r', round: 1 });
    expectValidCard(card, { submitsPerForm: 'some' });
    const text = visibleText(card);
    for (const s of ['原安排', '改为', '2027-06-10 至 2027-06-11', '2027-07-20 至 2027-07-21', '100 人', '90 人']) expect(text).toContain(s);
    expectEscaped(card, HOSTILE);
    expect(buttonValue(card, '同意改期')).toEqual({ action: 'application.change_decide', id: 7, decision: 'agree', round: 1, v: 5, code: 'SQ2027-0012' });
    expect(hasButton(card, '不同意')).toBe(true);
  });

  it('a card of an earlier round, a decided request and a cancelled activity have no buttons', () => {
    const older = changeReviewCard({ app: approved({ round: 2 }), timezone: TZ, rulesText: 'r', round: 1 });
    expect(visibleText(older)).toContain('这张卡片已过期');
    const refused = changeReviewCard({ app: approved({ state: '不同意', reason: '没空', decidedBy: 'ou_admin', decidedAt: Date.UTC(2027, 4, 3) }), timezone: TZ, rulesText: 'r', round: 1 });
    expect(visibleText(refused)).toContain('原因：没空');
    const cancelled = changeReviewCard({ app: approved({}, '已取消'), timezone: TZ, rulesText: 'r', round: 1 });
    expect(visibleText(cancelled)).toContain('活动已取消');
    for (const card of [older, refused, cancelled]) {
      expectValidCard(card);
      expect(hasButton(card, '同意改期')).toBe(false);
    }
  });

  it('cancel form and notice: reason required, escaped; the status card of a cancelled activity says who and why', () => {
    const form = cancelFormCard({ app: approved(), error: '请填写取消活动的原因' });
    expectValidCard(form);
    expect(buttonValue(form, '确认取消活动')).toEqual({ action: 'application.cancel', id: 7, v: 5 });
    const app = approved({}, '已取消');
    expectEscaped(cancelledNoticeCard(app, TZ), '停产 **x**');
    const status = applicationCard({ app, timezone: TZ, filerButtons: true });
    expect(visibleText(status)).toContain('活动已取消');
    expect(hasButton(status, '申请改期')).toBe(false);
  });

  it('the filer’s card shows a change waiting for the centre', () => {
    expect(visibleText(applicationCard({ app: approved(), timezone: TZ, filerButtons: true }))).toContain('等待中心审核');
  });
});
