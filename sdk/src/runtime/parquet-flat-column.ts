/**
 * The commonest Parquet landing column, read without hyparquet's per-value arrays: a scalar
 * (text, integer, float, boolean, date or timestamp, INT96 included), optional or required, at
 * the top level or inside structs (parquet-struct-column.ts). Its pages are decoded one at a time
 * straight into the values zod sees (parquet-page-values.ts), the same values
 * `columnConverters` makes of hyparquet's. hyparquet makes a Uint8Array of each text value and a
 * bigint of each INT64 first; that was most of what reading an event id or a timestamp cost.
 *
 * Any other column (a list, a map, DECIMAL, TIME, a blob, DELTA_BYTE_ARRAY pages, anything
 * unexpected in its page headers) is left to hyparquet: the reader is undefined, having read
 * only headers. A chunk whose headers cannot be read goes to hyparquet too, so that a damaged
 * file fails as it did.
 */
import type { ColumnMetaData, DataReader, PageHeader, SchemaElement } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { PARQUET_CODECS } from './parquet-codecs.js';
import { decodesEncoding, dictionaryPageValues, pageValues, type ScalarKind } from './parquet-page-values.js';

/**
 * The kind of a top-level leaf column this reader takes, or undefined. It takes exactly the
 * annotations hyparquet converts the way named here, checked in hyparquet's order (converted
 * type before logical type), so that both readers give one column the same values.
 *
 * @example
 * ```ts
 * flatColumnKind({ name: 'ts', type: 'INT64', converted_type: 'TIMESTAMP_MICROS', repetition_type: 'OPTIONAL' }) // 'micros'
 * flatColumnKind({ name: 'price', type: 'INT64', converted_type: 'DECIMAL', repetition_type: 'OPTIONAL' }) // undefined
 * ```
 */
export function flatColumnKind(element: SchemaElement): ScalarKind | undefined {
  if (element.repetition_type === 'REPEATED' || element.num_children) return undefined;
  const converted = element.converted_type;
  const logical = element.logical_type;
  const signedInteger = logical === undefined || (logical.type === 'INTEGER' && logical.isSigned);
  switch (element.type) {
    case 'BOOLEAN':
      return converted === undefined && logical === undefined ? 'boolean' : undefined;
    case 'INT32':
      if (converted === 'DATE') return 'date';
      return (converted === undefined || converted === 'INT_8' || converted === 'INT_16' || converted === 'INT_32') && signedInteger ? 'int32' : undefined;
    case 'INT64':
      if (converted === 'TIMESTAMP_MILLIS') return 'millis';
      if (converted === 'TIMESTAMP_MICROS') return 'micros';
      if (converted === undefined && logical?.type === 'TIMESTAMP') return logical.unit === 'MILLIS' ? 'millis' : logical.unit === 'MICROS' ? 'micros' : 'nanos';
      return (converted === undefined || converted === 'INT_64') && signedInteger ? 'int64' : undefined;
    case 'INT96':
      return converted === undefined ? 'int96' : undefined;
    case 'FLOAT':
      return converted === undefined && logical === undefined ? 'float' : undefined;
    case 'DOUBLE':
      return converted === undefined && logical === undefined ? 'double' : undefined;
    case 'BYTE_ARRAY':
      // Text as hyparquet gives it (UTF8/STRING), as the converters make it (ENUM), or as
      // parsers.jsonFromBytes does (JSON). A blob stays with hyparquet.
      if (converted === 'UTF8' || converted === 'ENUM' || converted === 'JSON') return 'text';
      return converted === undefined && (logical?.type === 'STRING' || logical?.type === 'ENUM') ? 'text' : undefined;
    default:
      return undefined;
  }
}

/** A page of the chunk: its header and where its body starts in the chunk. */
interface PageAt {
  readonly header: PageHeader;
  readonly body: number;
  readonly rows: number;
}

/**
 * A reader of a top-level scalar column chunk's values, row by row, or undefined when hyparquet
 * must read it (see the file's comment). `chunk` is the chunk's bytes, from
 * `dictionary_page_offset || data_page_offset` on, as hyparquet fetches it.
 *
 * @example
 * ```ts
 * const reader = flatColumnReader(chunk, column.meta_data, element, Number(group.num_rows));
 * if (reader) { reader.skip(100); reader.next(); } // the value at row 100 of the group
 * ```
 */
export function flatColumnReader(chunk: Uint8Array, meta: ColumnMetaData, element: SchemaElement, groupRows: number): FlatColumnReader | undefined {
  if (meta.path_in_schema.length !== 1) return undefined;
  return leafColumnReader(chunk, meta, element, element.repetition_type === 'REQUIRED' ? 0 : 1, groupRows);
}

/**
 * A reader of a scalar leaf's column chunk, top-level or inside structs (parquet-struct-column.ts),
 * whose definition levels go up to `maxLevel` (the optional fields on its path, itself included).
 * Undefined when hyparquet must read it.
 *
 * @example
 * ```ts
 * const country = leafColumnReader(chunk, meta, countryElement, 2, rows); // user (optional) . country (optional)
 * ```
 */
export function leafColumnReader(chunk: Uint8Array, meta: ColumnMetaData, element: SchemaElement, maxLevel: number, groupRows: number): FlatColumnReader | undefined {
  const kind = flatColumnKind(element);
  if (!kind || meta.type !== element.type || maxLevel > 255) return undefined;
  const pages = pagesOf(chunk, kind, groupRows);
  return pages && new FlatColumnReader(chunk, meta, kind, maxLevel, pages.dictionary, pages.data);
}

