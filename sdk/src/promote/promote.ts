/**
 * `promote`: one pipeline definition becomes a deployable AWS stack, written to `<out>/`:
 * the CDK app (rendered from templates/cdk-app), the Lambda bundle, the Glue driver, plan.json
 * with the compiled Spark SQL, the synthesized and cdk-nag-checked template.json, a README.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import { bundlePipeline } from './bundle.js';
import { compileAggregateSql } from './compile-aggregate.js';
import type { FeaturePipelineProps } from './feature-pipeline-construct.js';
import { assertSelfContained } from './free-variables.js';
import { assertEventStageGates } from '../runtime/event-stage-gates.js';
import { aggregateSteps, glueDatabaseName, glueTableName } from '../features/glue-catalog-names.js';
import { toGlueCron } from './schedule-expression.js';
import { checkPromoteOptions } from './promote-option-checks.js';
import { stackNameFor, synthesizeFeaturePipeline, type NagFinding, type NagResult } from './synth-stack.js';
import { shellQuote } from '../format/shell-quote.js';
import { landingKeyRuleOf } from '../sources/landing-keys.js';

/** Construct settings promote passes through (JSON-serialisable; written to promote.json). */
export type PromoteConstructOptions = Partial<Pick<FeaturePipelineProps,
  'lambdaMemoryMb' | 'lambdaTimeoutSeconds' | 'maxConcurrency' | 'reservedConcurrency' | 'batchSize' | 'glueWorkers' | 'reprocessDays' |
  'athenaBytesScannedCutoff' | 'quarantineRetentionDays' | 'maxQuarantineRatio' | 'projectionStartDate' | 'tags'>>;

