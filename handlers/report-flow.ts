import { reportProgressCard, type RegionProgress } from '../cards/report-cards';
import type { ReportTask } from '../src/db/entities/report-task.entity';
import { formatCode } from '../src/domain/codes';
import { parseRegion } from '../src/domain/regions';
import { progressKeysOf, regionsOf, submissionState } from '../src/services/report-service';

export { needsFile, STATE_WORDS, submissionState, type SubmissionState } from '../src/services/report-service';
import type { HandlerDeps } from './types';

/** What the report commands, card actions and the reminders job share. */

export const REPORT_CODE_PREFIX = 'BS';

export function reportCode(task: ReportTask): string {
  return formatCode(REPORT_CODE_PREFIX, task.codeYear, task.codeSeq);
}

/** Every targeted 盟市: submitted, late, awaiting files or missing, with when and how many files. */
export async function progressOf(deps: HandlerDeps, task: ReportTask): Promise<RegionProgress[]> {
  const subs = await deps.reports.submissionsOf(task.id);
  const files = await deps.reports.filesOf(subs.map((s) => s.id));
  const rows: RegionProgress[] = [];
  for (const region of regionsOf(task)) {
    const sub = subs.find((s) => s.region === region);
    const reachable = (await deps.bindings.chatsFor(task.tenantKey, parseRegion(region) ?? (region as never))).length > 0;
    rows.push({
      region,
      state: submissionState(task, sub, files),
      submittedAt: sub?.submittedAt,
      times: sub?.times,
      files: sub ? files.filter((f) => f.submissionId === sub.id).length : 0,
      reachable,
    });
  }
  return rows;
}

export async function progressCardFor(deps: HandlerDeps, task: ReportTask) {
  return reportProgressCard({ task, code: reportCode(task), timezone: deps.settings.timezone, rows: await progressOf(deps, task), now: deps.now() });
}

/** Brings the centre's progress cards up to date in place, once per version of the task. */
export async function refreshProgressCards(deps: HandlerDeps, task: ReportTask, exceptMessageId?: string): Promise<void> {
  const card = await progressCardFor(deps, task);
  for (const key of progressKeysOf(task)) {
    // 'msg:<id>' is a card that became the progress card by a callback answer (not sent through the outbox).
    const messageId = key.startsWith('msg:') ? key.slice(4) : await deps.messenger.sentMessageId({ tenantKey: task.tenantKey, key });
    if (!messageId || messageId === exceptMessageId) continue;
    await deps.messenger.updateCard({ tenantKey: task.tenantKey, key: `${key}:v${task.version}` }, messageId, card);
  }
}
