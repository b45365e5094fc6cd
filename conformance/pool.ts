/**
 * Several instances of one implementation (driver processes) as one adapter: each program
 * runs on whichever instance is free, so programs that wait on real timers overlap.
 */
import type { Adapter, RunLimits } from './adapter.ts';
import type { Program } from '../language/program.ts';
import type { Trace } from '../language/trace.ts';

/** An adapter over `adapters`, with how many programs it runs at once. */
export interface Pool extends Adapter {
  size: number;
}

export function adapterPool(adapters: Adapter[]): Pool {
  const [first] = adapters;
  const free = [...adapters];
  const waiting: Array<(a: Adapter) => void> = [];
  const acquire = (): Promise<Adapter> =>
    free.length > 0 ? Promise.resolve(free.pop()!) : new Promise<Adapter>((resolve) => waiting.push(resolve));
  const release = (a: Adapter) => {
    const next = waiting.shift();
    if (next) next(a);
    else free.push(a);
  };
  return {
    name: first.name,
    version: first.version,
    capabilities: first.capabilities,
    ...(first.profile ? { profile: first.profile } : {}),
    size: adapters.length,
    async run(program: Program, limits?: RunLimits): Promise<Trace> {
      const a = await acquire();
      if (limits) limits.startedAt = performance.now();
      try {
        return await a.run(program, limits);
      } finally {
        release(a);
      }
    },
    async close() {
      await Promise.all(adapters.map((a) => a.close()));
    },
    incidents: () => adapters.flatMap((a) => a.incidents?.() ?? []),
  };
}

/** How many programs an adapter runs at once: a pool's size, else one. */
export const poolSize = (a: Adapter): number => ('size' in a && typeof a.size === 'number' ? a.size : 1);
