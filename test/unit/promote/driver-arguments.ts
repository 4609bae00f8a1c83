/** Reads the Glue driver's own argument list from its text (an independent view of what it reads). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DRIVER_PATH = join(import.meta.dirname, '..', '..', '..', 'templates', 'glue', 'sluice_glue_driver.py');

/** The names in the driver's getResolvedOptions(sys.argv, [...]) call, JOB_NAME (Glue's own) left out. */
export function driverArguments(text = readFileSync(DRIVER_PATH, 'utf8')): string[] {
  const call = /getResolvedOptions\(\s*sys\.argv,\s*\[([\s\S]*?)\]\s*,?\s*\)/.exec(text);
  if (!call) throw new Error('no getResolvedOptions(sys.argv, [...]) call in the driver');
  return [...call[1]!.matchAll(/"([^"]+)"|'([^']+)'/g)].map((m) => m[1] ?? m[2]!).filter((n) => n !== 'JOB_NAME');
}
