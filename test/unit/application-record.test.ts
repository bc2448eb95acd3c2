import { Application } from '../../src/db/entities/application.entity';
import {
  changeRequestOf,
  changeValuesOf,
  checkedOf,
  draftValuesOf,
  reviewKeysOf,
  SYSTEM_ACTOR,
  teamOf,
  topicsOf,
} from '../../src/services/application-record';
import { checked } from '../helpers/factories';

/**
 * application-record.ts read without a database: an Application row built in memory, with its
 * nullable columns left NULL (as a row from an old version or a hand-edited database has them),
 * and its JSON columns holding what a broken or foreign writer might leave there (not JSON, the
 * wrong shape, arrays with stray items). What users see from these: the checked values the cards
 * and sheets show, the review cards' keys, the pending change request, the expert team.
 */

/** A submitted application row holding the checked values of `checked()`, stored as the service stores them. */
function submittedRow(overrides: Partial<Application> = {}): Application {
  const c = checked();
  const app = new Application();
  Object.assign(app, {
    id: 7,
    tenantKey: 'tenant-1',
    formToken: null,
    codeYear: 2027,
    codeSeq: 3,
    filerOpenId: 'ou_filer_a',
    status: '待审核',
    version: 1,
    kind: c.kind,
    orgName: c.orgName,
    region: c.region,
    venue: c.venue,
    startDate: c.startDate,
    endDate: c.endDate,
    headcount: c.headcount,
    coreCount: c.coreCount,
    enterpriseCount: c.enterpriseCount,
    keyIndustryCount: c.keyIndustryCount,
    audience: c.audience,
    needs: c.needs,
    topics: JSON.stringify(c.topics),
    contactName: c.contactName,
    mobile: c.mobile,
    email: c.email,
    remarks: c.remarks,
    draftForm: null,
    reviewKeys: null,
    changeRequest: null,
    teamExperts: null,
    teamNote: null,
    teamBy: null,
    teamAt: null,
    ...overrides,
  });
  return app;
}

describe('checkedOf', () => {
  it('gives back the checked values a submitted row holds', () => {
    expect(checkedOf(submittedRow())).toEqual(checked());
  });

  it('reads NULL text columns as empty texts, not as made-up values', () => {
    const app = submittedRow({
      region: null,
      venue: null,
      audience: null,
      needs: null,
      topics: null,
      contactName: null,
      mobile: null,
      email: null,
      remarks: null,
    });
    expect(checkedOf(app)).toEqual(
      checked({
        region: '' as never,
        venue: '',
        audience: '',
        needs: '',
        topics: [],
        contactName: '',
        mobile: '',
        email: '',
        remarks: '',
      }),
    );
  });

  it('is undefined for a draft (no organisation, dates or headcount yet)', () => {
    expect(checkedOf(submittedRow({ orgName: null }))).toBeUndefined();
    expect(checkedOf(submittedRow({ startDate: null }))).toBeUndefined();
    expect(checkedOf(submittedRow({ endDate: null }))).toBeUndefined();
    expect(checkedOf(submittedRow({ headcount: null }))).toBeUndefined();
  });
});

describe('topicsOf', () => {
  it('reads the stored topic list', () => {
    expect(topicsOf(submittedRow({ topics: '["lecture-4","exchange-1"]' }))).toEqual(['lecture-4', 'exchange-1']);
  });

  it('is empty for NULL, for text that is not JSON and for JSON that is not a list', () => {
    expect(topicsOf(submittedRow({ topics: null }))).toEqual([]);
    expect(topicsOf(submittedRow({ topics: 'lecture-4' }))).toEqual([]);
    expect(topicsOf(submittedRow({ topics: '{"0":"lecture-4"}' }))).toEqual([]);
  });
});

describe('draftValuesOf', () => {
  it('gives back the typed form values, and nothing for NULL or broken JSON', () => {
    expect(draftValuesOf(submittedRow({ draftForm: '{"org_name":"包头市科学技术协会","topics":["lecture-4",3]}' }))).toEqual({
      org_name: '包头市科学技术协会',
      topics: ['lecture-4'],
    });
    expect(draftValuesOf(submittedRow({ draftForm: null }))).toEqual({});
    expect(draftValuesOf(submittedRow({ draftForm: '{"orgName":' }))).toEqual({});
  });
});

describe('reviewKeysOf', () => {
  it('gives back the stored keys in their order', () => {
    expect(reviewKeysOf(submittedRow({ reviewKeys: '["review:7:b","review:7:a"]' }))).toEqual(['review:7:b', 'review:7:a']);
  });

  it('keeps only the texts of a list holding other things', () => {
    expect(reviewKeysOf(submittedRow({ reviewKeys: '[1,"review:7:a",null,{"k":"x"},"review:7:b"]' }))).toEqual([
      'review:7:a',
      'review:7:b',
    ]);
  });

  it('is empty for NULL, for JSON that is not a list and for text that is not JSON', () => {
    expect(reviewKeysOf(submittedRow({ reviewKeys: null }))).toEqual([]);
    expect(reviewKeysOf(submittedRow({ reviewKeys: '{"0":"review:7:a"}' }))).toEqual([]);
    expect(reviewKeysOf(submittedRow({ reviewKeys: '"review:7:a"' }))).toEqual([]);
    expect(reviewKeysOf(submittedRow({ reviewKeys: '["review:7:a"' }))).toEqual([]);
  });
});

