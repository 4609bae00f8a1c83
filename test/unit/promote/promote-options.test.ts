/**
 * promote()'s options are checked before anything is written: a value AWS would reject at
 * deploy time (or accept and ignore, like an SNS subscription to "notanemail") is a PlanError
 * that names the value and what to write instead, and no output folder appears.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PlanError } from '../../../sdk/src/errors.js';
import { promote, type PromoteOptions } from '../../../sdk/src/promote/promote.js';
import { checkPromoteOptions } from '../../../sdk/src/promote/promote-option-checks.js';
import { definition } from './promote-fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'sluice-promote-options-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function refusal(options: Record<string, unknown>): Promise<PlanError> {
  const out = join(scratch, 'out');
  const error = await promote(definition(), { out, ...options } as PromoteOptions).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PlanError);
  expect(existsSync(out), 'nothing is written before the options are checked').toBe(false);
  return error as PlanError;
}

describe('promote() options', () => {
  it('refuses an alarmEmail that is not an address, naming it and the fix', async () => {
    const error = await refusal({ alarmEmail: 'notanemail' });
    expect(error.code).toBe('INVALID_PROMOTE_OPTION');
    expect(error.path).toBe('promote.alarmEmail');
    expect(error.message).toContain('"notanemail"');
    expect(error.message).toContain("alarmEmail: 'ml-oncall@example.com'");
    for (const bad of ['', 'a@b', 'two words@example.com', 'a@@example.com', 42]) {
      expect(() => checkPromoteOptions({ out: 'o', alarmEmail: bad }), String(bad)).toThrow(/alarmEmail/);
    }
  });

  it('accepts the addresses people use', () => {
    for (const good of ['ml-oncall@example.com', 'first.last+alerts@mail.example.co.uk']) {
      expect(() => checkPromoteOptions({ out: 'o', alarmEmail: good })).not.toThrow();
    }
  });

  it('refuses a budget that is not a positive number (NaN, 0, negative, a string)', async () => {
    for (const bad of [Number.NaN, 0, -5, Infinity, '50']) {
      expect(() => checkPromoteOptions({ out: 'o', budgetUsd: bad }), String(bad)).toThrow(/budgetUsd is the monthly AWS budget/);
    }
    expect((await refusal({ budgetUsd: -5 })).path).toBe('promote.budgetUsd');
  });

  it('refuses a misspelt key instead of ignoring it', async () => {
    const error = await refusal({ alarmEmial: 'ml-oncall@example.com' });
    expect(error.code).toBe('UNKNOWN_OPTION');
    expect(error.message).toContain('Did you mean "alarmEmail"');
  });

  it('refuses an empty out, an empty schedule, a stack name CloudFormation rejects, and out-of-range construct settings', () => {
    expect(() => checkPromoteOptions({ out: '' })).toThrow(/out is the folder/);
    expect(() => checkPromoteOptions({ out: 'o', schedule: '' })).toThrow(/schedule takes a non-empty string/);
    expect(() => checkPromoteOptions({ out: 'o', stackName: '1-stack_name' })).toThrow(/stackName must start with a letter/);
    expect(() => checkPromoteOptions({ out: 'o', lambdaMemoryMb: 64 })).toThrow(/lambdaMemoryMb is a whole number of MB of Lambda memory, 128 to 10,240; got 64/);
    expect(() => checkPromoteOptions({ out: 'o', lambdaTimeoutSeconds: 901 })).toThrow(/1 to 900/);
    expect(() => checkPromoteOptions({ out: 'o', reservedConcurrency: 0 })).toThrow(/reservedConcurrency/);
    expect(() => checkPromoteOptions({ out: 'o', maxConcurrency: 1 })).toThrow(/maxConcurrency is a whole number of concurrent invocations the SQS trigger starts, 2 to 1,000; got 1/);
    expect(() => checkPromoteOptions({ out: 'o', maxConcurrency: 50 })).not.toThrow();
    expect(() => checkPromoteOptions({ out: 'o', glueWorkers: 1.5 })).toThrow(/glueWorkers/);
    expect(() => checkPromoteOptions({ out: 'o', maxQuarantineRatio: 5 })).toThrow(/at most 1/);
    expect(() => checkPromoteOptions({ out: 'o', projectionStartDate: '1/1/2020' })).toThrow(/YYYY-MM-DD/);
    // Shaped right but no calendar day: Athena would reject every query on the table, long after deploy.
    expect(() => checkPromoteOptions({ out: 'o', projectionStartDate: '2024-02-30' })).toThrow(/projectionStartDate .* got "2024-02-30"/);
    expect(() => checkPromoteOptions({ out: 'o', projectionStartDate: '2024-13-01' })).toThrow(/projectionStartDate .* got "2024-13-01"/);
    expect(() => checkPromoteOptions({ out: 'o', projectionStartDate: '2024-02-29' })).not.toThrow();
    expect(() => checkPromoteOptions({ out: 'o', tags: { team: 7 } })).toThrow(/tags/);
  });

  it('accepts every option at a sensible value', () => {
    expect(() =>
      checkPromoteOptions({
        out: 'deploy/x', schedule: 'rate(1 hour)', pipelineModule: 'p.ts', budgetUsd: 12.5, alarmEmail: 'a@example.com', stackName: 'SluiceX',
        sluiceDependency: '^0.1.0', log: () => {}, lambdaMemoryMb: 1024, lambdaTimeoutSeconds: 300, reservedConcurrency: 10, batchSize: 10,
        glueWorkers: 2, reprocessDays: 2, athenaBytesScannedCutoff: 10 * 1024 ** 3, quarantineRetentionDays: 30, maxQuarantineRatio: 0.05,
        projectionStartDate: '2020-01-01', tags: { team: 'ml' },
      }),
    ).not.toThrow();
  });
});
