/** The monorepo's root folder. */
export declare const repoRoot: string;
/** Bundles `entryPoints` (absolute .ts paths) into `outdir` as `<name>.mjs`, one file per entry. */
export declare function bundlePrograms(entryPoints: readonly string[], outdir: string): Promise<void>;