export interface PromoteOptions extends PromoteConstructOptions {
  /** Output folder (created; files in it are overwritten). */
  readonly out: string;
  /** Aggregate schedule: `rate(1 hour)` (default), `rate(15 minutes)`, or a Glue `cron(...)`. */
  readonly schedule?: string;
  /** The module that default-exports the pipeline: bundled into the Lambda. Without it, a placeholder handler is written. */
  readonly pipelineModule?: string;
  /** Monthly budget, USD (default 50). */
  readonly budgetUsd?: number;
  /** Alarms and budget warnings are also emailed here (checked: it must look like an address). */
  readonly alarmEmail?: string;
  readonly stackName?: string;
  /** How the generated app depends on sluice (default: `file:` this SDK's folder). */
  readonly sluiceDependency?: string;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

export interface PromoteSummary {
  readonly pipeline: string;
  readonly planHash: string;
  readonly out: string;
  readonly stackName: string;
  /** CloudFormation resources by type, and their total. */
  readonly resources: Readonly<Record<string, number>>;
  readonly resourceCount: number;
  readonly bundle: { readonly status: 'built'; readonly file: string; readonly bytes: number } | { readonly status: 'placeholder'; readonly file: string; readonly reason: string };
  readonly nag: { readonly pack: 'AwsSolutions'; readonly unacknowledged: readonly NagFinding[]; readonly acknowledged: NagResult['acknowledged'] };
  readonly files: readonly string[];
  readonly aggregateSqlBytes: number;
  toString(): string;
}

/**
 * Promotes a pipeline: checks it can run in AWS, compiles, bundles, renders and synthesizes.
 *
 * @example
 * ```ts
 * const summary = await promote(engagement.definition, { out: 'deploy/user-engagement', schedule: 'rate(1 hour)', pipelineModule: 'pipelines/engagement.ts' });
 * console.log(String(summary));
 * ```
 * @throws PlanError `MAP_NOT_SELF_CONTAINED` for a `.map()` that uses an outside variable,
 *   `GATE_NOT_PROMOTABLE` for a gate the Lambda does not enforce (drift),
 *   `NOT_PROMOTABLE` without an aggregate step and feature store, `INVALID_SCHEDULE`,
 *   `UNKNOWN_OPTION` / `INVALID_PROMOTE_OPTION` for an option it cannot use (e.g. an alarmEmail that is not an address).
 */
export async function promote(definition: PipelineDefinition, options: PromoteOptions): Promise<PromoteSummary> {
  checkPromoteOptions(options);
  const log = options.log ?? (() => {});
  const { plan, hash } = definition;
  const schedule = options.schedule ?? 'rate(1 hour)';
  // Everything that can be wrong with the definition is checked before anything is written.
  assertPromotable(definition, schedule);
  const { sink } = aggregateSteps(plan);

  const out = resolve(options.out);
  mkdirSync(join(out, 'glue'), { recursive: true });
  mkdirSync(join(out, 'lambda'), { recursive: true });
  const templates = templatesDir();
  const files: string[] = [];
  const write = (file: string, text: string) => { writeFileSync(join(out, file), text); files.push(file); };

  log('compiling the aggregate stage to Spark SQL');
  const sql = compileAggregateSql(definition, 'spark');
  write('aggregate.spark.sql', `${sql}\n`);
  write('plan.json', `${JSON.stringify({ pipeline: plan.name, hash, plan, compiled: { spark: { file: 'aggregate.spark.sql', sql } } }, null, 2)}\n`);
  copyFileSync(join(templates, 'glue', 'sluice_glue_driver.py'), join(out, 'glue', 'sluice_glue_driver.py'));
  files.push('glue/sluice_glue_driver.py');

  log(options.pipelineModule ? `bundling ${options.pipelineModule}` : 'no pipelineModule: writing a placeholder Lambda handler');
  const bundle = await buildBundle(options.pipelineModule, join(out, 'lambda'), definition.plan, hash);
  files.push(`lambda/${bundle.file.split(/[\\/]/).pop()}`);

  const stackName = options.stackName ?? stackNameFor(plan.name);
  const construct: PromoteConstructOptions & Pick<FeaturePipelineProps, 'schedule' | 'budgetUsd' | 'alarmEmail'> = {
    ...pickConstructOptions(options),
    schedule,
    ...(options.budgetUsd === undefined ? {} : { budgetUsd: options.budgetUsd }),
    ...(options.alarmEmail === undefined ? {} : { alarmEmail: options.alarmEmail }),
  };
  write('promote.json', `${JSON.stringify({ stackName, construct }, null, 2)}\n`);

  const sdk = sdkDir();
  const versions = installedVersions(sdk);
  const vars: Record<string, string> = {
    PIPELINE: plan.name,
    PLAN_HASH: hash,
    PACKAGE_NAME: `sluice-deploy-${plan.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`,
    STACK_NAME: stackName,
    SCHEDULE: schedule,
    BUDGET_USD: String(options.budgetUsd ?? 50),
    GLUE_DATABASE: glueDatabaseName(plan.name),
    GLUE_TABLE: glueTableName(sink.entity, sink.group),
    LANDING_KEYS: landingKeyRuleOf(plan).text,
    BUNDLE_STATUS: bundle.status === 'built' ? `${bundle.bytes} bytes` : `PLACEHOLDER — ${bundle.reason}`,
    GENERATED_AT: new Date().toISOString(),
    SLUICE_DEPENDENCY: options.sluiceDependency ?? `file:${sdk}`,
    ...versions,
  };
  for (const file of ['app.ts', 'package.json', 'cdk.json', 'README.md']) {
    write(file, render(readFileSync(join(templates, 'cdk-app', file), 'utf8'), vars));
  }

  log('synthesizing the CDK app and checking it with cdk-nag (AwsSolutions)');
  const synth = synthesizeFeaturePipeline({
    ...construct,
    plan,
    planHash: hash,
    bundlePath: join(out, 'lambda'),
    aggregateSqlPath: join(out, 'aggregate.spark.sql'),
    glueScriptPath: join(out, 'glue', 'sluice_glue_driver.py'),
  }, { outdir: join(out, 'cdk.out'), stackName });
  write('template.json', `${JSON.stringify(synth.template, null, 2)}\n`);

  const resources: Record<string, number> = {};
  for (const r of Object.values(synth.template.Resources ?? {}) as { Type: string }[]) resources[r.Type] = (resources[r.Type] ?? 0) + 1;
  const summary: PromoteSummary = {
    pipeline: plan.name,
    planHash: hash,
    out,
    stackName,
    resources,
    resourceCount: Object.values(resources).reduce((a, b) => a + b, 0),
    bundle,
    nag: { pack: 'AwsSolutions', unacknowledged: synth.nag.findings, acknowledged: synth.nag.acknowledged },
    files,
    aggregateSqlBytes: Buffer.byteLength(sql),
    toString: () => formatSummary(summary),
  };
  log(formatSummary(summary));
  return summary;
}

/**
 * Everything promote checks about a definition before it writes a file: self-contained
 * `.map()` functions, gates the Lambda enforces, an aggregate step and sink, the schedule.
 *
 * @example
 * ```ts
 * assertPromotable(engagement.definition, 'rate(1 hour)'); // throws PlanError, or returns
 * ```
 * @throws PlanError `MAP_NOT_SELF_CONTAINED`, `GATE_NOT_PROMOTABLE`, `NOT_PROMOTABLE`, `INVALID_SCHEDULE`.
 */
export function assertPromotable(definition: PipelineDefinition, schedule = 'rate(1 hour)'): void {
  const { plan } = definition;
  plan.steps.forEach((step, i) => {
    if (step.kind === 'map') assertSelfContained(step.source, `steps[${i}].map`);
  });
  assertEventStageGates(plan);
  aggregateSteps(plan);
  toGlueCron(schedule);
}

async function buildBundle(pipelineModule: string | undefined, outDir: string, plan: PipelineDefinition['plan'], planHash: string): Promise<PromoteSummary['bundle']> {
  if (pipelineModule) {
    // The plan being promoted is embedded as the authority. The module is bundled for what data
    // cannot hold (the zod schema, map functions); at cold start the handler checks that the
    // module rebuilds this same plan (map sources aside, which esbuild reprints) and refuses to
    // start otherwise — so a wrong module can never write under this plan's hash.
    const result = await bundlePipeline({ pipelineModule, outDir, plan: { plan, hash: planHash } });
    return { status: 'built', file: result.file, bytes: result.bytes };
  }
  // Without the module there is nothing to bundle the live zod schema and functions from.
  const reason = 'no pipelineModule was given; run `sluice promote <module> --out <dir>` (or promote({ pipelineModule })) to build the real handler';
  const file = join(outDir, 'index.mjs');
  writeFileSync(file, `// PLACEHOLDER written by sluice promote: ${reason}.\nexport const handler = async () => {\n  throw new Error(${JSON.stringify(`sluice: this Lambda has no pipeline bundle: ${reason}.`)});\n};\n`);
  return { status: 'placeholder', file, reason };
}

function pickConstructOptions(options: PromoteOptions): PromoteConstructOptions {
  const keys = ['lambdaMemoryMb', 'lambdaTimeoutSeconds', 'maxConcurrency', 'reservedConcurrency', 'batchSize', 'glueWorkers', 'reprocessDays',
    'athenaBytesScannedCutoff', 'quarantineRetentionDays', 'maxQuarantineRatio', 'projectionStartDate', 'tags'] as const;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out as PromoteConstructOptions;
}

/** `{{NAME}}` → value; an unknown placeholder is a bug in the template, so it throws. */
function render(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`Template placeholder {{${name}}} has no value`);
    return value;
  });
}

