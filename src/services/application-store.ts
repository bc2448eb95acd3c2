import { In, MoreThanOrEqual, Repository } from 'typeorm';
import { ApplicationEvent } from '../db/entities/application-event.entity';
import { Application } from '../db/entities/application.entity';
import type { Db } from '../db/unit-of-work';
import { nextStatus, type ApplicationAction, type ApplicationStatus } from '../domain/application-status';
import { BOOKING_STATUSES, type Booking } from '../domain/expert-team';
import { codeOf, teamOf } from './application-record';
import { markLedger } from './ledger/ledger-marks';

/**
 * The applications table and its audit trail: the reads (one application, lists, what the jobs
 * and the digest go through) and the one conditional UPDATE every change goes through. The
 * changes themselves (drafts, submissions, decisions, …) are ApplicationService's.
 */

export type ChangeResult =
  | { ok: true; app: Application; from: ApplicationStatus }
  /** Somebody else changed it first (or the action is not allowed in its status): here it is now. */
  | { ok: false; current: Application };

export interface ListFilter {
  tenantKey: string;
  /** Only this filer's applications. */
  filerOpenId?: string;
  /** Only this region's. */
  region?: string;
  /** Drafts are private: shown only to the one who is looking, when it is theirs. */
  viewerOpenId: string;
  statuses?: ApplicationStatus[];
}

/** One change: a status action, or 'draft' / 'attach' / 'team' within the status. */
export interface Change {
  action: ApplicationAction | 'draft' | 'attach' | 'team';
  actorOpenId: string;
  reason?: string | null;
  /** Parameters used by SQL expressions in the values. */
  params?: Record<string, unknown>;
}

function isStatusAction(action: Change['action']): action is ApplicationAction {
  return action !== 'draft' && action !== 'attach' && action !== 'team';
}

export class ApplicationStore {
  protected readonly repo: Repository<Application>;
  protected readonly events: Repository<ApplicationEvent>;

  constructor(db: Db, protected readonly now: () => number = Date.now) {
    this.repo = db.getRepository(Application);
    this.events = db.getRepository(ApplicationEvent);
  }

  get(tenantKey: string, id: number): Promise<Application | null> {
    if (!Number.isSafeInteger(id)) return Promise.resolve(null);
    return this.repo.findOneBy({ tenantKey, id });
  }

  findByFormToken(tenantKey: string, formToken: string): Promise<Application | null> {
    return this.repo.findOneBy({ tenantKey, formToken });
  }

  findByCode(tenantKey: string, year: number, seq: number): Promise<Application | null> {
    return this.repo.findOneBy({ tenantKey, codeYear: year, codeSeq: seq });
  }

  history(applicationId: number): Promise<ApplicationEvent[]> {
    return this.events.find({ where: { applicationId }, order: { at: 'ASC', id: 'ASC' } });
  }

  async list(filter: ListFilter, page: number, pageSize: number): Promise<{ items: Application[]; total: number }> {
    const q = this.repo.createQueryBuilder('a').where('a.tenant_key = :tenantKey', { tenantKey: filter.tenantKey });
    if (filter.filerOpenId) q.andWhere('a.filer_open_id = :filer', { filer: filter.filerOpenId });
    if (filter.region) q.andWhere('a.region = :region', { region: filter.region });
    if (filter.statuses) q.andWhere('a.status IN (:...statuses)', { statuses: filter.statuses });
    q.andWhere("(a.status <> '草稿' OR a.filer_open_id = :viewer)", { viewer: filter.viewerOpenId });
    const total = await q.getCount();
    const items = await q
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .skip(page * pageSize)
      .take(pageSize)
      .getMany();
    return { items, total };
  }

  /** Approved activities starting between two dates (both included), soonest first. */
  startingBetween(tenantKey: string, from: string, until: string, filter: { filerOpenId?: string; region?: string } = {}): Promise<Application[]> {
    const q = this.repo
      .createQueryBuilder('a')
      .where('a.tenant_key = :tenantKey', { tenantKey })
      .andWhere('a.status IN (:...statuses)', { statuses: ['已通过', '已举办', '已总结'] })
      .andWhere('a.start_date >= :from AND a.start_date <= :until', { from, until });
    if (filter.filerOpenId) q.andWhere('a.filer_open_id = :filer', { filer: filter.filerOpenId });
    if (filter.region) q.andWhere('a.region = :region', { region: filter.region });
    return q.orderBy('a.start_date', 'ASC').addOrderBy('a.id', 'ASC').getMany();
  }

  /** A tenant's applications (the weekly digest counts them in memory: hundreds, not millions). */
  ofTenant(tenantKey: string): Promise<Application[]> {
    return this.repo.find({ where: { tenantKey }, order: { id: 'ASC' } });
  }

