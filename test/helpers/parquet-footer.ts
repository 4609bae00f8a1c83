/**
 * Rewrites a Parquet file's footer: decodes its Thrift (hyparquet's reader, fields by id as
 * `field_<id>`), lets `edit` change it, and writes it back (hyparquet-writer's writer) with its
 * new length. For files no writer here makes: INT96 columns (int96-parquet.ts), or a footer
 * whose row counts disagree, as a damaged one can.
 *
 * ```ts
 * // Row group 1 says it holds -909 rows (FileMetaData.row_groups is field 4, RowGroup.num_rows field 3).
 * const damaged = rewriteParquetFooter(bytes, (footer) => { (footer.field_4 as { field_3: bigint }[])[1]!.field_3 = -909n; });
 * ```
 */
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { serializeTCompactProtocol } from 'hyparquet-writer/src/thrift.js';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';

export type ThriftStruct = Record<`field_${number}`, unknown>;

export function rewriteParquetFooter(file: Uint8Array, edit: (footer: ThriftStruct) => void): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const footerLength = view.getUint32(file.length - 8, true);
  const footerStart = file.length - 8 - footerLength;
  const footer = deserializeTCompactProtocol({ view: new DataView(file.buffer, file.byteOffset + footerStart, footerLength), offset: 0 }) as ThriftStruct;
  edit(footer);
  const writer = new ByteWriter();
  serializeTCompactProtocol(writer, footer);
  const rewritten = new Uint8Array(writer.getBuffer());
  const out = new Uint8Array(footerStart + rewritten.length + 8);
  out.set(file.subarray(0, footerStart));
  out.set(rewritten, footerStart);
  new DataView(out.buffer).setUint32(footerStart + rewritten.length, rewritten.length, true);
  out.set(new TextEncoder().encode('PAR1'), footerStart + rewritten.length + 4);
  return out;
}
