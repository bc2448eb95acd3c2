import { centreReminderCard, teamConflictCard, teamFormCard } from '../../cards/team-cards';
import { teamLine } from '../../cards/team-line';
import { upcomingActivitiesCard } from '../../cards/reminder-cards';
import { datesOverlap, teamConflicts, teamError, type Booking } from '../../src/domain/expert-team';
import { teamOf } from '../../src/services/application-record';
import { expectValidCard } from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';
import { makeApp } from '../helpers/factories';

/** The expert team's pure rules and cards (issue 11, item 6). */

const booking = (over: Partial<Booking> = {}): Booking => ({ applicationId: 9, code: 'SQ2027-0009', orgName: '赤峰市科协', region: '赤峰市', startDate: '2027-06-11', endDate: '2027-06-12', expertIds: [1, 2], ...over });
const TEAM = { teamExperts: JSON.stringify([{ id: 1, name: '张三' }, { id: 2, name: '李*四<at id=all></at>' }]), teamNote: '乘 K1234 次', teamBy: 'ou_admin', teamAt: 1 };

describe('the overlap check', () => {
  it.each([
    ['2027-06-10', '2027-06-11', true],
    ['2027-06-12', '2027-06-14', true],
    ['2027-06-08', '2027-06-10', false],
    ['2027-06-13', '2027-06-13', false],
  ])('%s – %s against 11–12 June: %s', (startDate, endDate, overlaps) => {
    expect(datesOverlap({ startDate, endDate }, booking())).toBe(overlaps);
  });

  it('names each chosen expert already on an overlapping activity, and only those', () => {
    const other = booking({ expertIds: [2] });
    const later = booking({ applicationId: 10, code: 'SQ2027-0010', startDate: '2027-07-01', endDate: '2027-07-01', expertIds: [1] });
    expect(teamConflicts({ startDate: '2027-06-10', endDate: '2027-06-11' }, [1, 2, 3], [other, later])).toEqual([{ expertId: 2, other }]);
  });

  it('bounds the team and its note', () => {
    expect(teamError([1, 2], '')).toBeUndefined();
    expect(teamError(Array.from({ length: 21 }, (_, i) => i + 1), '')).toContain('最多安排 20 位');
    expect(teamError([1], '路'.repeat(301))).toContain('最多 300 字');
  });

  it('takes a team of exactly 20 and a note of exactly 300 characters (counted as characters, not UTF-16 units)', () => {
    expect(teamError(Array.from({ length: 20 }, (_, i) => i + 1), '')).toBeUndefined();
    expect(teamError([1], '路'.repeat(300))).toBeUndefined();
    expect(teamError([1], '𠀀'.repeat(300))).toBeUndefined();
  });
});

describe('the cards', () => {
  it('shows the team with its travel note, escaped', () => {
    const app = makeApp({ status: '已通过', ...TEAM });
    expect(teamOf(app)?.experts.map((e) => e.id)).toEqual([1, 2]);
    const line = teamLine(app)!;
    expect(line).toContain('**专家团队**：张三、李&#42;四&#60;at id=all&#62;&#60;/at&#62;（行程：乘 K1234 次）');
    expect(teamLine(makeApp({ status: '已通过' }))).toBeUndefined();
  });

  it('offers the chosen experts first and preselected, within the card budget', () => {
    const experts = Array.from({ length: 150 }, (_, i) => ({ id: i + 1, name: `专家${i + 1}`, organisation: '内蒙古大学', fieldsText: '稀土新材料' }));
    const card = teamFormCard({ app: makeApp({ status: '已通过' }), from: 'review', experts, total: 150, chosen: [experts[120]] });
    // Two submit buttons: 筛选 and 保存专家安排.
    expectValidCard(card, { submitsPerForm: 'some' });
    const select = JSON.parse(JSON.stringify(card)).body.elements.flatMap((e: any) => e.elements ?? []).find((e: any) => e.tag === 'multi_select_static');
    expect(select.options[0].value).toBe('121');
    expect(select.selected_values).toEqual(['121']);
    expect(select.options.length).toBeLessThanOrEqual(100);
    expect(visibleText(card)).toContain('其余的请先按姓名、单位或领域筛选');
  });

  it('the conflict card names the other activity and carries the team to 仍然安排', () => {
    const card = teamConflictCard({ app: makeApp({ status: '已通过' }), from: 'detail', conflicts: [{ expertName: '张三', other: booking() }], expertIds: [1], note: '' });
    expectValidCard(card);
    const text = visibleText(card);
    for (const expected of ['张三', 'SQ2027-0009', '赤峰市科协', '赤峰市', '2027-06-11 至 2027-06-12', '仍然安排', '取消']) expect(text).toContain(expected);
  });

  it('the centre’s reminder says when no team is assigned; 近期活动 lists teams only when asked to', () => {
    expect(visibleText(centreReminderCard(makeApp({ status: '已通过' }), 3))).toContain('尚未安排');
    expect(visibleText(centreReminderCard(makeApp({ status: '已通过', ...TEAM }), 1))).toContain('活动提醒 · 明天开始 · 包头市');
    const view = { apps: [makeApp({ status: '已通过', ...TEAM })], who: '全区', from: '2027-06-01', until: '2027-07-01', days: 30 };
    expect(visibleText(upcomingActivitiesCard(view))).not.toContain('专家团队');
    expect(visibleText(upcomingActivitiesCard({ ...view, showTeams: true }))).toContain('专家团队：张三');
  });
});
