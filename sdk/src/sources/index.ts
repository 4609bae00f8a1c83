/**
 * Sources: `file()` and `s3()` build plan nodes; the rest lists and reads the objects they
 * name. Nothing here imports the AWS SDK at module top level: it is loaded on first S3 use.
 */
export { file, s3, type S3SourceOptions, type SourceOptions } from './source-builders.js';
export type { CsvColumnType, ObjectReadResult, RawRecord, Source, SourceObject } from './source-object.js';
export { compareKeys, listSourceObjects, type ListOptions } from './object-listing.js';
export { readObject, type ReadOptions } from './object-reader.js';
export { fetchToLocalFile, type FetchOptions } from './parquet-fetcher.js';
export { readParquetFooter, type ParquetFooter } from './parquet-footer.js';
export { sampleObjects, type SamplePlan } from './sample-objects.js';
export { detectFormat, FORMAT_EXTENSIONS, type DetectedFormat } from './format-detection.js';
export { globToRegExp } from './glob-matcher.js';
export { parseS3Uri, s3ClientFor, type S3Location } from './s3-client.js';