describe('changeRequestOf', () => {
  const request = {
    round: 2,
    state: '待审核',
    old: { startDate: '2027-06-20', endDate: '2027-06-21', venue: '报告厅', headcount: 100 },
    new: { startDate: '2027-07-01', endDate: '2027-07-01', venue: '报告厅', headcount: 80 },
    note: '场地冲突',
    requestedBy: 'ou_filer_a',
    requestedAt: 1_800_000_000_000,
  };

  it('reads a stored change request', () => {
    expect(changeRequestOf(submittedRow({ changeRequest: JSON.stringify(request) }))).toEqual(request);
  });

  it('is undefined for an object without a numeric round (not a change request)', () => {
    const { round: _round, ...withoutRound } = request;
    expect(changeRequestOf(submittedRow({ changeRequest: JSON.stringify(withoutRound) }))).toBeUndefined();
    expect(changeRequestOf(submittedRow({ changeRequest: JSON.stringify({ ...request, round: '2' }) }))).toBeUndefined();
  });

  it('is undefined for NULL, JSON null, a number, true, a text, a list and text that is not JSON', () => {
    expect(changeRequestOf(submittedRow({ changeRequest: null }))).toBeUndefined();
    expect(changeRequestOf(submittedRow({ changeRequest: 'null' }))).toBeUndefined();
    expect(changeRequestOf(submittedRow({ changeRequest: '2' }))).toBeUndefined();
    expect(changeRequestOf(submittedRow({ changeRequest: 'true' }))).toBeUndefined();
    expect(changeRequestOf(submittedRow({ changeRequest: '"round"' }))).toBeUndefined();
    expect(changeRequestOf(submittedRow({ changeRequest: '[2]' }))).toBeUndefined();
    expect(changeRequestOf(submittedRow({ changeRequest: '{"round":' }))).toBeUndefined();
  });
});

describe('changeValuesOf', () => {
  it('takes the dates, venue and headcount of the row', () => {
    expect(changeValuesOf(submittedRow())).toEqual({
      startDate: '2027-06-20',
      endDate: '2027-06-21',
      venue: '包头稀土高新区科技创新中心报告厅',
      headcount: 100,
    });
  });

  it('reads NULL columns as empty texts and 0', () => {
    expect(changeValuesOf(submittedRow({ startDate: null, endDate: null, venue: null, headcount: null }))).toEqual({
      startDate: '',
      endDate: '',
      venue: '',
      headcount: 0,
    });
  });
});

describe('teamOf', () => {
  const team = (teamExperts: string | null) =>
    teamOf({ teamExperts, teamNote: '6月20日上午出发', teamBy: 'ou_admin_a', teamAt: 1_800_000_000_000 });

  it('gives the experts in their stored order, with the note, who assigned them and when', () => {
    expect(team('[{"id":5,"name":"李华"},{"id":2,"name":"张伟"}]')).toEqual({
      experts: [
        { id: 5, name: '李华' },
        { id: 2, name: '张伟' },
      ],
      note: '6月20日上午出发',
      assignedBy: 'ou_admin_a',
      assignedAt: 1_800_000_000_000,
    });
  });

  it('drops items that are not an expert with a numeric id and a name', () => {
    const stored = [null, { id: 5, name: '李华' }, { id: '6', name: '赵敏' }, { id: 7 }, { name: '孙丽' }, { id: 2, name: '张伟' }];
    expect(team(JSON.stringify(stored))?.experts).toEqual([
      { id: 5, name: '李华' },
      { id: 2, name: '张伟' },
    ]);
  });

  it('keeps experts whose id is 0 or whose name is empty (they pass the shape check)', () => {
    expect(team('[{"id":0,"name":""}]')?.experts).toEqual([{ id: 0, name: '' }]);
  });

  it('is undefined when no item is an expert, for an empty list, for NULL, non-lists and broken JSON', () => {
    expect(team('[{"id":"6","name":"赵敏"},{"id":7},{"name":"孙丽"}]')).toBeUndefined();
    expect(team('[]')).toBeUndefined();
    expect(team(null)).toBeUndefined();
    expect(team('{"id":5,"name":"李华"}')).toBeUndefined();
    expect(team('[{"id":5,')).toBeUndefined();
  });
});

describe('SYSTEM_ACTOR', () => {
  it('is the name the scheduled jobs leave in the audit trail (rows already written hold it)', () => {
    expect(SYSTEM_ACTOR).toBe('system');
  });
});
