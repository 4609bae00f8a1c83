#!/usr/bin/env node
/**
 * The `sluice` command's launcher. The CLI is compiled TypeScript in ../dist (made by
 * `npm run build`, which `npm start` and `npm test` run first). This file is part of the
 * repository so that npm can link the command when it installs a fresh clone, before
 * anything is built: a bin pointing into dist/ is skipped then, and `npx sluice` is not found.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(`✖ sluice is not built yet (${fileURLToPath(cli)} is missing). Run \`npm run build\` in the sluice checkout (npm start and npm test build it too), then try again.`);
  process.exitCode = 1;
} else {
  await import(cli.href);
}
