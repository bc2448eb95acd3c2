import { needCard, type NeedActionView } from '../cards/need-cards';
import type { Need } from '../src/db/entities/need.entity';
import { industryLabel } from '../src/domain/industries';
import { needActionLabel, needActionsFor, needCodeOf, needsNote, type NeedStatus } from '../src/domain/need-status';
import { codeOf } from '../src/services/application-service';
import type { HandlerDeps } from './types';

/** What the need commands and card actions share: the need's card as a viewer should see it. */

export function needCode(need: Need): string {
  return needCodeOf(need);
}

/** The admin's buttons: every action the status allows (对接 / 重新对接 open the matching card). */
export function adminActions(need: Need): NeedActionView[] {
  return needActionsFor(need.status as NeedStatus).map((a) => ({ action: a, label: needActionLabel(a), noteRequired: needsNote(a) }));
}

export async function needCardFor(
  deps: HandlerDeps,
  need: Need,
  opts: { admin: boolean; banner?: string; history?: boolean; note?: string; noteError?: string },
) {
  const expert = need.expertId ? await deps.experts.get(need.tenantKey, need.expertId) : null;
  const app = need.applicationId ? await deps.applications.get(need.tenantKey, need.applicationId) : null;
  return needCard({
    need,
    code: needCode(need),
    timezone: deps.settings.timezone,
    industryLabel: industryLabel(need.industry),
    expert: expert ? { name: expert.name, organisation: expert.organisation, contact: expert.contact } : null,
    history: opts.history ? await deps.needs.history(need.id) : undefined,
    banner: opts.banner,
    admin: opts.admin,
    applicationCode: app ? (codeOf(app) ?? null) : null,
    actions: opts.admin ? adminActions(need) : [],
    note: opts.note,
    noteError: opts.noteError,
  });
}
