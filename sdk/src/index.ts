// ES module entry: `import { reprise } from '.../reprise.esm.js'; reprise.init({...})`.
// Importing starts nothing; init() does.
import { createReprise } from './boot/reprise';

export { createReprise, SDK_VERSION } from './boot/reprise';
export type { RepriseApi } from './boot/reprise';
export type { InitOptions } from './boot/config';
export type { PrivacyLevel } from './domain/privacy';
export type { User } from './domain/assembly';

/** The default instance (the same API as window.REPRISE in the script-tag bundle). */
export const reprise = createReprise();
export default reprise;
