#!/usr/bin/env bash
# Accuracy on real postings: tests/real/evaluate.py runs `skidx match` on the
# labelled real-posting set and fails when a figure falls below its floor
# (tests/real/floors.txt). The figures are printed for the log.
# usage: cli_realset.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
python3 "$SRC/tests/real/evaluate.py" "$SKIDX" "$SRC/taxonomy" "$SRC/tests/real" \
    --floors "$SRC/tests/real/floors.txt"
rc=$?
echo "== with the second reader's verdicts (tests/real/*/adjudication.jsonl)"
python3 "$SRC/tests/real/evaluate.py" "$SKIDX" "$SRC/taxonomy" "$SRC/tests/real" --adjudicated | head -12
exit $rc
