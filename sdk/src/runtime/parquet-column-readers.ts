/**
 * Which top-level columns of a row group are read page by page by sluice's own readers — a
 * scalar (parquet-flat-column.ts) or a struct of scalars (parquet-struct-column.ts) — and their
 * chunks, fetched in as few ranged reads as small gaps allow. The others are left to hyparquet.
 */
import type { AsyncBuffer, ColumnMetaData, RowGroup, SchemaElement, SchemaTree } from 'hyparquet';
import { flatColumnKind, leafColumnReader, type FlatColumnReader } from './parquet-flat-column.js';
import { StructColumnReader, structPlan, type StructPlan } from './parquet-struct-column.js';

/** A column's values, row by row, forward only. */
export interface PageColumnReader {
  skip(count: number): void;
  next(): unknown;
}

/** Bytes between two column chunks fetched in one read rather than two. */
const GAP_READ_BYTES = 1 << 20;

interface LeafChunk {
  readonly element: SchemaElement;
  readonly maxLevel: number;
  readonly meta: ColumnMetaData;
  readonly from: number;
  readonly to: number;
}

/**
 * A reader for each top-level column (by position) that sluice's page readers take in this row
 * group, else undefined (hyparquet's).
 *
 * @example
 * ```ts
 * const readers = await pageColumnReaders(buffer, parquetSchema(metadata), metadata.row_groups[0]!);
 * readers.map((r) => r?.next()) // the first row's values, where read here
 * ```
 */
export async function pageColumnReaders(buffer: AsyncBuffer, schema: SchemaTree, group: RowGroup): Promise<(PageColumnReader | undefined)[]> {
  const rows = Number(group.num_rows);
  const columns = schema.children.map((child) => {
    const plan: StructPlan | undefined = child.children.length > 0 ? structPlan(child) : undefined;
    const leaves =
      child.children.length === 0
        ? flatColumnKind(child.element) && [{ path: [child.element.name], element: child.element, maxLevel: child.element.repetition_type === 'REQUIRED' ? 0 : 1 }]
        : plan?.leaves;
    if (!leaves) return undefined;
    const chunks: LeafChunk[] = [];
    for (const leaf of leaves) {
      const chunk = group.columns.find((c) => samePath(c.meta_data?.path_in_schema, leaf.path));
      const meta = chunk?.meta_data;
      if (!meta || chunk.file_path) return undefined;
      const from = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const to = from + Number(meta.total_compressed_size);
      // A chunk said to lie outside the file is hyparquet's to report.
      if (to > buffer.byteLength) return undefined;
      chunks.push({ element: leaf.element, maxLevel: leaf.maxLevel, meta, from, to });
    }
    return { plan, chunks };
  });
  const bytes = await fetchRuns(buffer, columns.flatMap((c) => c?.chunks ?? []));
  return columns.map((column) => {
    if (!column) return undefined;
    const readers: FlatColumnReader[] = [];
    for (const chunk of column.chunks) {
      const reader = leafColumnReader(bytes(chunk), chunk.meta, chunk.element, chunk.maxLevel, rows);
      if (!reader) return undefined;
      readers.push(reader);
    }
    return column.plan ? new StructColumnReader(column.plan, readers) : readers[0];
  });
}

function samePath(path: readonly string[] | undefined, expected: readonly string[]): boolean {
  return path !== undefined && path.length === expected.length && path.every((part, i) => part === expected[i]);
}

/** Fetches the chunks in runs (file order, gaps up to GAP_READ_BYTES read through); gives each chunk's bytes. */
async function fetchRuns(buffer: AsyncBuffer, chunks: readonly LeafChunk[]): Promise<(chunk: LeafChunk) => Uint8Array> {
  const runs: { from: number; to: number }[] = [];
  for (const chunk of [...chunks].sort((a, b) => a.from - b.from)) {
    const last = runs.at(-1);
    if (last && chunk.from >= last.to && chunk.from - last.to <= GAP_READ_BYTES) last.to = chunk.to;
    else if (!last || chunk.from >= last.to) runs.push({ from: chunk.from, to: chunk.to });
    else last.to = Math.max(last.to, chunk.to); // overlapping chunks (a malformed footer): one read covers both
  }
  const fetched = await Promise.all(runs.map(async (run) => ({ ...run, bytes: new Uint8Array(await buffer.slice(run.from, run.to)) })));
  return (chunk) => {
    const run = fetched.find((r) => r.from <= chunk.from && chunk.to <= r.to)!;
    return run.bytes.subarray(chunk.from - run.from, chunk.to - run.from);
  };
}
