/**
 * A feature group's schema from its Glue table: the only catalog a promoted pipeline keeps
 * (its Glue job writes the partitions; promote created the table, with partition projection,
 * from the plan). Glue names Hive types; training sets speak the catalog's DuckDB type names.
 */
import type { GlueClient } from '@aws-sdk/client-glue';
import { EngineError } from '../../errors.js';
import type { GroupSchema } from '../../retrieval/feature-ref-resolver.js';
import type { FeatureTableRef } from './athena-query-plan.js';

/**
 * The group's columns as the Glue table lists them (partition keys left out), or undefined when
 * there is no such table.
 *
 * @example
 * ```ts
 * await readGlueGroupSchema(glue, { database: 'sluice_user_engagement', table: 'user__engagement' }, 'engagement')
 * // { group: 'engagement', columns: [{ name: 'entity_id', type: 'VARCHAR' }, { name: 'feature_ts', type: 'TIMESTAMP' }, { name: 'clicks_7d', type: 'BIGINT' }, ...] }
 * ```
 * @throws EngineError `GLUE_TABLE_UNREADABLE` when Glue refuses (permissions, throttling), with its error as the cause.
 */
export async function readGlueGroupSchema(glue: GlueClient, ref: FeatureTableRef, group: string): Promise<GroupSchema | undefined> {
  const { GetTableCommand } = await import('@aws-sdk/client-glue');
  let columns: readonly { Name?: string; Type?: string }[];
  try {
    const out = await glue.send(new GetTableCommand({ DatabaseName: ref.database, Name: ref.table }));
    columns = out.Table?.StorageDescriptor?.Columns ?? [];
  } catch (error) {
    if ((error as { name?: string }).name === 'EntityNotFoundException') return undefined;
    throw new EngineError(
      'GLUE_TABLE_UNREADABLE',
      `Could not read the Glue table ${ref.database}.${ref.table} for feature group ${JSON.stringify(group)}: ${(error as Error).message}. ` +
        'The caller needs glue:GetTable on it (and on its database and the catalog).',
      { cause: error },
    );
  }
  return { group, columns: columns.map((c) => ({ name: c.Name ?? '', type: catalogTypeOfHive(c.Type ?? 'string') })) };
}

/**
 * Hive/Glue type → the catalog's DuckDB type name.
 *
 * @example
 * ```ts
 * catalogTypeOfHive('string')        // 'VARCHAR'
 * catalogTypeOfHive('decimal(10,2)') // 'DECIMAL(10,2)'
 * ```
 */
export function catalogTypeOfHive(hiveType: string): string {
  const t = hiveType.trim().toLowerCase();
  const simple: Readonly<Record<string, string>> = {
    string: 'VARCHAR', varchar: 'VARCHAR', char: 'VARCHAR', bigint: 'BIGINT', int: 'INTEGER', integer: 'INTEGER', smallint: 'SMALLINT',
    tinyint: 'TINYINT', double: 'DOUBLE', float: 'FLOAT', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP', date: 'DATE',
  };
  const base = t.replace(/\(.*$/, '');
  if (base === 'decimal') return t.toUpperCase().replace(/\s+/g, '');
  // Anything else (arrays, maps, structs) is carried as text: it is never a sluice feature type.
  return simple[base] ?? 'VARCHAR';
}
