#!/usr/bin/env bash
# `skidx taxonomy lint`: the default taxonomy has no errors; each check
# fires on a taxonomy made to trip it, with file and line.
# usage: cli_taxonomy_lint.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi; }
has() { if grep -qF -- "$2" "$3"; then echo "ok: $1"; else echo "FAIL: $1: no '$2' in:"; cat "$3"; fail=1; fi; }

# the default taxonomy: no errors (warnings are for its authors to read)
"$SKIDX" taxonomy lint "$SRC/taxonomy" >"$T/out" 2>"$T/err"
check "default taxonomy lints clean" 0 $?
check "no error lines" 0 "$(grep -c ': error: ' "$T/out")"
has "summary on stderr" "taxonomy lint: $SRC/taxonomy:" "$T/err"

mkdir "$T/bad"
cp "$SRC/tests/e2e/taxonomy/roles.tsv" "$T/bad/roles.tsv"
printf '%s\n' '@name	lint' \
  'Python	Languages	python' \
  'Go	Languages	=Go	golang' \
  'Image processing	Vision	image processing' \
  'Image tools	Vision	image-processing' \
  'Swift	Languages	swift' \
  'Ruby	Languages	=Ruby' \
  'Rust	Languages	=RUST' \
  'Rust lang	Languages	=Rust' > "$T/bad/skills.tsv"
"$SKIDX" taxonomy lint --words /usr/share/dict/words "$T/bad" >"$T/out" 2>"$T/err"
check "errors give exit 1" 1 $?
has "separators are one" "error: alias 'image-processing' of 'Image tools' matches the same text as alias 'image processing' of 'Image processing'" "$T/out"
check "two case-sensitive forms that differ do not collide" 0 "$(grep -c "RUST.*matches the same text" "$T/out")"
has "a common word as a caseless alias" "skills.tsv:6: warning: caseless alias 'swift' of 'Swift' is a common English word" "$T/out"
check "no note for an all-capitals form" 0 "$(grep -c "note: case-sensitive alias 'RUST'" "$T/out")"
has "a capitalised word as a case-sensitive alias" "skills.tsv:7: note: case-sensitive alias 'Ruby'" "$T/out"

# a skill without a positive alias never matches: the loader refuses it,
# and lint reports that with file and line
mkdir "$T/orphan"; cp "$T/bad/roles.tsv" "$T/orphan/"
printf '%s\n' 'Python	Languages	python' 'Orphan	Languages	!orphan negative only' > "$T/orphan/skills.tsv"
"$SKIDX" taxonomy lint "$T/orphan" >/dev/null 2>"$T/err"
check "skill without alias: exit 1" 1 $?
has "skill without alias: file and line" "skills.tsv':2: skill 'Orphan' has no alias" "$T/err"

"$SKIDX" taxonomy lint --no-words "$T/bad" >"$T/out" 2>&1
check "--no-words skips the word checks" 0 "$(grep -c 'English word' "$T/out")"
"$SKIDX" taxonomy lint --words "$T/none" "$T/bad" >/dev/null 2>"$T/err"
check "missing word list given by name: usage error" 2 $?
"$SKIDX" taxonomy frob >/dev/null 2>&1
check "unknown taxonomy command" 2 $?
"$SKIDX" taxonomy lint "$T/nowhere" >/dev/null 2>"$T/err"
check "missing taxonomy" 1 $?
exit $fail
