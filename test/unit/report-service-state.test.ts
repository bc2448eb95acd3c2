import { ReportFile } from '../../src/db/entities/report-file.entity';
import { ReportSubmission } from '../../src/db/entities/report-submission.entity';
import { ReportTask } from '../../src/db/entities/report-task.entity';
import { needsFile, STATE_WORDS, submissionState } from '../../src/services/report-service';

/**
 * The one rule of where a 盟市 stands on a report task (submissionState, needsFile, STATE_WORDS),
 * read without a database: rows built in memory. What the progress cards, 报送进度, the export
 * and the reminders show: 未提交, 待补附件 (a task asking for files, no file yet), 已提交, and
 * 逾期提交 (submitted late, or its first file came after the deadline).
 */

/** 2027-12-09 17:00 in Shanghai. */
const DEADLINE = Date.UTC(2027, 11, 9, 9, 0);
const HOUR = 3_600_000;

function task(expects: ReportTask['expects']): ReportTask {
  return Object.assign(new ReportTask(), { id: 3, tenantKey: 'tenant-1', deadlineAt: DEADLINE, expects, regions: '["包头市"]', progressKeys: '[]', version: 1 });
}

function sub(id: number, late = false): ReportSubmission {
  return Object.assign(new ReportSubmission(), { id, taskId: 3, region: '包头市', text: '已完成', submittedBy: 'ou_staff', submittedAt: DEADLINE - HOUR, late, times: 1 });
}

let fileIds = 0;
function file(submissionId: number, at: number): ReportFile {
  return Object.assign(new ReportFile(), { id: ++fileIds, submissionId, kind: 'file', fileKey: `k${fileIds}`, name: null, messageId: `om_${fileIds}`, sentBy: 'ou_staff', at });
}

describe('needsFile', () => {
  it('is true for 附件 and 文字说明和附件, false for 文字说明 only', () => {
    expect(needsFile(task('file'))).toBe(true);
    expect(needsFile(task('both'))).toBe(true);
    expect(needsFile(task('text'))).toBe(false);
  });
});

describe('submissionState', () => {
  it('is missing without a submission (null or undefined), whatever the files', () => {
    for (const expects of ['text', 'file', 'both'] as const) {
      expect(submissionState(task(expects), null, [file(1, DEADLINE - HOUR)])).toBe('missing');
      expect(submissionState(task(expects), undefined, [])).toBe('missing');
    }
  });

  it('a text task: submitted or late by the submission alone, files or none', () => {
    expect(submissionState(task('text'), sub(1), [])).toBe('submitted');
    expect(submissionState(task('text'), sub(1, true), [])).toBe('late');
    // A file that came after the deadline does not make a text task late.
    expect(submissionState(task('text'), sub(1), [file(1, DEADLINE + HOUR)])).toBe('submitted');
  });

  it('a task asking for files awaits one, counting only the submission’s own files', () => {
    for (const expects of ['file', 'both'] as const) {
      expect(submissionState(task(expects), sub(1), [])).toBe('awaiting');
      expect(submissionState(task(expects), sub(1, true), [])).toBe('awaiting');
      expect(submissionState(task(expects), sub(1), [file(2, DEADLINE - HOUR)])).toBe('awaiting');
      expect(submissionState(task(expects), sub(1), [file(2, DEADLINE - HOUR), file(1, DEADLINE - HOUR)])).toBe('submitted');
    }
  });

  it('is late when the first own file came after the deadline, not at it, or the submission was late', () => {
    const t = task('both');
    expect(submissionState(t, sub(1), [file(1, DEADLINE)])).toBe('submitted');
    expect(submissionState(t, sub(1), [file(1, DEADLINE + 1)])).toBe('late');
    // The first file counts, in whatever order they come: a later one does not make it late.
    expect(submissionState(t, sub(1), [file(1, DEADLINE + HOUR), file(1, DEADLINE - HOUR)])).toBe('submitted');
    expect(submissionState(t, sub(1), [file(1, DEADLINE - HOUR), file(1, DEADLINE + HOUR)])).toBe('submitted');
    // Another submission's earlier file does not make this one on time.
    expect(submissionState(t, sub(1), [file(2, DEADLINE - HOUR), file(1, DEADLINE + HOUR)])).toBe('late');
    // A submission made late stays late, however early its file.
    expect(submissionState(t, sub(1, true), [file(1, DEADLINE - HOUR)])).toBe('late');
  });
});

describe('STATE_WORDS', () => {
  it('names the states as the export and the cards write them', () => {
    expect(STATE_WORDS).toEqual({ missing: '未提交', awaiting: '待补附件', submitted: '已提交', late: '逾期提交' });
  });
});
