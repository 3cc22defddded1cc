/**
 * What the loader reads at most. A repository holds at most a few hundred small documents (Entra
 * allows 195 Conditional Access policies and 195 named locations per tenant; a named location
 * holds at most 2,000 IP ranges, about 260 KB of pretty JSON, twice that in UTF-16), so limits
 * far above that cost nothing honest and stop a hostile or mistaken input from exhausting memory,
 * time or the stack before any rule or Graph request sees it. README ("File format") lists them.
 */

/** Bytes per file, checked before the file is read. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Document files (policies, named locations, strengths) per repository. */
export const MAX_DOCUMENT_FILES = 1000;

/** Entries (files and folders) the loader looks at under the root, so --dir / stops quickly. */
export const MAX_ENTRIES = 10_000;

/**
 * Objects and arrays nested in one another (Graph's deepest CA path,
 * /conditions/users/excludeGuestsOrExternalUsers/externalTenants/members, is 6 deep). Deeper
 * input is refused while parsing, so nothing recursive after the parser ever sees it.
 */
export const MAX_NESTING = 64;

/** Values in one document, aliases counted each time they are used (a YAML alias can multiply a document). */
export const MAX_VALUES = 100_000;
