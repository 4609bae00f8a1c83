/**
 * Bundles a pipeline module into one Lambda file with esbuild.
 *
 * - Format: ESM (`index.mjs`), because the SDK and Powertools ship ES modules and Node 22
 *   Lambdas load `.mjs` natively; a `createRequire` banner serves the odd CommonJS dependency.
 * - `import ... from 'sluice'` in the pipeline module resolves to the runtime-only entry
 *   (`runtime/definition-entry`): the builder without the local engine.
 * - `@aws-sdk/*` stays external (the Lambda runtime ships it); Powertools, zod and
 *   hyparquet-writer are bundled.
 * - The metafile is inspected: DuckDB, CDK, Arrow, notebook packages or any native `.node`
 *   file in the bundle fail the build, as does an external import other than `@aws-sdk/*`
 *   and Node built-ins, and a bundle over the size budget (1 MiB).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtinModules, createRequire } from 'node:module';
import { SluiceError } from '../errors.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import { planDifference } from '../runtime/plan-shape.js';

export interface BundleOptions {
  /** Path of the user's module that default-exports the pipeline (the builder or its definition). */
  readonly pipelineModule: string;
  /** Folder to write `index.mjs` (and `plan.json`) into. */
  readonly outDir: string;
  /** Fail when the bundle is larger (default 1 MiB). */
  readonly maxBytes?: number;
  /** Minify (default true). */
  readonly minify?: boolean;
  /**
   * The plan to embed, when the caller has the definition in hand (`pipeline.promote()` does):
   * then the bundle carries exactly the plan and hash the notebook shows, once the module is
   * found to build the same plan (PLAN_MISMATCH otherwise). Without it the module's are used.
   */
  readonly plan?: { readonly plan: PipelinePlan; readonly hash: string };
}

export interface BundleResult {
  /** Absolute path of the bundle (`<outDir>/index.mjs`); its export `handler` is the Lambda handler. */
  readonly file: string;
  readonly bytes: number;
  readonly planHash: string;
  readonly pipeline: string;
  /** Bundled input packages with their bytes in the output, largest first (for the promote summary). */
  readonly largestInputs: readonly { readonly name: string; readonly bytes: number }[];
}

export const BUNDLE_BUDGET_BYTES = 1024 * 1024;

/** Packages and paths that must never enter the Lambda bundle. */
const FORBIDDEN = [/@duckdb[\\/]/, /[\\/]duckdb/, /aws-cdk-lib/, /[\\/]constructs[\\/]/, /cdk-nag/, /apache-arrow/, /[\\/]tslab/, /[\\/]vega/, /engines[\\/]local/, /\.node$/];

/**
 * Bundles a pipeline module into a Lambda handler file.
 *
 * @example
 * ```ts
 * const { file, bytes } = await bundlePipeline({ pipelineModule: 'pipelines/engagement.ts', outDir: 'deploy/lambda' });
 * // deploy/lambda/index.mjs exports `handler`; bytes <= 1 MiB
 * ```
 * @throws SluiceError `BUNDLE_FORBIDDEN_INPUT` when DuckDB, CDK or a native module would enter the bundle,
 *   `BUNDLE_TOO_LARGE` over budget, `BUNDLE_FAILED` when esbuild reports errors.
 */
