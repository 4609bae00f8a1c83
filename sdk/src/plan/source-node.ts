/** Where raw records come from. Plain data; `sources/` knows how to read each kind. */
export type SourceFormat = 'jsonl' | 'csv' | 'parquet';
export type Compression = 'none' | 'gzip' | 'auto';

export interface SourceNode {
  readonly kind: 'source';
  readonly scheme: 'file' | 's3';
  /** `file`: a glob relative to the working directory or absolute. `s3`: `s3://bucket/prefix` (a glob after the prefix is allowed). */
  readonly uri: string;
  /** `undefined` means: decide per object from its extension (`.jsonl`, `.ndjson`, `.json`, `.csv`, `.parquet`, each optionally `.gz`). */
  readonly format?: SourceFormat;
  readonly compression: Compression;
  /** s3 only: a custom endpoint (s3rver, MinIO, LocalStack) and region. Credentials never enter the plan. */
  readonly endpoint?: string;
  readonly region?: string;
  /** CSV only. */
  readonly csv?: { readonly delimiter: string; readonly header: boolean };
}
