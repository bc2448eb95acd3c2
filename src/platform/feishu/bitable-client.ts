import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../logger';
import { PlatformError } from '../port';
import { classifyFeishuError, fromFeishuCode } from './errors';
import { createLarkClient } from './feishu-platform';

/**
 * The Bitable (多维表格) calls the 台账 needs, through the SDK's `bitable.v1` client (FEISHU.md
 * "Bitable records"): tables and fields of one Base, and record create / update with the
 * `client_token` that makes a repeated create return the first record. Scope `bitable:app`,
 * and the app must be a collaborator with edit rights on the Base.
 */

/** Bitable field types the 台账 uses (Feishu's `type` numbers). */
export const FIELD_TYPE = { text: 1, number: 2, singleSelect: 3, dateTime: 5, checkbox: 7 } as const;
export type FieldTypeName = keyof typeof FIELD_TYPE;

export interface FieldSpec {
  name: string;
  type: FieldTypeName;
  /** Number and date formats, as Bitable's field property wants them. */
  property?: Record<string, unknown>;
}

export interface ExistingField {
  fieldId: string;
  name: string;
  type: number;
}

export type FieldValue = string | number | boolean | null;

/**
 * Answers Bitable gives when it is busy rather than when the request is wrong: too many
 * requests, concurrent writes to one table (1254291, FEISHU.md), data not ready yet.
 */
const BITABLE_RETRYABLE = new Set([1254290, 1254291, 1254607, 1255040]);
/** The record named does not exist (deleted by hand in the Base): write it anew. */
export const CODE_RECORD_NOT_FOUND = 1254043;
/** The table named does not exist (deleted by hand in the Base). */
export const CODE_TABLE_NOT_FOUND = 1254041;
/** A field written does not exist (deleted or renamed by hand in the Base). */
export const CODE_FIELD_NAME_NOT_FOUND = 1254045;

export interface BitableClientOptions {
  appId: string;
  appSecret: string;
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
}

interface Answer {
  code?: number;
  msg?: string;
  data?: any;
}

export class BitableClient {
  private readonly client: lark.Client;

  constructor(opts: BitableClientOptions) {
    this.client = createLarkClient(opts);
  }

  async listTables(appToken: string): Promise<Array<{ tableId: string; name: string }>> {
    const tables: Array<{ tableId: string; name: string }> = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await call(() => this.client.bitable.v1.appTable.list({ path: { app_token: appToken }, params: { page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) } }));
      for (const t of res.data?.items ?? []) if (t.table_id && t.name) tables.push({ tableId: t.table_id, name: t.name });
      if (!res.data?.has_more || !res.data?.page_token) break;
      pageToken = res.data.page_token;
    }
    return tables;
  }

  async createTable(appToken: string, name: string, fields: readonly FieldSpec[]): Promise<string> {
    const res = await call(() =>
      this.client.bitable.v1.appTable.create({
        path: { app_token: appToken },
        data: { table: { name, default_view_name: '全部', fields: fields.map(toFieldBody) as any } },
      }),
    );
    const id = res.data?.table_id;
    if (!id) throw new PlatformError('table create answered without table_id', { retryable: true });
    return id;
  }

  async listFields(appToken: string, tableId: string): Promise<ExistingField[]> {
    const fields: ExistingField[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await call(() =>
        this.client.bitable.v1.appTableField.list({ path: { app_token: appToken, table_id: tableId }, params: { page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) } }),
      );
      for (const f of res.data?.items ?? []) if (f.field_id && f.field_name) fields.push({ fieldId: f.field_id, name: f.field_name, type: Number(f.type) });
      if (!res.data?.has_more || !res.data?.page_token) break;
      pageToken = res.data.page_token;
    }
    return fields;
  }

  async createField(appToken: string, tableId: string, field: FieldSpec): Promise<void> {
    await call(() => this.client.bitable.v1.appTableField.create({ path: { app_token: appToken, table_id: tableId }, data: toFieldBody(field) as any }));
  }

  /** Creates a record; the same `clientToken` again returns the record the first call made. */
  async createRecord(appToken: string, tableId: string, fields: Record<string, FieldValue>, clientToken: string): Promise<string> {
    const res = await call(() =>
      this.client.bitable.v1.appTableRecord.create({
        path: { app_token: appToken, table_id: tableId },
        params: { client_token: clientToken },
        data: { fields: fields as any },
      }),
    );
    const id = res.data?.record?.record_id;
    if (!id) throw new PlatformError('record create answered without record_id', { retryable: true });
    return id;
  }

  /** Replaces the named fields of a record (the others stay as they are; null empties one). */
  async updateRecord(appToken: string, tableId: string, recordId: string, fields: Record<string, FieldValue>): Promise<void> {
    await call(() =>
      this.client.bitable.v1.appTableRecord.update({
        path: { app_token: appToken, table_id: tableId, record_id: recordId },
        data: { fields: fields as any },
      }),
    );
  }
}

function toFieldBody(f: FieldSpec): Record<string, unknown> {
  return { field_name: f.name, type: FIELD_TYPE[f.type], ...(f.property ? { property: f.property } : {}) };
}

/** Runs one SDK call; a reply with code ≠ 0 resolves in the SDK, so it is checked here. */
async function call(fn: () => Promise<unknown>): Promise<Answer> {
  let res: Answer;
  try {
    res = ((await fn()) ?? {}) as Answer;
  } catch (err) {
    throw retryableIfBusy(classifyFeishuError(err));
  }
  if (typeof res.code === 'number' && res.code !== 0) throw retryableIfBusy(fromFeishuCode(res.code, res.msg ?? ''));
  return res;
}

function retryableIfBusy(err: PlatformError): PlatformError {
  if (err.info.code !== undefined && BITABLE_RETRYABLE.has(err.info.code) && !err.info.retryable) {
    return new PlatformError(err.message, { ...err.info, retryable: true });
  }
  return err;
}