  /** Audit rows since an instant, every tenant's (callers match them to their applications). */
  eventsSince(ms: number): Promise<ApplicationEvent[]> {
    return this.events.find({ where: { at: MoreThanOrEqual(ms) }, order: { at: 'ASC', id: 'ASC' } });
  }

  /** Every tenant's applications in these statuses, for the scheduled jobs. */
  inStatuses(statuses: ApplicationStatus[]): Promise<Application[]> {
    return this.repo.find({ where: { status: In(statuses) }, order: { id: 'ASC' } });
  }

  /** What waits for review, oldest submission first: the order it should be worked through. */
  pending(tenantKey: string): Promise<Application[]> {
    return this.repo.find({ where: { tenantKey, status: '待审核' }, order: { submittedAt: 'ASC', id: 'ASC' } });
  }

  /** Where a stamped scan may go: the filer's submitted applications still in play, newest first. */
  attachable(tenantKey: string, filerOpenId: string): Promise<Application[]> {
    return this.repo
      .createQueryBuilder('a')
      .where('a.tenant_key = :tenantKey AND a.filer_open_id = :filer', { tenantKey, filer: filerOpenId })
      .andWhere('a.status IN (:...statuses)', { statuses: ['待审核', '已退回', '已通过'] })
      .orderBy('a.submitted_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .getMany();
  }

  /** The filer's activities held since `sinceDate` (ended on or after it): where photos and sign-in sheets go. */
  recentlyHeld(tenantKey: string, filerOpenId: string, sinceDate: string): Promise<Application[]> {
    return this.repo
      .createQueryBuilder('a')
      .where('a.tenant_key = :tenantKey AND a.filer_open_id = :filer', { tenantKey, filer: filerOpenId })
      .andWhere('a.status IN (:...statuses)', { statuses: ['已举办', '已总结'] })
      .andWhere('a.end_date >= :since', { since: sinceDate })
      .orderBy('a.end_date', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .getMany();
  }

  /**
   * The tenant's other activities with a team whose dates overlap `from`–`until`, in statuses
   * that hold their experts (a cancelled or withdrawn activity frees them).
   */
  async bookingsBetween(tenantKey: string, from: string, until: string, exceptId: number): Promise<Booking[]> {
    const rows = await this.repo
      .createQueryBuilder('a')
      .where('a.tenant_key = :tenantKey AND a.id <> :exceptId', { tenantKey, exceptId })
      .andWhere('a.status IN (:...statuses)', { statuses: [...BOOKING_STATUSES] })
      .andWhere('a.team_experts IS NOT NULL')
      .andWhere('a.start_date <= :until AND COALESCE(a.end_date, a.start_date) >= :from', { from, until })
      .orderBy('a.start_date', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getMany();
    return rows.map((a) => ({
      applicationId: a.id,
      code: codeOf(a) ?? '',
      orgName: a.orgName ?? '',
      region: a.region ?? '',
      // Stryker disable next-line StringLiteral: unreachable, the query's a.start_date <= :until leaves out rows without a start date
      startDate: a.startDate ?? '',
      // Stryker disable next-line StringLiteral: unreachable, the query's a.start_date <= :until leaves out rows without a start date
      endDate: a.endDate ?? a.startDate ?? '',
      expertIds: teamOf(a)?.experts.map((e) => e.id) ?? [],
    }));
  }

  /**
   * One conditional UPDATE: applies when nobody changed the application since it was read.
   * `action` is a status action (moving the status) or a change within the status.
   */
  protected async update(app: Application, values: Record<string, unknown>, change: Change): Promise<ChangeResult> {
    const from = app.status;
    const to = isStatusAction(change.action) ? nextStatus(from, change.action) : from;
    const res = await this.repo
      .createQueryBuilder()
      .update()
      .set({ ...values, status: to, version: () => 'version + 1' } as any)
      .where('id = :id AND version = :version', { id: app.id, version: app.version })
      .setParameters(change.params ?? {})
      .execute();
    const current = await this.repo.findOneByOrFail({ id: app.id });
    if (res.affected !== 1) return { ok: false, current };
    // Typing into a draft is not an event worth a line in the trail; everything else is.
    if (change.action !== 'draft') await this.audit(app.id, change.action, from, to, change.actorOpenId, change.reason ?? null);
    // The 台账 follows every submitted application (drafts are private and have no code yet).
    if (to !== '草稿') await markLedger(this.repo.manager, app.tenantKey, 'application', app.id, this.now());
    return { ok: true, app: current, from };
  }

  protected async audit(applicationId: number, action: string, from: string | null, to: string, actorOpenId: string, reason: string | null): Promise<void> {
    await this.events.insert({ applicationId, action, fromStatus: from, toStatus: to, actorOpenId, reason, at: this.now() });
  }
}
