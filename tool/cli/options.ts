/**
 * What the command line accepts: exit codes, where it writes, and the checks of every number
 * and name a flag takes, made while the arguments are parsed, before anything runs.
 */
import { InvalidArgumentError } from 'commander';
import { PROPERTIES } from '../../conformance/properties/index.ts';
import { UsageError } from '../../conformance/load-adapter.ts';
import { GROUP_TITLES } from '../../spec/rules.ts';
import { requireProfile } from '../../spec/profiles.ts';
import type { Profile } from '../../spec/profiles.ts';
import { asUsage } from './commands.ts';

export const EXIT = { ok: 0, fail: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

export const defaultIo: Io = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  isTTY: Boolean(process.stderr.isTTY),
  env: process.env,
};

/** Implementations that run side by side, at most: more than the rules is no faster. */
export const MAX_JOBS = 64;

/** A whole number from 1 to `max` (past it, a number is a typo or overflows a timer). */
export function positiveInt(name: string, max = 2 ** 31 - 1) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${name} must be a positive whole number, got '${v}'`);
    if (Number(v) > max) throw new InvalidArgumentError(`${name} must be at most ${max}, got '${v}'`);
    return Number(v);
  };
}

/** A count from 0 to 100 (reruns of a counterexample). */
export function rerunCount(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 100) throw new InvalidArgumentError(`--verify must be a whole number from 0 to 100, got '${v}'`);
  return Number(v);
}

export function replayPath(v: string): string {
  if (!/^\d+(:\d+)*$/.test(v))
    throw new InvalidArgumentError(`a replay path is numbers separated by colons (as printed after a failure), got '${v}'`);
  return v;
}

/** fast-check's seeds are 32-bit: 2147483648 would run the same as -2147483648. */
export function int32(v: string): number {
  if (!/^-?\d+$/.test(v) || Number(v) < -(2 ** 31) || Number(v) > 2 ** 31 - 1)
    throw new InvalidArgumentError(`seed must be a whole number from -2147483648 to 2147483647, got '${v}'`);
  return Number(v);
}

/** A repeatable option: every value, in order. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `--rule GET-1` or a whole group, `--rule GET`. */
export function selectRules(wanted: string[]): string[] {
  const ids = PROPERTIES.map((p) => p.rule);
  const chosen = new Set<string>();
  for (const w of wanted.flatMap((x) => x.split(',')).map((x) => x.trim().toUpperCase())) {
    if (ids.includes(w)) chosen.add(w);
    else if (Object.hasOwn(GROUP_TITLES, w)) {
      for (const id of ids) if (id.startsWith(`${w}-`)) chosen.add(id);
    } else throw new UsageError(`unknown rule '${w}': see \`loopspec rules\` for the list`);
  }
  return ids.filter((id) => chosen.has(id));
}

export function chosenProfile(name: string): Profile {
  return asUsage(() => requireProfile(name));
}
