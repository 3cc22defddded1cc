/** Types of scripts/source-digest.mjs, for the tests that import it. */
export declare const DIGEST_FILE: string;
export declare function sourceDigest(root?: string): string;
export declare function staleBundleReason(root?: string): string | undefined;
