/**
 * heapq: the loop's timers as a binary min-heap, ordered by TimerHandle.lessThan (when, then
 * the order they were scheduled in).
 */
import type { TimerHandle } from './events.ts';

export function heapPush(h: TimerHandle[], x: TimerHandle): void {
  h.push(x);
  for (let i = h.length - 1; i > 0; ) {
    const p = (i - 1) >> 1;
    if (!h[i].lessThan(h[p])) break;
    [h[i], h[p]] = [h[p], h[i]];
    i = p;
  }
}

export function heapPop(h: TimerHandle[]): TimerHandle {
  const top = h[0];
  const last = h.pop()!;
  if (h.length) {
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l].lessThan(h[m])) m = l;
      if (r < h.length && h[r].lessThan(h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
  return top;
}
