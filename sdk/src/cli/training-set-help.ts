/**
 * The `sluice training-set --help` text, on its own so the top-level help can show its usage
 * without loading the retrieval code.
 */
export const TRAINING_SET_HELP = `sluice training-set — a point-in-time-correct training set

Usage:
  sluice training-set --labels <file|s3://…> --entity <entity> --features <g:f,g:*> --ttl <30d|unbounded> --out <file.parquet|file.csv|s3://…>
                      [--store ./.sluice/features] [--entity-column entity_id] [--timestamp-column ts]
                      [--format parquet|csv] [--explain] [--sql duckdb|trino]
                      [--engine local|athena --workgroup W --database D --output-location s3://… [--region R]]
                      [--max-cost-usd N] [--max-bytes N] [--allow-expensive] [--endpoint URL] [--region R]

  --explain   print partitions, bytes and the estimated cost, and stop
  --sql       print the query the engine would run, and stop
  -h, --help  show this help
`;
