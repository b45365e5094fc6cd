/**
 * The loopspec protocol's version (protocol/PROTOCOL.md), as the harness speaks it in its
 * hello. The Python driver keeps its own constant, PROTOCOL in drivers/python/loopspec_server.py
 * (it runs without this repository's TypeScript); protocol/version.test.ts fails when the two
 * disagree.
 */
export const PROTOCOL_VERSION = 1;
