// wasmbox's version, as `wasmbox version` prints it and as compilation-cache keys include it. A
// constant rather than a read of package.json at run time: the CLI's startup pays for every file it
// opens. test/cli/version.test.ts keeps it equal to package.json's.

export const VERSION = '0.1.0';