export async function bundlePipeline(options: BundleOptions): Promise<BundleResult> {
  const esbuild = await import('esbuild');
  const outDir = resolve(options.outDir);
  const pipelineModule = resolve(options.pipelineModule);
  if (!existsSync(pipelineModule)) {
    throw new SluiceError('BUNDLE_FAILED', `The pipeline module ${pipelineModule} does not exist: pass the file that default-exports your pipeline.`);
  }
  await mkdir(outDir, { recursive: true });
  const runtime = runtimePaths();
  const shared = {
    bundle: true,
    platform: 'node' as const,
    target: 'node22',
    format: 'esm' as const,
    external: ['@aws-sdk/*'],
    alias: { sluice: runtime.definitionEntry },
    nodePaths: [runtime.nodeModules],
    banner: { js: "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);" },
    logLevel: 'silent' as const,
    plugins: [lazyAwsSdkPlugin(runtime.nodeModules)],
    metafile: true,
    legalComments: 'none' as const,
  };

  // Pass 1 (unless given): build the pipeline module alone and load it, to embed its plan and hash.
  const probeFile = join(outDir, `.probe-${process.pid}-${Date.now()}.mjs`);
  let plan: PipelinePlan;
  let planHash: string;
  try {
    await runEsbuild(esbuild, { ...shared, entryPoints: [pipelineModule], outfile: probeFile, minify: false });
    const loaded = await import(`${pathToFileURL(probeFile).href}`);
    const value = loaded.default ?? loaded.pipeline;
    const definition = (value?.definition ?? value) as { plan?: PipelinePlan; hash?: string } | undefined;
    if (!definition?.plan || typeof definition.hash !== 'string') {
      throw new SluiceError('NOT_A_PIPELINE', `${pipelineModule} must default-export a pipeline: \`export default pipeline("name").from(...)...\`.`);
    }
    plan = definition.plan;
    planHash = definition.hash;
    if (options.plan) {
      // The handler rebuilds the plan from this module at its first event and refuses to start
      // on a difference: every event would go to the dead-letter queue. Found here, it is a sentence.
      const differs = planDifference(options.plan.plan as PipelinePlan, definition.plan);
      if (differs !== undefined) {
        throw new SluiceError(
          'PLAN_MISMATCH',
          `The pipeline being promoted (plan ${options.plan.hash}) is not the one ${options.pipelineModule} builds (plan ${definition.hash}): ${differs}. ` +
            'The Lambda runs the module, so point pipelineModule at the module that defines this pipeline, or make the module build it (then promote again).',
        );
      }
      plan = options.plan.plan;
      planHash = options.plan.hash;
    }
  } finally {
    await rm(probeFile, { force: true });
  }

  // Pass 2: the handler entry with the plan embedded.
  const template = await readFile(runtime.entryTemplate, 'utf8');
  // Replacer functions: a replacement string would expand `$&`, `$'` and `$$` found in the plan (regexes, map sources).
  const entry = template
    .replaceAll('__PIPELINE_NAME__', () => plan.name.replace(/[\r\n]/g, ' '))
    .replace('__PIPELINE_MODULE__', () => JSON.stringify(pipelineModule))
    .replace('__HANDLER_MODULE__', () => JSON.stringify(runtime.handler))
    .replace('__PLAN_JSON__', () => JSON.stringify(plan))
    .replace('__PLAN_HASH__', () => JSON.stringify(planHash));
  const entryFile = join(outDir, '.entry.mjs');
  await writeFile(entryFile, entry);
  const file = join(outDir, 'index.mjs');
  let metafile: import('esbuild').Metafile;
  try {
    metafile = await runEsbuild(esbuild, { ...shared, entryPoints: [entryFile], outfile: file, minify: options.minify ?? true });
  } finally {
    await rm(entryFile, { force: true });
  }
  checkInputs(metafile);
  await writeFile(join(outDir, 'plan.json'), JSON.stringify({ planHash, plan }, null, 2));
  const bytes = (await stat(file)).size;
  const budget = options.maxBytes ?? BUNDLE_BUDGET_BYTES;
  const largestInputs = largest(metafile);
  if (bytes > budget) {
    throw new SluiceError(
      'BUNDLE_TOO_LARGE',
      `The Lambda bundle is ${bytes} bytes, over the budget of ${budget}. Largest inputs: ${largestInputs.slice(0, 5).map((i) => `${i.name} ${i.bytes}`).join(', ')}. Move heavy imports out of the pipeline module.`,
    );
  }
  return { file, bytes, planHash, pipeline: plan.name, largestInputs };
}

