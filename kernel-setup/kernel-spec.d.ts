// Types for kernel-spec.js (plain ESM, no build step), for the TypeScript tests that call it.
export interface JupyterInvocation {
  readonly command: string;
  readonly prefix: readonly string[];
  readonly label: string;
  /** From `jupyter --version`: component name → version, null when not installed. */
  readonly components: Readonly<Record<string, string | null>>;
}
export interface CheckItem {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}
export interface SetupStatus {
  readonly ok: boolean;
  readonly items: readonly CheckItem[];
  readonly jupyter: JupyterInvocation | null;
  readonly kernelDir: string | null;
}
interface EnvOptions {
  env?: NodeJS.ProcessEnv;
  root?: string;
}
export const KERNEL_NAME: 'sluice';
export const KERNEL_DISPLAY_NAME: string;
export const DEBIAN_PACKAGES: readonly string[];
export const REPO_ROOT: string;
export function tslabEntry(root?: string): string;
export function kernelJson(root?: string, node?: string): { argv: string[]; display_name: string; language: string; metadata: object };
export function findJupyter(env?: NodeJS.ProcessEnv): JupyterInvocation | null;
export function jupyter(found: JupyterInvocation, args: readonly string[], env?: NodeJS.ProcessEnv): { ok: boolean; stdout: string; stderr: string; error?: Error };
export function kernelDir(found: JupyterInvocation, env?: NodeJS.ProcessEnv): string;
export function installCommand(): string;
export function canInstallPackages(env?: NodeJS.ProcessEnv): boolean;
export function checkSetup(options?: EnvOptions): SetupStatus;
export function findNotebookServer(found: JupyterInvocation): 'lab' | 'notebook' | null;
export function parseVersions(text: string): Record<string, string | null>;
export function installPackages(log?: (message: string) => void): void;
export function registerKernel(found: JupyterInvocation, options?: EnvOptions): string;
export function unregisterKernel(found: JupyterInvocation, options?: { env?: NodeJS.ProcessEnv }): string | null;
export function ensureKernel(options?: EnvOptions & { install?: boolean; log?: (message: string) => void }): { jupyter: JupyterInvocation; kernelDir: string };
