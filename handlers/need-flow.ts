import { DELETED_EXPERT_NAME } from '../src/services/expert-service';
import { needCard, type NeedActionView } from '../cards/need-cards';
import type { Need } from '../src/db/entities/need.entity';
import { industryLabel } from '../src/domain/industries';
import { needActionLabel, needActionsFor, needCodeOf, needsNote, type NeedStatus } from '../src/domain/need-status';
import { codeOf } from '../src/services/application-record';
import { centreTargets } from './application-flow';
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
    // An expert whose personal data was deleted stays named, as such, in the needs they had.
    expert: expert ? (expert.deletedAt !== null ? { name: DELETED_EXPERT_NAME, organisation: '', contact: '' } : { name: expert.name, organisation: expert.organisation, contact: expert.contact }) : null,
    history: opts.history ? await deps.needs.history(need.id) : undefined,
    banner: opts.banner,
    admin: opts.admin,
    applicationCode: app ? (codeOf(app) ?? null) : null,
    actions: opts.admin ? adminActions(need) : [],
    note: opts.note,
    noteError: opts.noteError,
  });
}

/** The outbox key of the centre's card for a new need, per target (see need-actions' submit). */
export function newNeedCardKey(needId: number, target: { kind: string; id: string }): string {
  return `need:${needId}:new:${target.kind}:${target.id}`;
}

/**
 * Brings the centre's copies of a need's card up to date after a change, except the one the
 * click came from (the callback answer updates that one). Once per version.
 */
export async function refreshNeedCards(deps: HandlerDeps, need: Need, exceptMessageId?: string): Promise<void> {
  let card: Awaited<ReturnType<typeof needCardFor>> | undefined;
  for (const target of await centreTargets(deps, need.tenantKey)) {
    const key = newNeedCardKey(need.id, target);
    const messageId = await deps.messenger.sentMessageId({ tenantKey: need.tenantKey, key });
    if (!messageId || messageId === exceptMessageId) continue;
    card ??= await needCardFor(deps, need, { admin: true });
    await deps.messenger.updateCard({ tenantKey: need.tenantKey, key: `${key}:v${need.version}` }, messageId, card);
  }
}
