import type { SourceFormat, SourceNode } from '../plan/source-node.js';
import type { RoundedInteger } from './json-integer-literals.js';

/**
 * What `file()` and `s3()` return: a source, as plain plan data. `pipeline(...).from(source)`
 * puts its node in the plan; nothing is listed or read while building.
 */
export interface Source {
  readonly node: SourceNode;
}

/** One object (a local file or an S3 object) that a source lists. */
export interface SourceObject {
  /**
   * The object's name. s3: the raw S3 key (not URL-encoded). file: the path as the source
   * glob spells it (relative to the working directory when the glob was relative), with `/`
   * separators.
   */
  readonly key: string;
  /** s3: `s3://bucket/key`. file: the absolute local path. */
  readonly uri: string;
  /** Size in bytes as stored (compressed size for gzip objects). */
  readonly size: number;
  /** s3 only: the ETag, without quotes. */
  readonly etag?: string;
  /** s3 only, when the listing reports one. */
  readonly versionId?: string;
  readonly format: SourceFormat;
  readonly compression: 'none' | 'gzip';
}

/** One record of a text object, before validation. */
export interface RawRecord {
  /** 1-based line number in the (decompressed) object where the record starts. */
  readonly line: number;
  /** The record's original text, without its line terminator. */
  readonly raw: string;
  /**
   * The record's size in bytes, for segment limits, when `raw` is made only on demand (a
   * Parquet row's JSON text); otherwise `raw.length` is its size.
   */
  readonly size?: number;
  /** The decoded record, when it could be decoded. */
  readonly value?: Record<string, unknown>;
  /** Why the record could not be decoded (then `value` is absent). */
  readonly error?: string;
  /**
   * The fields whose integer literal `JSON.parse` (or, in CSV, `Number()`) rounded, beyond 2^53,
   * with the digits as written (json-integer-literals.ts). Absent when none did.
   */
  readonly roundedIntegers?: readonly RoundedInteger[];
}

/**
 * The result of reading one object: its records, or why the whole object is unreadable
 * (truncated gzip, bytes that are not UTF-8, a CSV header that repeats a column).
 */
export type ObjectReadResult =
  | {
      readonly ok: true;
      readonly records: RawRecord[];
      /**
       * sha256 (hex) of the raw bytes read, as stored (before decompression). When
       * `truncatedByLimit` is false every byte was read, so it identifies the object's content.
       */
      readonly contentHash: string;
      /** True when reading stopped at `limit` before the end of the object. */
      readonly truncatedByLimit: boolean;
      /** With `onRecords`: how many records it was given (`records` then holds none, or the last few after a limit). */
      readonly delivered?: number;
    }
  | {
      readonly ok: false;
      readonly error: string;
      /** Present when every raw byte was read before the failure (e.g. truncated gzip). */
      readonly contentHash?: string;
    };

/** How CSV cells are decoded when the validation schema gives a column's type. */
export type CsvColumnType = 'string' | 'number' | 'integer' | 'boolean' | 'timestamp';
