/** The tool's version, as printed by --version and in every report. Kept in step with package.json by test/version.test.ts. */
export const VERSION = '0.1.0';