/**
 * The handler loads Powertools idempotency with `import()` at its first invocation, so that
 * loading the bundle does not load the AWS SDK. Its ES build imports `@aws-sdk/client-dynamodb`
 * statically, and esbuild hoists an external static import to the top of the bundle, where it
 * runs at load time; its CommonJS build `require`s it instead, which esbuild keeps inside the
 * lazily run module. So these two entries resolve to the CommonJS build.
 */
function lazyAwsSdkPlugin(nodeModules: string): import('esbuild').Plugin {
  const requireFrom = createRequire(join(nodeModules, 'sluice-bundle.cjs'));
  return {
    name: 'sluice-lazy-aws-sdk',
    setup(build) {
      build.onResolve({ filter: /^@aws-lambda-powertools\/idempotency(\/dynamodb)?$/ }, (args) => ({ path: requireFrom.resolve(args.path) }));
    },
  };
}

async function runEsbuild(esbuild: typeof import('esbuild'), config: import('esbuild').BuildOptions): Promise<import('esbuild').Metafile> {
  try {
    const result = await esbuild.build(config);
    return result.metafile!;
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const detail = errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`).join('\n  ');
    throw new SluiceError(
      'BUNDLE_FAILED',
      `Bundling the pipeline failed:\n  ${detail || String(error)}\nA pipeline module may import from 'sluice' only the builder functions (pipeline, file, s3, window, aggregations, featureStore) and self-contained packages.`,
      { cause: error },
    );
  }
}

/** Fails loudly when a forbidden package, a native module or an unexpected external entered the bundle. */
function checkInputs(metafile: import('esbuild').Metafile): void {
  const forbidden = Object.keys(metafile.inputs).filter((path) => FORBIDDEN.some((re) => re.test(path)));
  if (forbidden.length > 0) {
    throw new SluiceError(
      'BUNDLE_FORBIDDEN_INPUT',
      `These must not enter the Lambda bundle (DuckDB, CDK, Arrow, notebook code or native modules): ${forbidden.slice(0, 10).join(', ')}. Import the pipeline's builder functions only; keep local runs in another module.`,
    );
  }
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const externals = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (imported.external && !imported.path.startsWith('@aws-sdk/') && !builtins.has(imported.path)) externals.add(imported.path);
    }
  }
  if (externals.size > 0) {
    throw new SluiceError('BUNDLE_FORBIDDEN_INPUT', `The bundle would import ${[...externals].join(', ')} at run time, which the Lambda runtime does not provide.`);
  }
}

function largest(metafile: import('esbuild').Metafile): { name: string; bytes: number }[] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, info] of Object.entries(output.inputs)) {
      const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(path);
      const name = match ? match[1]!.replace(/\\/g, '/') : 'sluice';
      byPackage.set(name, (byPackage.get(name) ?? 0) + info.bytesInOutput);
    }
  }
  return [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Where the runtime sources are, in this checkout (`.ts`) or in a published build (`.js`). */
function runtimePaths() {
  const here = fileURLToPath(import.meta.url);
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  const runtimeDir = join(dirname(here), '..', 'runtime');
  const sdkRoot = join(dirname(here), '..', '..');
  const templateCandidates = [join(sdkRoot, 'templates'), join(sdkRoot, '..', 'templates')].map((d) => join(d, 'lambda', 'handler-entry.mjs.tpl'));
  const entryTemplate = templateCandidates.find((p) => existsSync(p));
  if (!entryTemplate) throw new SluiceError('BUNDLE_FAILED', `The Lambda entry template is missing (looked at ${templateCandidates.join(', ')}); reinstall sluice.`);
  const nodeModulesCandidates = [join(sdkRoot, 'node_modules'), join(sdkRoot, '..', 'node_modules')];
  return {
    handler: join(runtimeDir, `handler${ext}`),
    definitionEntry: join(runtimeDir, `definition-entry${ext}`),
    entryTemplate,
    nodeModules: nodeModulesCandidates.find((p) => existsSync(p)) ?? nodeModulesCandidates[0]!,
  };
}
