import { AsyncLocalStorage } from 'node:async_hooks';
import { EventSubscriber, type EntitySubscriberInterface, type InsertEvent } from 'typeorm';

/**
 * Where a record came from (issue 12): the platform ('feishu' or 'dingtalk') and that platform's
 * tenant (Feishu's tenant_key, DingTalk's corpId). A record's `tenant_key` names the books it is
 * kept in, which for DingTalk may be the Feishu tenant's (DINGTALK_TENANT_KEY: one centre across
 * both platforms); `origin_platform` / `origin_tenant` keep where it was actually made.
 *
 * The handlers that make records know nothing of platforms: the DingTalk intake runs its handler
 * inside {@link withOrigin}, and every insert of an entity with these columns is stamped by
 * {@link OriginSubscriber}. Outside any origin (Feishu's events and callbacks, jobs), a record is
 * Feishu's, of its own tenant_key, as every record was before DingTalk.
 */

export interface Origin {
  platform: string;
  tenant: string;
}

const current = new AsyncLocalStorage<Origin>();

export function withOrigin<T>(origin: Origin, fn: () => Promise<T>): Promise<T> {
  return current.run(origin, fn);
}

export function currentOrigin(): Origin | undefined {
  return current.getStore();
}

/** Registered through the data source's `subscribers` (TypeORM builds only decorated subscribers). */
@EventSubscriber()
export class OriginSubscriber implements EntitySubscriberInterface {
  beforeInsert(event: InsertEvent<Record<string, unknown>>): void {
    const entity = event.entity;
    if (!entity || typeof entity !== 'object') return;
    const has = (property: string) => event.metadata.columns.some((c) => c.propertyName === property);
    const origin = currentOrigin();
    if (has('originPlatform') && entity.originPlatform === undefined) entity.originPlatform = origin?.platform ?? 'feishu';
    if (has('originTenant') && entity.originTenant === undefined) {
      entity.originTenant = origin?.tenant ?? (typeof entity.tenantKey === 'string' ? entity.tenantKey : null);
    }
  }
}
