/** The SDK version, recorded in every file's lineage. Kept in step with sdk/package.json (a test checks). */
export const SDK_VERSION = '0.1.0';
