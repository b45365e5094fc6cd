/**
 * Every error the gate throws for bad input (a file, a shard spec, reports that do not fit
 * together) is a GateError, so the CLI can turn all of them into a usage error (exit 2)
 * without catching its own bugs too.
 */
export class GateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
