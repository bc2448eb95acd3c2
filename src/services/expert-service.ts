import { Repository } from 'typeorm';
import type { Db } from '../db/unit-of-work';
import { isUniqueViolation } from '../db/data-source';
import { Expert } from '../db/entities/expert.entity';

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

  constructor(db: Db, private readonly now: () => number = Date.now) {
    this.repo = db.getRepository(Expert);
  }

  get(tenantKey: string, id: number): Promise<Expert | null> {
    if (!Number.isSafeInteger(id)) return Promise.resolve(null);
    return this.repo.findOneBy({ tenantKey, id });
  }

  /** Every expert, optionally only those covering `field`, by name. */
  async list(tenantKey: string, field?: string): Promise<Expert[]> {
    const all = await this.repo.find({ where: { tenantKey }, order: { name: 'ASC', id: 'ASC' } });
    return field ? all.filter((e) => fieldsOf(e).includes(field)) : all;
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