/** The chunk's pages, from their headers alone, if all of them are ones this reader decodes. */
function pagesOf(chunk: Uint8Array, kind: ScalarKind, groupRows: number): { dictionary: PageAt | undefined; data: PageAt[] } | undefined {
  const reader: DataReader = { view: new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset: 0 };
  let dictionary: PageAt | undefined;
  const data: PageAt[] = [];
  let rows = 0;
  while (rows < groupRows) {
    let header: PageHeader;
    try {
      header = parquetHeader(reader);
    } catch {
      return undefined;
    }
    const body = reader.offset;
    reader.offset += header.compressed_page_size;
    if (!(header.compressed_page_size >= 0) || reader.offset > chunk.byteLength) return undefined;
    if (header.type === 'DICTIONARY_PAGE') {
      const encoding = header.dictionary_page_header?.encoding;
      if (dictionary || data.length > 0 || (encoding !== 'PLAIN' && encoding !== 'PLAIN_DICTIONARY')) return undefined;
      dictionary = { header, body, rows: 0 };
      continue;
    }
    const v1 = header.type === 'DATA_PAGE' ? header.data_page_header : undefined;
    const v2 = header.type === 'DATA_PAGE_V2' ? header.data_page_header_v2 : undefined;
    if (v2 && (v2.repetition_levels_byte_length !== 0 || v2.num_rows !== v2.num_values)) return undefined;
    const page = v1 ?? v2;
    if (!page || !decodesEncoding(page.encoding, kind, dictionary !== undefined)) return undefined;
    data.push({ header, body, rows: page.num_values });
    rows += page.num_values;
  }
  return rows === groupRows ? { dictionary, data } : undefined;
}

/**
 * A column chunk's values, row by row (`next()`), forward only (`skip()`). One decoded page is
 * held at a time: its values (nulls left out) and, for an optional leaf, each row's definition
 * level (a value where it is `maxLevel`).
 */
export class FlatColumnReader {
  /** The definition level of the row `next()` read last: how many of the optional fields on the leaf's path are present. */
  level = 0;
  private page = -1;
  private row = 0;
  private rows = 0;
  private valueIndex = 0;
  private levels: Uint8Array | undefined;
  private values: unknown[] = [];
  private readonly dictionaryValues: unknown[] | undefined;
  private readonly levelWidth: number;

  constructor(
    private readonly chunk: Uint8Array,
    private readonly meta: ColumnMetaData,
    private readonly kind: ScalarKind,
    private readonly maxLevel: number,
    dictionary: PageAt | undefined,
    private readonly pages: readonly PageAt[],
  ) {
    this.level = maxLevel;
    this.levelWidth = 32 - Math.clz32(maxLevel);
    if (dictionary) {
      const bytes = this.decompress(this.bodyOf(dictionary), dictionary.header.uncompressed_page_size);
      this.dictionaryValues = dictionaryPageValues(bytes, kind, dictionary.header.dictionary_page_header!.num_values);
    }
  }

  /** Passes over `count` rows; whole pages are passed without being decompressed. */
  skip(count: number): void {
    let left = count;
    while (left > 0) {
      if (this.row === this.rows) {
        const next = this.pages[this.page + 1];
        if (next && next.rows <= left) {
          this.page++;
          left -= next.rows;
          continue;
        }
        this.load();
      }
      const step = Math.min(left, this.rows - this.row);
      for (let i = 0; i < step; i++) if (!this.levels || this.levels[this.row + i] === this.maxLevel) this.valueIndex++;
      this.row += step;
      left -= step;
    }
  }

  /** The next row's value: null where the row has none (`level` says at which field it stops). */
  next(): unknown {
    while (this.row === this.rows) this.load();
    const row = this.row++;
    if (this.levels) {
      this.level = this.levels[row]!;
      if (this.level !== this.maxLevel) return null;
    }
    return this.values[this.valueIndex++];
  }

  private load(): void {
    const at = this.pages[++this.page];
    if (!at) throw new Error('the column chunk has fewer values than its row group has rows');
    const { header } = at;
    const body = this.bodyOf(at);
    let levels: Uint8Array | undefined;
    let data: Uint8Array;
    const rows = at.rows;
    if (header.type === 'DATA_PAGE') {
      data = this.decompress(body, header.uncompressed_page_size);
      const reader = readerOf(data);
      if (this.maxLevel > 0) readRleBitPackedHybrid(reader, this.levelWidth, (levels = new Uint8Array(rows)));
      data = data.subarray(reader.offset);
    } else {
      const v2 = header.data_page_header_v2!;
      const levelBytes = v2.definition_levels_byte_length;
      if (this.maxLevel > 0) readRleBitPackedHybrid(readerOf(body), this.levelWidth, (levels = new Uint8Array(rows)), levelBytes);
      data = body.subarray(levelBytes);
      const size = header.uncompressed_page_size - levelBytes;
      if (v2.is_compressed !== false && size > 0) data = this.decompress(data, size);
    }
    let count = rows;
    if (levels) for (let i = 0; i < rows; i++) if (levels[i] !== this.maxLevel) count--;
    const encoding = (header.data_page_header ?? header.data_page_header_v2)!.encoding;
    this.values = pageValues(data, encoding, this.kind, count, this.dictionaryValues);
    this.levels = levels;
    this.rows = rows;
    this.row = 0;
    this.valueIndex = 0;
  }

  private bodyOf(at: PageAt): Uint8Array {
    return this.chunk.subarray(at.body, at.body + at.header.compressed_page_size);
  }

  private decompress(bytes: Uint8Array, size: number): Uint8Array {
    return decompressPage(bytes, size, this.meta.codec, PARQUET_CODECS);
  }
}

const readerOf = (bytes: Uint8Array): DataReader => ({ view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 });
