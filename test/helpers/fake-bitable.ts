import type { RecordedCall, ScriptedFailure } from './fake-feishu';

/**
 * The Bitable (多维表格) part of the fake Open API (FakeFeishu routes /open-apis/bitable/ here
 * after the token check): tables, fields and records of the Bases a test creates, stored so
 * that tests assert on what the Base holds. Strict where Bitable is, following the bitable-v1
 * reference (FEISHU.md "Bitable records"): field types and their properties, a primary field
 * first, unique field names; a record's fields must exist and each value must fit its field's
 * type (text and single select: string; number: number; date: ms number; checkbox: boolean;
 * null clears); `client_token` must be a UUIDv4, and the same token again returns the record
 * the first create made. Two writes to one table at once are refused (1254291), which Bitable
 * documents as a failure, and counted as a violation: the 台账 writes one at a time.
 */

export interface FakeField {
  field_id: string;
  field_name: string;
  type: number;
  property?: Record<string, any>;
  is_primary: boolean;
}

export interface FakeTable {
  table_id: string;
  name: string;
  fields: FakeField[];
  records: Map<string, Record<string, unknown>>;
}

export interface BitableFailure extends ScriptedFailure {
  /** Store the write, then answer with the failure (the answer is lost). */
  afterApplying?: boolean;
}

