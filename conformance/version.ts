/** loopspec's own version, read once from its package.json (reports, handshakes, --version). */
import { readFileSync } from 'node:fs';

export const LOOPSPEC_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
