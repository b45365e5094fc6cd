/** The CI gate: expectations files, report diffs, sharding and merging, report files. */
export { GateError } from './errors.ts';
export { EXPECTATIONS_HEADER, ExpectationsError, parseExpectations, readExpectations } from './expectations.ts';
export type { ExpectationEntry, Expectations, ExpectationsErrorKind, ExpectedStatus } from './expectations.ts';
export { checkExpectations, formatExpectationsCheck } from './check.ts';
export type { ExpectationsCheck, Matched, Surprise } from './check.ts';
export { PLACEHOLDER_REASON, writeExpectations } from './write.ts';
export { diffReports, formatDiff } from './diff.ts';
export type { DiffClass, RuleDiff } from './diff.ts';
export { parseShard, shardRules, ShardError } from './shard.ts';
export type { Shard } from './shard.ts';
export { mergeReports, MergeError } from './merge.ts';
export { readReport, ReportError } from './read-report.ts';
