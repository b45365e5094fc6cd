/**
 * The files the command writes, checked before anything runs: a run must not be lost, after
 * minutes, to an output path that names a folder, sits under a regular file or in a place no
 * file can be made (/proc). The checks write nothing that stays: a probe file is created and
 * removed at once, since permissions alone cannot tell (root may write anywhere but /proc).
 *
 * Folders are made one level at a time: Node's recursive mkdir spins forever under /proc.
 */
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../../conformance/load-adapter.ts';

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The path itself or its nearest ancestor that exists. */
function nearestExisting(path: string): { path: string; stat: Stats } {
  for (let p = resolve(path); ; p = dirname(p)) {
    const stat = statOf(p);
    if (stat || dirname(p) === p) return { path: p, stat: stat ?? statSync(p) };
  }
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code} (${err.message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '')})` : String(e);
}

/** Creates a file where none is, then removes it: whether files can be made in `folder`. */
function probe(folder: string, name = `.loopspec-probe-${process.pid}-${Math.random().toString(36).slice(2)}`): void {
  const file = join(folder, name);
  closeSync(openSync(file, 'wx'));
  unlinkSync(file);
}

/** `file` can be written (an output named by `flag`), or a UsageError says why not. */
export function checkOutputFile(flag: string, file: string): void {
  if (file.trim() === '') throw new UsageError(`${flag} wants a file name`);
  const path = resolve(file);
  const stat = statOf(path);
  if (stat?.isDirectory()) throw new UsageError(`${file} is a folder: name a file to write (${flag})`);
  try {
    if (stat) closeSync(openSync(path, 'r+'));
    else checkFolderCanHold(dirname(path), `${file} (${flag})`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot write to ${file} (${flag}): ${reason(e)}`);
  }
}

/** Whether `folder` exists and files can be made in it, or it can be made; `target` names the output in errors. */
function checkFolderCanHold(folder: string, target: string): void {
  const near = nearestExisting(folder);
  if (!near.stat.isDirectory()) throw new UsageError(`cannot write to ${target}: ${near.path} is not a folder`);
  if (near.path === folder) probe(folder);
  else {
    try {
      probe(near.path);
    } catch (e) {
      throw new UsageError(`cannot write to ${target}: cannot make folders in ${near.path}: ${reason(e)}`);
    }
  }
}

/** `folder` is one, or can be made, and files can be made in it. */
export function checkOutputFolder(flag: string, folder: string): void {
  if (folder.trim() === '') throw new UsageError(`${flag} wants a folder name`);
  try {
    checkFolderCanHold(resolve(folder), `${folder} (${flag})`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot write to ${folder} (${flag}): ${reason(e)}`);
  }
}

/** No two outputs may name the same file: the second would overwrite the first. */
export function checkDistinct(outputs: Array<[flag: string, file: string | undefined]>): void {
  const seen = new Map<string, string>();
  for (const [flag, file] of outputs) {
    if (!file) continue;
    const other = seen.get(resolve(file));
    if (other) throw new UsageError(`${other} and ${flag} both name ${file}: give each output its own file`);
    seen.set(resolve(file), flag);
  }
}

/** `mkdir -p`, one level at a time. */
export function makeFolders(folder: string): void {
  const missing: string[] = [];
  for (let p = resolve(folder); !statOf(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing) mkdirSync(p);
}
