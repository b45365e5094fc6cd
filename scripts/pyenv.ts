/** The CPythons pyenv has here, for the scripts that record or judge on every one of them. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** The python3 of every pyenv version whose name matches `versions` (e.g. /^3\.(8|9)\.\d+$/); none without pyenv. */
export function pyenvInterpreters(versions: RegExp): string[] {
  let root = '';
  try {
    root = execFileSync('pyenv', ['root'], { encoding: 'utf8' }).trim();
  } catch {
    return [];
  }
  const names = existsSync(`${root}/versions`) ? readdirSync(`${root}/versions`) : [];
  return names.filter((v) => versions.test(v)).map((v) => `${root}/versions/${v}/bin/python3`);
}
