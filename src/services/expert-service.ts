import { In, IsNull, Repository } from 'typeorm';
import { industryLabel } from '../domain/industries';
import type { Db } from '../db/unit-of-work';
import { isUniqueViolation } from '../db/data-source';
import { Expert } from '../db/entities/expert.entity';
import { Need } from '../db/entities/need.entity';

/** How a need shows an expert whose personal data was deleted. */
export const DELETED_EXPERT_NAME = '（已删除的专家）';

export type ExpertRemoval =
  | { outcome: 'deleted' | 'masked'; expert: Expert; needs: number }
  /** Already deleted (a replayed confirmation), or never there. */
  | { outcome: 'gone' }
  /** Changed since the admin saw it: nothing done. */
  | { outcome: 'stale'; expert: Expert };

export interface ExpertInput {
  name: string;
  organisation: string;
  /** Industry values. */
  fields: string[];
  contact: string;
  openId: string | null;
}

/** Experts by tenant: one per (name, organisation); adding a known one updates it. */
export class ExpertService {
  private readonly repo: Repository<Expert>;
  private readonly needs: Repository<Need>;

  constructor(db: Db, private readonly now: () => number = Date.now) {
    this.repo = db.getRepository(Expert);
    this.needs = db.getRepository(Need);
  }

  get(tenantKey: string, id: number): Promise<Expert | null> {
    if (!Number.isSafeInteger(id)) return Promise.resolve(null);
    return this.repo.findOneBy({ tenantKey, id });
  }

  /** Every expert, optionally only those covering `field`, by name. */
  async list(tenantKey: string, field?: string): Promise<Expert[]> {
    const all = await this.repo.find({ where: { tenantKey, deletedAt: IsNull() }, order: { name: 'ASC', id: 'ASC' } });
    return field ? all.filter((e) => fieldsOf(e).includes(field)) : all;
  }

  /** The experts among `ids` that still exist (not deleted, this tenant's), in the order of `ids`. */
  async byIds(tenantKey: string, ids: readonly number[]): Promise<Expert[]> {
    const valid = ids.filter((id) => Number.isSafeInteger(id) && id > 0);
    if (valid.length === 0) return [];
    const found = await this.repo.find({ where: { tenantKey, id: In(valid), deletedAt: IsNull() } });
    return valid.map((id) => found.find((e) => e.id === id)).filter((e): e is Expert => e !== undefined);
  }

  /**
   * Experts whose name, organisation or field (its value or label) contains `text`, by name: for
   * pickers that cannot list every expert (an activity's team). Empty text: every expert.
   */
  async matching(tenantKey: string, text: string): Promise<Expert[]> {
    const all = await this.list(tenantKey);
    const q = text.trim().toLowerCase();
    if (!q) return all;
    return all.filter((e) => [e.name, e.organisation, ...fieldsOf(e), ...fieldsOf(e).map((f) => industryLabel(f))].some((t) => t.toLowerCase().includes(q)));
  }

  /** How many needs (of any status) name the expert. */
  needCount(tenantKey: string, id: number): Promise<number> {
    return this.needs.countBy({ tenantKey, expertId: id });
  }

  /**
   * Deletes an expert's personal data on request: the row goes, or, when needs name the expert,
   * it stays emptied (name shown as DELETED_EXPERT_NAME) so those needs' history still reads.
   * Conditional on the version (updatedAt) the admin saw; a second request finds it gone.
   */
  async remove(tenantKey: string, id: number, seenVersion: number): Promise<ExpertRemoval> {
    const expert = await this.get(tenantKey, id);
    if (!expert || expert.deletedAt !== null) return { outcome: 'gone' };
    if (expert.updatedAt !== seenVersion) return { outcome: 'stale', expert };
    const needs = await this.needCount(tenantKey, id);
    const where = { tenantKey, id, updatedAt: seenVersion, deletedAt: IsNull() };
    if (needs === 0) {
      const res = await this.repo.delete(where);
      return res.affected ? { outcome: 'deleted', expert, needs } : this.remove(tenantKey, id, seenVersion);
    }
    const now = this.now();
    // The organisation is made unique so that emptied rows never collide on (name, organisation).
    const res = await this.repo.update(where, { name: DELETED_EXPERT_NAME, organisation: `deleted:${id}`, fields: '[]', contact: '', openId: null, deletedAt: now, updatedAt: now });
    return res.affected ? { outcome: 'masked', expert, needs } : this.remove(tenantKey, id, seenVersion);
  }

  async upsert(tenantKey: string, input: ExpertInput, addedBy: string): Promise<{ expert: Expert; added: boolean }> {
    const now = this.now();
    const values = { fields: JSON.stringify(input.fields), contact: input.contact, openId: input.openId, updatedAt: now };
    const existing = await this.repo.findOneBy({ tenantKey, name: input.name, organisation: input.organisation });
    if (existing) {
      await this.repo.update({ id: existing.id }, values);
      return { expert: await this.repo.findOneByOrFail({ id: existing.id }), added: false };
    }
    try {
      const res = await this.repo.insert({ tenantKey, name: input.name, organisation: input.organisation, ...values, addedBy, createdAt: now });
      return { expert: await this.repo.findOneByOrFail({ id: res.identifiers[0].id }), added: true };
    } catch (err) {
      // Added twice at once (a double click, two imports): the other insert won; ours updates it.
      if (!isUniqueViolation(err)) throw err;
      return this.upsert(tenantKey, input, addedBy);
    }
  }
}

export function fieldsOf(expert: Expert): string[] {
  try {
    const parsed = JSON.parse(expert.fields);
    return Array.isArray(parsed) ? parsed.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}
