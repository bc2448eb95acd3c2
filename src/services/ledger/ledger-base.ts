import type { LedgerEntity } from '../../db/entities/ledger-entry.entity';
import type { Logger } from '../../logger';
import { type BitableClient, FIELD_TYPE } from '../../platform/feishu/bitable-client';
import { PlatformError } from '../../platform/port';
import { LEDGER_TABLES, type LedgerTable } from './ledger-tables';

/**
 * The 台账's Base as the writer finds it: its tables and fields, made where missing. What
 * cannot be found or made is a problem in Chinese (logged, and shown by `台账`); a field of the
 * wrong type is left out of the writes.
 */

export interface ReadyTable {
  spec: LedgerTable;
  tableId: string;
  /** Fields that exist with the right type: only these are written. */
  writable: ReadonlySet<string>;
}

export interface PreparedBase {
  tables: Map<LedgerEntity, ReadyTable> | undefined;
  problems: string[];
}

const TYPE_WORDS: Record<number, string> = { 1: '文本', 2: '数字', 3: '单选', 4: '多选', 5: '日期', 7: '复选框' };

/**
 * Finds the three tables (creating what is missing) and their fields (adding what is
 * missing), one Bitable call per `slot()`. `tables` is undefined when the Base cannot be read.
 */
export async function prepareBase(client: BitableClient, appToken: string, slot: () => Promise<void>, logger: Logger): Promise<PreparedBase> {
  const problems: string[] = [];
  const ready = new Map<LedgerEntity, ReadyTable>();
  let existing: Array<{ tableId: string; name: string }>;
  try {
    await slot();
    existing = await client.listTables(appToken);
  } catch (err) {
    const cannotRead = [`无法读取多维表格（${appToken}）的数据表：${describe(err)}。请确认应用已开通 bitable:app 权限，并已被添加为该多维表格的协作者（可编辑）。`];
    logger.warn({ problems: cannotRead }, 'ledger: the Base cannot be read');
    return { tables: undefined, problems: cannotRead };
  }
  for (const spec of LEDGER_TABLES) {
    const found = existing.find((t) => t.name === spec.name);
    if (!found) {
      try {
        await slot();
        const tableId = await client.createTable(appToken, spec.name, spec.fields);
        logger.info({ table: spec.name, tableId }, 'ledger: table created');
        ready.set(spec.entity, { spec, tableId, writable: new Set(spec.fields.map((f) => f.name)) });
      } catch (err) {
        problems.push(`缺少数据表「${spec.name}」，创建失败：${describe(err)}`);
      }
      continue;
    }
    try {
      await slot();
      const fields = await client.listFields(appToken, found.tableId);
      const writable = new Set<string>();
      for (const f of spec.fields) {
        const have = fields.find((x) => x.name === f.name);
        if (have && have.type === FIELD_TYPE[f.type]) {
          writable.add(f.name);
        } else if (have) {
          problems.push(`数据表「${spec.name}」的字段「${f.name}」类型为${TYPE_WORDS[have.type] ?? have.type}，应为${TYPE_WORDS[FIELD_TYPE[f.type]]}（该字段暂不写入，请修改类型或删除后由机器人重建）`);
        } else {
          try {
            await slot();
            await client.createField(appToken, found.tableId, f);
            writable.add(f.name);
            logger.info({ table: spec.name, field: f.name }, 'ledger: field added');
          } catch (err) {
            problems.push(`数据表「${spec.name}」缺少字段「${f.name}」（${TYPE_WORDS[FIELD_TYPE[f.type]]}），添加失败：${describe(err)}`);
          }
        }
      }
      ready.set(spec.entity, { spec, tableId: found.tableId, writable });
    } catch (err) {
      problems.push(`无法读取数据表「${spec.name}」的字段：${describe(err)}`);
    }
  }
  if (problems.length) logger.warn({ problems }, 'ledger: the Base is not as the 台账 needs it');
  else logger.info({ tables: [...ready.values()].map((t) => `${t.spec.name}=${t.tableId}`) }, 'ledger: tables ready');
  return { tables: ready, problems };
}

function describe(err: unknown): string {
  if (err instanceof PlatformError) {
    const { code, status } = err.info;
    if (code === 1254302 || code === 91403 || status === 403) return `没有权限（${code ?? status}）`;
    if (code === 1254040) return `找不到该多维表格（${code}），请检查 FEISHU_BITABLE_APP_TOKEN`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
