/**
 * The SDK version, recorded in every file's lineage. Kept in step with sdk/package.json (a test checks).
 *
 * @example
 * ```ts
 * import { SDK_VERSION } from 'sluice';
 * console.log(`sluice ${SDK_VERSION}`); // e.g. to record which SDK built a training set
 * ```
 */
export const SDK_VERSION = '0.1.0';
