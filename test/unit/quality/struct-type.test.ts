/**
 * STRUCT type text as DuckDB's DESCRIBE prints it (the expected spellings were read from DuckDB:
 * quoted names with doubled quotes, nested STRUCTs and lists).
 */
import { describe, expect, it } from 'vitest';
import { structFields } from '../../../sdk/src/quality/struct-type.js';

describe('structFields', () => {
  it('reads names and types, quoted names and nested types included', () => {
    expect(structFields('STRUCT(id VARCHAR, "Weird Name" INTEGER, "q""x" STRUCT(n DOUBLE, l INTEGER[]), ts TIMESTAMP)')).toEqual(
      new Map([['id', 'VARCHAR'], ['Weird Name', 'INTEGER'], ['q"x', 'STRUCT(n DOUBLE, l INTEGER[])'], ['ts', 'TIMESTAMP']]),
    );
    expect(structFields('STRUCT("a,b" DECIMAL(10,2), c VARCHAR)')).toEqual(new Map([['a,b', 'DECIMAL(10,2)'], ['c', 'VARCHAR']]));
  });

  it('is undefined for other types, and for names that differ only in case', () => {
    expect(structFields('VARCHAR')).toBeUndefined();
    expect(structFields('STRUCT(id VARCHAR)[]')).toBeUndefined();
    expect(structFields('STRUCT(id VARCHAR, "ID" INTEGER)')).toBeUndefined();
  });
});
