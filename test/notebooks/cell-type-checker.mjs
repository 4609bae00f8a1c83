// Type-checks notebook cells with tslab's own TypeScript (5.0) and tslab's compiler settings.
// Runs as a child process of the test: compiling blocks for tens of seconds, which would
// starve the test runner's worker of its event loop.
//   stdin:  { root, checks: [{ source, skipLibCheck, diagnose }] }
//   stdout: { version, results: [{ messages, sluiceTypes }] }
import { createRequire } from 'node:module';
import { join } from 'node:path';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (d) => (text += d));
  process.stdin.on('end', () => resolve(text));
}));
const root = input.root;
// tslab's compiler, resolved the way tslab itself resolves it.
const ts = createRequire(join(root, 'node_modules/tslab/dist/converter.js'))('@tslab/typescript-for-tslab');

/** tslab's options (node_modules/tslab/dist/converter.js), minus its watch-mode plumbing. */
function tslabOptions(skipLibCheck) {
  return {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    declaration: true,
    resolveJsonModule: true,
    skipLibCheck,
    noEmit: true,
    typeRoots: [join(root, 'node_modules/tslab/node_modules/@types'), join(root, 'node_modules/@types')],
  };
}

// Parsed declaration files are shared between checks (zod's and arrow's types are large).
const sourceFiles = new Map();

function check({ source, skipLibCheck = true, diagnose = true }) {
  // The cell sits in notebooks/, so 'sluice' resolves as it does for a user's notebook.
  const cellFile = join(root, 'notebooks', '__cell__.ts');
  const options = tslabOptions(skipLibCheck);
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (f) => f === cellFile || ts.sys.fileExists(f);
  host.readFile = (f) => (f === cellFile ? source : readFile(f));
  host.getSourceFile = (f, lang, onError, create) => {
    if (f === cellFile) return ts.createSourceFile(f, source, lang);
    if (!sourceFiles.has(f)) sourceFiles.set(f, getSourceFile(f, lang, onError, create));
    return sourceFiles.get(f);
  };
  const program = ts.createProgram([cellFile], options, host);
  const sluiceTypes = ts.resolveModuleName('sluice', cellFile, options, host).resolvedModule?.resolvedFileName ?? null;
  const diagnostics = diagnose ? ts.getPreEmitDiagnostics(program) : [];
  // Lib checking is scoped to sluice's own declarations: third-party .d.ts are not ours to fix.
  const ours = diagnostics.filter((d) => !d.file || d.file.fileName === cellFile || d.file.fileName.startsWith(join(root, 'sdk/')));
  const messages = ours.map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  return { messages, sluiceTypes };
}

process.stdout.write(JSON.stringify({ version: ts.version, results: input.checks.map(check) }));
