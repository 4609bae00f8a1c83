import type { FromItem, InternalFunction, SqlExpr, SqlType } from './sql-node.js';
import { SqlPrinter } from './sql-printer.js';

/** DuckDB: the embedded local engine. */
export class DuckDbPrinter extends SqlPrinter {
  readonly dialect = 'duckdb' as const;

  protected readonly typeNames: Record<SqlType, string> = {
    string: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP', date: 'DATE',
  };

  protected readonly functions: Record<InternalFunction, (a: string[]) => string> = {
    epoch_ms: ([t]) => `epoch_ms(${t})`,
    timestamp_from_ms: ([ms]) => `epoch_ms(CAST(${ms} AS BIGINT))`,
    date_string: ([t]) => `strftime(${t}, '%Y-%m-%d')`,
    // Exact integer floor division: `//` truncates toward zero, so subtract the positive remainder first.
    floor_div: ([a, b]) => `((${a} - (((${a} % ${b}) + ${b}) % ${b})) // ${b})`,
    regexp_full_match: ([s, p]) => `regexp_full_match(${s}, ${p})`,
    char_length: ([s]) => `length(${s})`,
    generate_bigint_series: ([a, b, step]) => `generate_series(${a}, ${b}, ${step})`,
  };

  protected override qualify(condition: SqlExpr): string {
    return `QUALIFY ${this.expr(condition)}`;
  }

  protected override tableFunction(item: Extract<FromItem, { kind: 'tableFunction' }>): string {
    const args = item.args.map((a) => this.expr(a));
    const alias = item.alias === undefined ? '' : ` AS ${this.quoteIdentifier(item.alias)}${item.columnAliases ? `(${item.columnAliases.map((c) => this.quoteIdentifier(c)).join(', ')})` : ''}`;
    switch (item.name) {
      case 'read_parquet':
        return `read_parquet([${args.join(', ')}])${alias}`;
      case 'unnest':
        return `unnest(${args.join(', ')})${alias}`;
    }
  }
}
