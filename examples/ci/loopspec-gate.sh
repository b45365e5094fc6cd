#!/usr/bin/env bash
# The loopspec gate for an asyncio-compatible loop, as one CI step: any CI system that can run
# a shell script can use it. It goes red when the loop deviates from the spec in a way the
# checked-in expectations file does not list, and when that file is stale.
#
# Environment (set in your CI configuration):
#   LOOPSPEC_POLICY   your loop's policy class, module:attr (e.g. myloop:EventLoopPolicy), or
#   LOOPSPEC_FACTORY  a callable returning a loop, module:attr (e.g. myloop:new_event_loop)
#   PYTHON            the interpreter with your loop installed (default python3)
#   EXPECT            the expectations file in your repository (default loopspec.expect)
#   OUT               where the reports go, to upload as artifacts (default loopspec-out)
set -euo pipefail
PYTHON=${PYTHON:-python3}
EXPECT=${EXPECT:-loopspec.expect}
OUT=${OUT:-loopspec-out}
mkdir -p "$OUT"

# 1. Install loopspec (Node.js 20.19+): pin the version you adopted.
[ -d loopspec ] || git clone --depth 1 "${LOOPSPEC_REPO:?set LOOPSPEC_REPO to the loopspec repository}" loopspec
(cd loopspec && npm ci --no-audit --no-fund)

# 2. Run the gate against the loop, writing every report.
plugin=()
[ -n "${LOOPSPEC_POLICY:-}" ] && plugin+=(--policy "$LOOPSPEC_POLICY")
[ -n "${LOOPSPEC_FACTORY:-}" ] && plugin+=(--loop-factory "$LOOPSPEC_FACTORY")
expect=()
[ -f "$EXPECT" ] && expect=(--expect "$PWD/$EXPECT")
status=0
(cd loopspec && npx loopspec run --impl "python:$(command -v "$PYTHON")" "${plugin[@]}" "${expect[@]}" \
  --json "$OLDPWD/$OUT/report.json" --junit "$OLDPWD/$OUT/junit.xml" \
  --markdown "$OLDPWD/$OUT/summary.md" --html "$OLDPWD/$OUT/report.html" \
  --save-failures "$OLDPWD/$OUT/counterexamples") || status=$?

# 3. Upload $OUT as artifacts (report.html for people, junit.xml for the CI's test view,
#    summary.md for a job summary or a pull-request comment). Exit codes: 0 pass, 1 a
#    regression or a stale expectation, 2 bad usage or a broken driver.
exit "$status"
