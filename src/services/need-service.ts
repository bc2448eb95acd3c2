import { In, Repository } from 'typeorm';
import type { Db } from '../db/unit-of-work';
import { insertNumbered } from '../db/numbered-insert';
import { NeedEvent } from '../db/entities/need-event.entity';
import { Need } from '../db/entities/need.entity';
import { markLedger } from './ledger/ledger-marks';

/**
 * Enterprise needs in the database. A need is created already numbered (XQ<year>-NNNN, see
 * insertNumbered), and every later change is one UPDATE conditional on (id, version).
 */

export interface NewNeed {
  enterpriseName: string;
  region: string;
  industry: string;
  needType: string;
  description: string;
  contactName: string;
  mobile: string;
}

export type NeedChange = { ok: true; need: Need; from: string } | { ok: false; current: Need };

export interface NeedFilter {
  tenantKey: string;
  region?: string;
  filerOpenId?: string;
  statuses?: string[];
}

export class NeedService {
  private readonly repo: Repository<Need>;
  private readonly events: Repository<NeedEvent>;

  constructor(db: Db, private readonly now: () => number = Date.now) {
    this.repo = db.getRepository(Need);
    this.events = db.getRepository(NeedEvent);
  }

  get(tenantKey: string, id: number): Promise<Need | null> {
    if (!Number.isSafeInteger(id)) return Promise.resolve(null);
    return this.repo.findOneBy({ tenantKey, id });
  }

  findByCode(tenantKey: string, year: number, seq: number): Promise<Need | null> {
    return this.repo.findOneBy({ tenantKey, codeYear: year, codeSeq: seq });
  }

  findByFormToken(tenantKey: string, formToken: string): Promise<Need | null> {
    return this.repo.findOneBy({ tenantKey, formToken });
  }

  history(needId: number): Promise<NeedEvent[]> {
    // Stryker disable next-line StringLiteral: TypeORM reads any direction but 'DESC'/'desc'/-1 as ASC, so '' for 'ASC' orders the same
    return this.events.find({ where: { needId }, order: { at: 'ASC', id: 'ASC' } });
  }

  linkedTo(applicationId: number): Promise<Need[]> {
    // Stryker disable next-line StringLiteral: TypeORM reads any direction but 'DESC'/'desc'/-1 as ASC, so '' for 'ASC' orders the same
    return this.repo.find({ where: { applicationId }, order: { id: 'ASC' } });
  }

  /**
   * Files a need from a card. The same card submitted twice (a double click) finds the first
   * one: `created` is false then.
   */
  async create(input: { tenantKey: string; filerOpenId: string; formToken: string; year: number; need: NewNeed }): Promise<{ need: Need; created: boolean }> {
    const now = this.now();
    const { row, created } = await insertNumbered({
      repo: this.repo,
      table: 'needs',
      year: input.year,
      existing: () => this.findByFormToken(input.tenantKey, input.formToken),
      values: {
        tenantKey: input.tenantKey,
        formToken: input.formToken,
        filerOpenId: input.filerOpenId,
        status: '待对接',
        version: 1,
        ...input.need,
        expertId: null,
        matchNote: null,
        applicationId: null,
        createdAt: now,
        updatedAt: now,
      },
    });
    if (created) {
      await this.audit(row.id, 'file', null, row.status, input.filerOpenId, null);
      await this.markLedger(row);
    }
    return { need: row, created };
  }

  /** A status change (with the note, and for a match the expert), if nobody changed it meanwhile. */
  async transition(need: Need, action: string, to: string, actorOpenId: string, note: string | null, values: Partial<Need> = {}): Promise<NeedChange> {
    const res = await this.repo
      .createQueryBuilder()
      .update()
      .set({ ...values, status: to, updatedAt: this.now(), version: () => 'version + 1' } as any)
      .where('id = :id AND version = :version', { id: need.id, version: need.version })
      .execute();
    const current = await this.repo.findOneByOrFail({ id: need.id });
    if (res.affected !== 1) return { ok: false, current };
    await this.audit(need.id, action, need.status, to, actorOpenId, note);
    await this.markLedger(current, need.applicationId);
    return { ok: true, need: current, from: need.status };
  }

  async list(filter: NeedFilter, page: number, pageSize: number): Promise<{ items: Need[]; total: number; counts: Record<string, number> }> {
    const base = () => {
      const q = this.repo.createQueryBuilder('n').where('n.tenant_key = :tenantKey', { tenantKey: filter.tenantKey });
      if (filter.region) q.andWhere('n.region = :region', { region: filter.region });
      if (filter.filerOpenId) q.andWhere('n.filer_open_id = :filer', { filer: filter.filerOpenId });
      return q;
    };
    const countRows: Array<{ status: string; n: string | number }> = await base().select('n.status', 'status').addSelect('COUNT(*)', 'n').groupBy('n.status').getRawMany();
    const counts = Object.fromEntries(countRows.map((r) => [r.status, Number(r.n)]));
    const q = base();
    if (filter.statuses) q.andWhere('n.status IN (:...statuses)', { statuses: filter.statuses });
    const total = await q.getCount();
    const items = await q.orderBy('n.created_at', 'DESC').addOrderBy('n.id', 'DESC').skip(page * pageSize).take(pageSize).getMany();
    return { items, total, counts };
  }

  /** For the digest: needs open (待对接) and matched (已对接, 跟进中), per tenant. */
  async openAndMatched(tenantKey: string, region?: string): Promise<{ open: number; matched: number }> {
    const where = { tenantKey, ...(region ? { region } : {}) };
    const open = await this.repo.countBy({ ...where, status: '待对接' });
    const matched = await this.repo.countBy({ ...where, status: In(['已对接', '跟进中']) });
    return { open, matched };
  }

  /** The need's 台账 record, and its application's (which lists the experts of its linked needs). */
  private async markLedger(need: Need, previousApplicationId: number | null = null): Promise<void> {
    const now = this.now();
    await markLedger(this.repo.manager, need.tenantKey, 'need', need.id, now);
    for (const applicationId of new Set([need.applicationId, previousApplicationId])) {
      if (applicationId !== null) await markLedger(this.repo.manager, need.tenantKey, 'application', applicationId, now);
    }
  }

  private async audit(needId: number, action: string, from: string | null, to: string, actorOpenId: string, note: string | null): Promise<void> {
    await this.events.insert({ needId, action, fromStatus: from, toStatus: to, actorOpenId, note, at: this.now() });
  }
}
