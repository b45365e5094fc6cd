/** The harness, its schemas, its page and the Python driver speak the same protocol version. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PROTOCOL_VERSION } from './version.ts';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

it("the Python driver's PROTOCOL is PROTOCOL_VERSION", () => {
  const constants = [...read('../drivers/python/loopspec_server.py').matchAll(/^PROTOCOL = (\d+)\s*$/gm)].map((m) => Number(m[1]));
  expect(constants, "one 'PROTOCOL = <n>' line in drivers/python/loopspec_server.py").toHaveLength(1);
  expect(constants[0]).toBe(PROTOCOL_VERSION);
});

it("the driver's hello schema and PROTOCOL.md name PROTOCOL_VERSION", () => {
  expect(JSON.parse(read('./schemas/hello.json')).properties.protocol).toEqual({ const: PROTOCOL_VERSION });
  expect(read('./PROTOCOL.md').split('\n')[0]).toBe(`# The loopspec driver protocol, version ${PROTOCOL_VERSION}`);
});
