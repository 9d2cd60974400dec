#!/bin/bash
# One change and no-op, the code of two clones run in turn (BENCHMARKS.md, issue 16): the
# machine's speed drifts too much for runs taken apart to be compared.
#
#   OLD=/path/clone-a NEW=/path/clone-b PACKET=/tmp/s20k/packet.yaml \
#   FILE=/tmp/s20k/p01234.yaml OLD_OUT=/tmp/s20ko NEW_OUT=/tmp/s20kn tools/one_change_in_turn.sh
#
# Each clone builds into its own folder (build both once first: the first build is cold). A
# change moves FILE's "score: 82.18" to 82.19 and back; every line printed is "what seconds".
set -e
: "${OLD:?}" "${NEW:?}" "${PACKET:?}" "${FILE:?}" "${OLD_OUT:?}" "${NEW_OUT:?}"
DOCGEN=${DOCGEN:-$(dirname "$0")/../.venv/bin/docgen}
run() { PYTHONPATH=$1 /usr/bin/time -f "$3 %e" "$DOCGEN" build "$PACKET" -o "$2" -q 2>&1 | tail -1; }
run "$OLD" "$OLD_OUT" settle-old >/dev/null; run "$NEW" "$NEW_OUT" settle-new >/dev/null
for i in $(seq "${ROUNDS:-10}"); do
  if grep -q "score: 82.18" "$FILE"; then from=82.18 to=82.19; else from=82.19 to=82.18; fi
  sed "s/score: $from/score: $to/" "$FILE" > "$FILE.tmp" && mv "$FILE.tmp" "$FILE"  # never half written
  if [ $((i % 2)) = 1 ]; then run "$OLD" "$OLD_OUT" one-old; run "$NEW" "$NEW_OUT" one-new
  else run "$NEW" "$NEW_OUT" one-new; run "$OLD" "$OLD_OUT" one-old; fi
done
for i in $(seq 6); do run "$OLD" "$OLD_OUT" noop-old; run "$NEW" "$NEW_OUT" noop-new; done
