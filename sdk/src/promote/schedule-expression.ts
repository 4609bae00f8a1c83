import { PlanError } from '../errors.js';

/**
 * Glue triggers accept only `cron(...)`; users write EventBridge's `rate(1 hour)` as well.
 * Converts a rate to the equivalent cron (aligned to the hour/day, as Glue runs it), and
 * passes a cron through after a light shape check.
 *
 * @example
 * ```ts
 * toGlueCron('rate(1 hour)')     // 'cron(0 * * * ? *)'
 * toGlueCron('rate(15 minutes)') // 'cron(0/15 * * * ? *)'
 * toGlueCron('cron(0 3 * * ? *)') // unchanged
 * ```
 * @throws PlanError `INVALID_SCHEDULE` for anything else, or a rate Glue cannot run (under 5 minutes).
 */
export function toGlueCron(schedule: string): string {
  const text = schedule.trim();
  if (/^cron\((\S+\s+){5}\S+\)$/.test(text)) return text;
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(text);
  if (!rate) {
    throw new PlanError('INVALID_SCHEDULE', 'promote.schedule',
      `${JSON.stringify(schedule)} is not a schedule. Write 'rate(1 hour)', 'rate(15 minutes)', 'rate(1 day)' or a six-field 'cron(0 3 * * ? *)'.`);
  }
  const n = Number(rate[1]);
  const unit = rate[2]!.replace(/s$/, '');
  if (unit === 'minute') {
    if (n < 5 || n > 59 || 60 % n !== 0) {
      throw new PlanError('INVALID_SCHEDULE', 'promote.schedule',
        `Glue schedules run at most every 5 minutes and a minute rate must divide the hour: got ${schedule}. Use 5, 6, 10, 12, 15, 20 or 30 minutes, or an hour rate.`);
    }
    return `cron(0/${n} * * * ? *)`;
  }
  if (unit === 'hour') {
    if (n < 1 || n > 23 || 24 % n !== 0) {
      throw new PlanError('INVALID_SCHEDULE', 'promote.schedule', `An hour rate must divide the day (1, 2, 3, 4, 6, 8, 12): got ${schedule}.`);
    }
    return n === 1 ? 'cron(0 * * * ? *)' : `cron(0 0/${n} * * ? *)`;
  }
  if (n !== 1) throw new PlanError('INVALID_SCHEDULE', 'promote.schedule', `Only 'rate(1 day)' is supported as a day rate: got ${schedule}; write a cron for others.`);
  return 'cron(0 0 * * ? *)';
}
