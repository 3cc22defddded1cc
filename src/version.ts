import pkg from '../package.json' with { type: 'json' };

/** caac's own version, from package.json (bundled into dist/ by ncc). */
export const VERSION: string = pkg.version;
export const TOOL_NAME = 'caac';
export const HOMEPAGE = 'https://github.com/conditional-access-as-code/caac';
