import { Repository } from 'typeorm';
import type { Db } from '../db/unit-of-work';
import { isUniqueViolation } from '../db/data-source';
import { ChatBinding } from '../db/entities/chat-binding.entity';
import type { BindingScope } from '../domain/regions';

export interface BindResult {
  /** The scope the chat was bound to before, if any. */
  previous: string | undefined;
}

/** Which group chat speaks for which 盟市 (or the centre). */
export class BindingService {
  private readonly repo: Repository<ChatBinding>;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
    /** The platform new bindings are recorded for (issue 12): the chat lives there. */
    private readonly platform = 'feishu',
  ) {
    this.repo = db.getRepository(ChatBinding);
  }

  find(tenantKey: string, chatId: string): Promise<ChatBinding | null> {
    return this.repo.findOneBy({ tenantKey, chatId });
  }

  /** The chats bound to a scope, e.g. every group of 包头市, or the centre's group(s). */
  chatsFor(tenantKey: string, scope: BindingScope): Promise<ChatBinding[]> {
    return this.repo.find({ where: { tenantKey, scope }, order: { id: 'ASC' } });
  }

  /** Every bound chat of every tenant, for the weekly digest. */
  all(): Promise<ChatBinding[]> {
    // Stryker disable next-line ObjectLiteral: SQLite reads chat_bindings in rowid order, and id is its INTEGER PRIMARY KEY (the rowid), so no order reads the same there; PostgreSQL gives no order unasked
    return this.repo.find({ order: { id: 'ASC' } });
  }

  /** Removes a chat's binding; the scope it had, or undefined when it had none. */
  async unbind(tenantKey: string, chatId: string): Promise<string | undefined> {
    const existing = await this.find(tenantKey, chatId);
    if (!existing) return undefined;
    const result = await this.repo.delete({ id: existing.id });
    // Two 解绑 at once: only the one that deleted the row reports it.
    return result.affected === 0 ? undefined : existing.scope;
  }

  async bind(tenantKey: string, chatId: string, scope: BindingScope, boundBy: string): Promise<BindResult> {
    const now = this.now();
    const existing = await this.find(tenantKey, chatId);
    if (existing) {
      await this.repo.update({ id: existing.id }, { scope, boundBy, updatedAt: now });
      return { previous: existing.scope };
    }
    try {
      await this.repo.insert({ tenantKey, platform: this.platform, chatId, scope, boundBy, createdAt: now, updatedAt: now });
      return { previous: undefined };
    } catch (err) {
      // Two binds of one chat at once: the other insert won; ours becomes an update.
      if (!isUniqueViolation(err)) throw err;
      return this.bind(tenantKey, chatId, scope, boundBy);
    }
  }
}
