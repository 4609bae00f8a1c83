#!/usr/bin/env node
// `npm run kernel:install` — registers the `sluice` Jupyter kernel (this checkout's tslab).
//   node kernel-setup/install.js            install Jupyter if needed (root on Debian), register
//   node kernel-setup/install.js --check    report what is installed and missing; exit 1 if anything is
//   node kernel-setup/install.js --uninstall
import { INSTALL_USAGE, parseInstallArgs } from './arguments.js';
import { checkSetup, ensureKernel, findJupyter, installCommand, unregisterKernel, KERNEL_NAME } from './kernel-spec.js';

function main(argv) {
  const { mode, error } = parseInstallArgs(argv);
  if (error) {
    console.error(`install.js: ${error}.\n${INSTALL_USAGE}`);
    return 2;
  }
  if (mode === 'help') {
    console.log(INSTALL_USAGE);
    return 0;
  }
  if (mode === 'check') {
    const status = checkSetup();
    for (const item of status.items) console.log(`${item.ok ? 'ok     ' : 'MISSING'}  ${item.name}: ${item.detail}`);
    console.log(status.ok ? `Ready: the "${KERNEL_NAME}" kernel is registered.` : 'Not ready: see MISSING above.');
    return status.ok ? 0 : 1;
  }
  if (mode === 'uninstall') {
    const found = findJupyter();
    if (!found) {
      console.log('Jupyter is not installed: no kernel to remove.');
      return 0;
    }
    const dir = unregisterKernel(found);
    console.log(dir ? `Removed kernel "${KERNEL_NAME}" (${dir}).` : `Kernel "${KERNEL_NAME}" was not registered.`);
    return 0;
  }
  try {
    const { kernelDir, jupyter } = ensureKernel();
    console.log(`Registered kernel "${KERNEL_NAME}" in ${kernelDir} (jupyter: ${jupyter.label}).`);
    return 0;
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    if (!(e instanceof Error && e.message.includes('Run:'))) console.error(`To install Jupyter: ${installCommand()}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
