// Types of the parts of gen-ghes.mjs the tests use.
export declare const GHES_SUFFIX: string;
export declare const CHECKOUT_PATH: string;
export declare const SOURCE_STEP_ID: string;
export declare const TOKEN_SECRET: string;
export declare function isGhesVariant(name: string): boolean;
export declare function variantName(name: string): string;
export declare function variantUses(uses: string): string | undefined;
export declare function ghesVariant(text: string, name: string, pin: { uses: string; comment: string }): string;
export declare function sources(): { name: string; text: string }[];
export declare function generate(): { file: string; current: string; next: string }[];
