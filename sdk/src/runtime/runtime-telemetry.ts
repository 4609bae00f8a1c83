/**
 * Structured logs (Powertools Logger) and CloudWatch metrics in EMF (Powertools Metrics).
 * Metric names are a contract with the CDK alarms (quarantine ratio, gate failures, skipped objects).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const RUNTIME_METRICS = {
  rowsIn: 'RowsIn',
  rowsValid: 'RowsValid',
  rowsQuarantined: 'RowsQuarantined',
  gateFailures: 'GateFailures',
  objectsFailed: 'ObjectsFailed',
  objectsUnreadable: 'ObjectsUnreadable',
  /** Landing objects whose key the source's glob does not select: not read, not quarantined. */
  objectsSkipped: 'ObjectsSkipped',
  duration: 'Duration',
} as const;

export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
  objectDone(rows: { in: number; valid: number; quarantined: number }, durationMs: number, gateFailed: boolean, unreadable: boolean): void;
  objectFailed(): void;
  objectSkipped(): void;
  flush(): void;
}

/**
 * Creates the logger and metrics of one handler.
 *
 * @example
 * ```ts
 * const t = createTelemetry('user-engagement', 'sluice');
 * t.objectDone({ in: 10, valid: 9, quarantined: 1 }, 120, false, false);
 * t.objectSkipped(); // a landing key the source's glob does not select
 * t.flush();
 * ```
 */
export function createTelemetry(serviceName: string, namespace: string): Telemetry {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace, serviceName });
  // Publishing an empty set only prints a warning (an invocation that skipped s3:TestEvent).
  let pending = false;
  return {
    logger,
    metrics,
    objectDone(rows, durationMs, gateFailed, unreadable) {
      pending = true;
      metrics.addMetric(RUNTIME_METRICS.rowsIn, MetricUnit.Count, rows.in);
      metrics.addMetric(RUNTIME_METRICS.rowsValid, MetricUnit.Count, rows.valid);
      metrics.addMetric(RUNTIME_METRICS.rowsQuarantined, MetricUnit.Count, rows.quarantined);
      metrics.addMetric(RUNTIME_METRICS.gateFailures, MetricUnit.Count, gateFailed ? 1 : 0);
      metrics.addMetric(RUNTIME_METRICS.objectsUnreadable, MetricUnit.Count, unreadable ? 1 : 0);
      metrics.addMetric(RUNTIME_METRICS.duration, MetricUnit.Milliseconds, durationMs);
    },
    objectFailed() {
      pending = true;
      metrics.addMetric(RUNTIME_METRICS.objectsFailed, MetricUnit.Count, 1);
    },
    objectSkipped() {
      pending = true;
      metrics.addMetric(RUNTIME_METRICS.objectsSkipped, MetricUnit.Count, 1);
    },
    flush() {
      if (pending) metrics.publishStoredMetrics();
      pending = false;
    },
  };
}