const FIELD_TYPES = new Set([1, 2, 3, 4, 5, 7, 11, 13, 15, 17, 18, 20, 21, 22, 23, 1001, 1002, 1003, 1004, 1005]);
const PRIMARY_TYPES = new Set([1, 2, 5, 13, 15, 20, 22, 1005]);
const NUMBER_FORMATS = new Set(['0', '0.0', '0.00', '0.000', '0.0000', '1,000', '1,000.00', '%', '0%', '0.00%']);
const DATE_FORMATS = new Set(['yyyy/MM/dd', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd HH:mm', 'MM-dd', 'MM/dd/yyyy', 'dd/MM/yyyy', 'yyyy-MM-dd']);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const CODE_WRONG_REQUEST = 1254001;
export const CODE_BASE_NOT_FOUND = 1254040;
export const CODE_TABLE_NOT_FOUND = 1254041;
export const CODE_RECORD_NOT_FOUND = 1254043;
export const CODE_FIELD_NAME_NOT_FOUND = 1254045;
export const CODE_FIELD_NAME_DUPLICATED = 1254014;
export const CODE_WRITE_CONFLICT = 1254291;
export const CODE_PERMISSION = 1254302;

type Send = (status: number, payload: unknown, headers?: Record<string, string>) => void;

export class FakeBitable {
  /** Bases by app_token; a test adds the one it configures. */
  readonly bases = new Map<string, FakeTable[]>();
  /** Failures for the next record writes (create, update), in order. */
  readonly writeFailures: BitableFailure[] = [];
  /** Refuse table and field creation (the app may edit records but not the structure). */
  denyStructure = false;
  /** Record creates that came with a client_token already used (each returned the first record). */
  readonly reusedClientTokens: string[] = [];
  private readonly byClientToken = new Map<string, { tableId: string; recordId: string }>();
  private readonly writing = new Set<string>();
  /** Fields deleted by hand: a write naming one is refused without counting as the bot's mistake. */
  private readonly deletedFields = new Set<string>();
  private counter = 0;

  constructor(private readonly violations: string[]) {}

  addBase(appToken: string, tables: FakeTable[] = []): void {
    this.bases.set(appToken, tables);
  }

  table(appToken: string, name: string): FakeTable | undefined {
    return this.bases.get(appToken)?.find((t) => t.name === name);
  }

  /** The records of a table, as their field values. */
  records(appToken: string, name: string): Array<Record<string, unknown>> {
    return [...(this.table(appToken, name)?.records.values() ?? [])];
  }

  async handle(call: RecordedCall, send: Send): Promise<void> {
    const invalid = (reason: string, code = CODE_WRONG_REQUEST) => {
      this.violations.push(`${call.method} ${call.path}: ${reason}`);
      return send(400, { code, msg: `invalid request: ${reason}` });
    };
    const m = /^\/open-apis\/bitable\/v1\/apps\/([^/]+)\/tables(?:\/([^/]+)\/(fields|records)(?:\/([^/]+))?)?$/.exec(call.path);
    if (!m) return send(404, { code: 404, msg: 'not found' });
    const [, appToken, tableId, kind, recordId] = m;
    const base = this.bases.get(appToken);
    if (!base) return send(404, { code: CODE_BASE_NOT_FOUND, msg: 'BaseTokenNotFound' });
    if (!tableId) {
      if (call.method === 'GET') return send(200, { code: 0, msg: 'success', data: { has_more: false, total: base.length, items: base.map((t) => ({ table_id: t.table_id, name: t.name, revision: 1 })) } });
      if (call.method !== 'POST') return invalid(`${call.method} on tables`);
      if (this.denyStructure) return send(403, { code: CODE_PERMISSION, msg: 'RolePermNotAllow' });
      const spec = call.body?.table;
      if (!spec || typeof spec.name !== 'string' || spec.name.trim() === '' || [...spec.name].length > 100) return invalid('table.name must be 1–100 characters');
      if (base.some((t) => t.name === spec.name)) return invalid(`a table named '${spec.name}' exists`, 1254013);
      const fields: FakeField[] = [];
      for (const [i, f] of (Array.isArray(spec.fields) ? spec.fields : []).entries()) {
        const problem = this.checkField(f, fields, i === 0);
        if (problem) return invalid(problem);
        fields.push(this.newField(f, i === 0));
      }
      if (fields.length === 0) fields.push(this.newField({ field_name: '多行文本', type: 1 }, true));
      const table: FakeTable = { table_id: `tbl${String(++this.counter).padStart(13, '0')}`, name: spec.name, fields, records: new Map() };
      base.push(table);
      return send(200, { code: 0, msg: 'success', data: { table_id: table.table_id, default_view_id: `vew${this.counter}`, field_id_list: fields.map((f) => f.field_id) } });
    }
    const table = base.find((t) => t.table_id === tableId);
    if (!table) return send(404, { code: CODE_TABLE_NOT_FOUND, msg: 'TableIdNotFound' });
    if (kind === 'fields') {
      if (call.method === 'GET') return send(200, { code: 0, msg: 'success', data: { has_more: false, total: table.fields.length, items: table.fields.map((f) => ({ ...f })) } });
      if (call.method !== 'POST' || recordId) return invalid(`${call.method} on fields`);
      if (this.denyStructure) return send(403, { code: CODE_PERMISSION, msg: 'RolePermNotAllow' });
      if (table.fields.some((f) => f.field_name === call.body?.field_name)) return send(400, { code: CODE_FIELD_NAME_DUPLICATED, msg: 'FieldNameDuplicated' });
      const problem = this.checkField(call.body, table.fields, false);
      if (problem) return invalid(problem);
      const field = this.newField(call.body, false);
      table.fields.push(field);
      return send(200, { code: 0, msg: 'success', data: { field } });
    }
    // Records: create (POST …/records) and update (PUT …/records/:id).
    const create = call.method === 'POST' && !recordId;
    const update = call.method === 'PUT' && recordId;
    if (!create && !update) return send(404, { code: 404, msg: 'not found' });
    if (this.writing.has(table.table_id)) {
      this.violations.push(`${call.method} ${call.path}: two writes to one table at once`);
      return send(400, { code: CODE_WRITE_CONFLICT, msg: 'Write conflict' });
    }
    this.writing.add(table.table_id);
    try {
      // A write takes a moment, during which a second write to the table would collide.
      await new Promise((r) => setTimeout(r, 5));
      const token = call.query.client_token;
      if (token !== undefined && !UUID_V4.test(token)) return invalid(`client_token '${token}' is not a UUIDv4`);
      const fields = call.body?.fields;
      if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return invalid('fields must be an object');
      for (const [name, value] of Object.entries(fields)) {
        const field = table.fields.find((f) => f.field_name === name);
        if (!field && this.deletedFields.has(`${table.table_id}/${name}`)) return send(400, { code: CODE_FIELD_NAME_NOT_FOUND, msg: 'FieldNameNotFound' });
        if (!field) return invalid(`no field named '${name}' in '${table.name}'`, CODE_FIELD_NAME_NOT_FOUND);
        const problem = checkValue(field, value);
        if (problem) return invalid(`field '${name}': ${problem}`);
      }
      const failure = this.writeFailures.shift();
      if (failure && !failure.afterApplying) return send(failure.status, failure.body ?? { code: 1254000, msg: 'internal error' });
      let id: string;
      if (create) {
        const seen = token ? this.byClientToken.get(token) : undefined;
        if (seen && seen.tableId === table.table_id && table.records.has(seen.recordId)) {
          this.reusedClientTokens.push(token!);
          id = seen.recordId;
        } else {
          id = `rec${String(++this.counter).padStart(10, '0')}`;
          table.records.set(id, { ...fields });
          if (token) this.byClientToken.set(token, { tableId: table.table_id, recordId: id });
        }
      } else {
        const existing = table.records.get(recordId);
        if (!existing) return send(200, { code: CODE_RECORD_NOT_FOUND, msg: 'RecordIdNotFound' });
        id = recordId;
        table.records.set(id, { ...existing, ...fields });
      }
      for (const [name, value] of Object.entries(fields)) this.addOption(table, name, value);
      if (failure) return send(failure.status, failure.body ?? { code: 1254000, msg: 'internal error' });
      return send(200, { code: 0, msg: 'success', data: { record: { record_id: id, fields: table.records.get(id) } } });
    } finally {
      this.writing.delete(table.table_id);
    }
  }

  /** Deletes a record as a person would in the Base. */
  deleteRecord(appToken: string, tableName: string, recordId: string): void {
    this.table(appToken, tableName)?.records.delete(recordId);
  }

  /** Deletes a table as a person would in the Base (its id is then unknown: TableIdNotFound). */
  deleteTable(appToken: string, tableName: string): void {
    const base = this.bases.get(appToken) ?? [];
    const i = base.findIndex((t) => t.name === tableName);
    if (i >= 0) base.splice(i, 1);
  }

  /** Deletes a field as a person would in the Base, values and all. */
  deleteField(appToken: string, tableName: string, fieldName: string): void {
    const table = this.table(appToken, tableName);
    if (!table) return;
    table.fields = table.fields.filter((f) => f.field_name !== fieldName);
    for (const values of table.records.values()) delete values[fieldName];
    this.deletedFields.add(`${table.table_id}/${fieldName}`);
  }

  private checkField(f: any, existing: FakeField[], primary: boolean): string | undefined {
    if (!f || typeof f.field_name !== 'string' || f.field_name.trim() === '') return 'a field needs a field_name';
    if (existing.some((x) => x.field_name === f.field_name)) return `field name '${f.field_name}' twice`;
    if (!FIELD_TYPES.has(f.type)) return `field '${f.field_name}': type ${String(f.type)}`;
    if (primary && !PRIMARY_TYPES.has(f.type)) return `field '${f.field_name}': type ${f.type} cannot be the primary field`;
    const p = f.property;
    if (p !== undefined && (typeof p !== 'object' || p === null)) return `field '${f.field_name}': property must be an object`;
    if (f.type === 2 && p?.formatter !== undefined && !NUMBER_FORMATS.has(p.formatter)) return `field '${f.field_name}': number formatter '${p.formatter}'`;
    if (f.type === 5 && p?.date_formatter !== undefined && !DATE_FORMATS.has(p.date_formatter)) return `field '${f.field_name}': date_formatter '${p.date_formatter}'`;
    if (f.type === 5 && p?.auto_fill !== undefined && typeof p.auto_fill !== 'boolean') return `field '${f.field_name}': auto_fill`;
    if (f.type !== 2 && f.type !== 5 && p !== undefined && (p.formatter !== undefined || p.date_formatter !== undefined)) return `field '${f.field_name}': a format on type ${f.type}`;
    return undefined;
  }

  private newField(f: any, primary: boolean): FakeField {
    return { field_id: `fld${String(++this.counter).padStart(10, '0')}`, field_name: f.field_name, type: f.type, property: f.type === 3 ? { options: [], ...(f.property ?? {}) } : f.property, is_primary: primary };
  }

  /** A single select takes a new option by being written (Bitable adds it). */
  private addOption(table: FakeTable, name: string, value: unknown): void {
    const field = table.fields.find((f) => f.field_name === name);
    if (field?.type !== 3 || typeof value !== 'string') return;
    const options: Array<{ name: string }> = field.property!.options;
    if (!options.some((o) => o.name === value)) options.push({ name: value });
  }
}

function checkValue(field: FakeField, value: unknown): string | undefined {
  if (value === null) return undefined;
  switch (field.type) {
    case 1:
      return typeof value === 'string' ? undefined : `a text field takes a string, not ${JSON.stringify(value)}`;
    case 2:
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `a number field takes a number, not ${JSON.stringify(value)}`;
    case 3:
      return typeof value === 'string' && value !== '' ? undefined : `a single select takes an option's name, not ${JSON.stringify(value)}`;
    case 5:
      return typeof value === 'number' && Number.isInteger(value) && value > 0 ? undefined : `a date field takes a timestamp in ms, not ${JSON.stringify(value)}`;
    case 7:
      return typeof value === 'boolean' ? undefined : `a checkbox takes true or false, not ${JSON.stringify(value)}`;
    default:
      return undefined;
  }
}
