import { In, IsNull, Repository } from 'typeorm';
import { industryLabel } from '../domain/industries';
import { stringListOf } from '../domain/json-lists';
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

/** What an edit came to (ExpertService.update). */
export type ExpertUpdate =
  | { outcome: 'updated'; expert: Expert }
  /** Deleted meanwhile, or never there. */
  | { outcome: 'gone' }
  /** Changed since the admin opened the form (or this very edit, replayed): nothing done. */
  | { outcome: 'stale'; expert: Expert }
  /** Another expert already has this name and organisation: nothing done. */
  | { outcome: 'duplicate'; other: Expert };

/** What `专家` is narrowed to: a field (industry value) and/or text in the name or organisation. */
export interface ExpertFilter {
  field?: string;
  text?: string;
}

/** One page of experts (0-based `page`, clamped to the pages there are). */
export interface ExpertPage {
  experts: Expert[];
  total: number;
  page: number;
  pages: number;
}

/**
 * Chinese names in pinyin order (阿明, 陈晨, 李四, 王五, 张三…): ICU's zh collation, which Node
 * ships in full (full-icu, the default build since Node 13). Then by organisation, then by id.
 */
const PINYIN = new Intl.Collator('zh-CN');
export function byPinyin(a: Expert, b: Expert): number {
  return PINYIN.compare(a.name, b.name) || PINYIN.compare(a.organisation, b.organisation) || a.id - b.id;
}

/** Text as compared when searching: spaces dropped, Latin letters in lower case. */
export function searchKey(text: string): string {
  // Stryker disable next-line Regex: a global replace of each space by '' drops a run of spaces just as one replace of the run does
  return text.replace(/[\s\u3000\u00a0]+/g, '').toLowerCase();
}

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

  /** Every expert, optionally only those covering `field`, by name in pinyin order. */
  async list(tenantKey: string, field?: string): Promise<Expert[]> {
    const all = await this.repo.find({ where: { tenantKey, deletedAt: IsNull() } });
    all.sort(byPinyin);
    return field ? all.filter((e) => fieldsOf(e).includes(field)) : all;
  }

  /**
   * The experts that match `filter`, in pinyin order: covering the field, and with the text in
   * their name or organisation. (Sorted here, not in SQL: neither SQLite nor a default
   * PostgreSQL collation orders Chinese by pinyin; the pool is hundreds, not millions.)
   */
  async find(tenantKey: string, filter: ExpertFilter = {}): Promise<Expert[]> {
    const all = await this.list(tenantKey, filter.field);
    const key = filter.text ? searchKey(filter.text) : '';
    return key ? all.filter((e) => searchKey(e.name).includes(key) || searchKey(e.organisation).includes(key)) : all;
  }

  /** Page `page` (0-based; clamped) of `size` experts that match `filter`, with the total. */
  async page(tenantKey: string, filter: ExpertFilter, page: number, size: number): Promise<ExpertPage> {
    const all = await this.find(tenantKey, filter);
    const pages = Math.max(1, Math.ceil(all.length / size));
    const at = Math.min(Math.max(0, Math.floor(Number.isFinite(page) ? page : 0)), pages - 1);
    return { experts: all.slice(at * size, (at + 1) * size), total: all.length, page: at, pages };
  }

  /**
   * An admin's edit, conditional on the version (updatedAt) the form was opened at: a stale or
   * replayed form changes nothing. Name and organisation stay unique among the tenant's experts.
   */
  async update(tenantKey: string, id: number, input: ExpertInput, seenVersion: number): Promise<ExpertUpdate> {
    const expert = await this.get(tenantKey, id);
    if (!expert || expert.deletedAt !== null) return { outcome: 'gone' };
    if (expert.updatedAt !== seenVersion) return { outcome: 'stale', expert };
    const other = await this.repo.findOneBy({ tenantKey, name: input.name, organisation: input.organisation });
    if (other && other.id !== id) return { outcome: 'duplicate', other };
    // Always a new version, even within the same millisecond (a second edit must see it changed).
    const updatedAt = Math.max(this.now(), seenVersion + 1);
    const values = { name: input.name, organisation: input.organisation, fields: JSON.stringify(input.fields), contact: input.contact, openId: input.openId, updatedAt };
    try {
      const res = await this.repo.update({ tenantKey, id, updatedAt: seenVersion, deletedAt: IsNull() }, values);
      if (!res.affected) return this.update(tenantKey, id, input, seenVersion);
    } catch (err) {
      // Another expert took this name and organisation at the same moment.
      if (!isUniqueViolation(err)) throw err;
      const taken = await this.repo.findOneBy({ tenantKey, name: input.name, organisation: input.organisation });
      if (taken && taken.id !== id) return { outcome: 'duplicate', other: taken };
      throw err;
    }
    return { outcome: 'updated', expert: await this.repo.findOneByOrFail({ tenantKey, id }) };
  }

  /** The experts among `ids` that still exist (not deleted, this tenant's), in the order of `ids`. */
  async byIds(tenantKey: string, ids: readonly number[]): Promise<Expert[]> {
    // Stryker disable next-line EqualityOperator: ids start at 1, so an id of 0 let through matches no row either
    const valid = ids.filter((id) => Number.isSafeInteger(id) && id > 0);
    const found = await this.repo.find({ where: { tenantKey, id: In(valid), deletedAt: IsNull() } });
    return valid.map((id) => found.find((e) => e.id === id)).filter((e): e is Expert => e !== undefined);
  }

  /**
   * Experts whose name, organisation or field (its value or label) contains `text`, by name: for
   * pickers that cannot list every expert (an activity's team). Empty text: every expert.
   */
  async matching(tenantKey: string, text: string): Promise<Expert[]> {
    const all = await this.list(tenantKey);
    // Every text includes '': empty text keeps every expert.
    const q = text.trim().toLowerCase();
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
    // Stryker disable next-line EqualityOperator: a count is never negative, so <= 0 is the same test
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
  return stringListOf(expert.fields);
}