const here = dirname(fileURLToPath(import.meta.url));

/** The templates folder: beside the package (published) or at the repository root (source). */
function templatesDir(): string {
  for (let dir = here, i = 0; i < 6; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'templates', 'glue', 'sluice_glue_driver.py'))) return join(dir, 'templates');
  }
  throw new Error(`sluice's templates folder was not found above ${here}; reinstall sluice.`);
}

function sdkDir(): string {
  for (let dir = here, i = 0; i < 6; i++, dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'sluice') return dir;
  }
  return resolve(here, '..', '..');
}

function installedVersions(sdk: string): Record<string, string> {
  const version = (name: string, fallback: string) => {
    for (let dir = sdk, i = 0; i < 4; i++, dir = dirname(dir)) {
      const pkg = join(dir, 'node_modules', name, 'package.json');
      if (existsSync(pkg) && statSync(pkg).isFile()) return `^${JSON.parse(readFileSync(pkg, 'utf8')).version}`;
    }
    return fallback;
  };
  return {
    AWS_CDK_LIB_VERSION: version('aws-cdk-lib', '^2.200.0'),
    CDK_NAG_VERSION: version('cdk-nag', '^3.0.0'),
    CONSTRUCTS_VERSION: version('constructs', '^10.4.0'),
    AWS_CDK_VERSION: version('aws-cdk', '^2.1000.0'),
  };
}

function formatSummary(s: PromoteSummary): string {
  const lines = [
    `sluice promote: ${s.pipeline} (plan ${s.planHash}) → ${s.out}`,
    `  stack ${s.stackName}: ${s.resourceCount} resources`,
    ...Object.entries(s.resources).sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `    ${String(n).padStart(3)}  ${type}`),
    s.bundle.status === 'built'
      ? `  Lambda bundle: ${(s.bundle.bytes / 1024).toFixed(1)} KiB (${s.bundle.file})`
      : `  Lambda bundle: PLACEHOLDER — ${s.bundle.reason}`,
    `  aggregate SQL (Spark): ${s.aggregateSqlBytes} bytes`,
    s.nag.unacknowledged.length === 0
      ? `  cdk-nag AwsSolutions: clean (${s.nag.acknowledged.length} acknowledged findings, each with a reason)`
      : `  cdk-nag AwsSolutions: ${s.nag.unacknowledged.length} unacknowledged findings:\n${s.nag.unacknowledged.map((f) => `    ${f.rule} at ${f.paths.join(', ')}`).join('\n')}`,
    `  next: cd ${shellQuote(s.out)} && npm install && npx cdk deploy`,
  ];
  return lines.join('\n');
}
