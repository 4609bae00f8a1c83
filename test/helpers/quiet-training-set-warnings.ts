/**
 * A vitest setup file: training-set warnings (`SLUICE_TRAINING_SET`) are not printed.
 *
 * Why: many retrieval tests join labels that deliberately match nothing, and fetch() reports
 * that as a process warning each time — about a hundred lines that buried any other warning
 * in CI's log. The warnings are still emitted (a test can listen for them or spy on
 * process.emitWarning, as coverage-warnings.test.ts does); only Node's printing of them is
 * skipped. Every other warning is printed as before.
 */
const printers = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if ((warning as Error & { code?: string }).code === 'SLUICE_TRAINING_SET') return;
  for (const print of printers) print(warning);
});
