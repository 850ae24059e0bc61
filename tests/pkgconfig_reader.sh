#!/usr/bin/env bash
# The library as other people use it: install the build into a fresh
# prefix, then build tests/reader/top_skills.c with nothing but
# `pkg-config --cflags --libs skidx` (only the installed skidx.pc visible,
# so no Hyperscan, zstd or xxHash .pc file or header is asked for), once
# against the shared library and once statically, run both, and compare
# their output with `skidx query` on the same index.
# usage: pkgconfig_reader.sh SKIDX SOURCE_DIR BUILD_DIR [CC]
# CC: the compiler skidx was built with (skidx.pc holds its OpenMP flag)
set -u
SKIDX=$1 SRC=$2 BUILD=$3 CC=${4:-cc}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi; }

cmake --install "$BUILD" --prefix "$T/p" >"$T/install.log" 2>&1
check "install exit" 0 $?
P=$T/p
for f in include/skidx.h lib/libskidx.a lib/pkgconfig/skidx.pc \
         share/doc/skidx/FORMAT.md share/doc/skidx/EXPORT.md bin/skidx; do
    [ -e "$P/$f" ] && echo "ok: installed $f" || { echo "FAIL: $f not installed"; fail=1; }
done
so=$(cd "$P/lib" && ls libskidx.so.* 2>/dev/null | head -1)
[ -n "$so" ] && echo "ok: shared library $so" || { echo "FAIL: no libskidx.so.*"; fail=1; }
check "soname" "libskidx.so.3" "$(readelf -d "$P/lib/libskidx.so" | sed -n 's/.*soname: \[\(.*\)\]/\1/p')"
check "the header includes only the C library" "stddef.h stdint.h" \
    "$(sed -n 's/^#include <\(.*\)>/\1/p' "$P/include/skidx.h" | tr '\n' ' ' | sed 's/ $//')"
# the shared library exports the API of skidx.h and nothing else
nm -D --defined-only "$P/lib/libskidx.so" | awk '$3 ~ /^skidx_/ {sub(/@.*/, "", $3); print $3}' | sort > "$T/exported"
grep -oE '(skidx_[a-z0-9_]+)\(' "$P/include/skidx.h" | tr -d '(' | sort -u > "$T/declared"
check "exported = declared in skidx.h" "" "$(diff "$T/exported" "$T/declared")"

export PKG_CONFIG_LIBDIR=$P/lib/pkgconfig PKG_CONFIG_PATH=
flags=$(pkg-config --cflags --libs skidx 2>&1)
check "pkg-config --cflags --libs with only skidx.pc" 0 $?
sflags=$(pkg-config --cflags --libs --static skidx 2>&1)
check "pkg-config --static with only skidx.pc" 0 $?
check "version" "$(sed -n 's/^#define SKIDX_VERSION_STRING "\(.*\)"/\1/p' "$SRC/include/skidx.h")" "$(pkg-config --modversion skidx)"

"$SKIDX" index "$SRC/corpora/sample" -o "$T/s.skidx" --quiet
check "index exit" 0 $?
"$SKIDX" query "$T/s.skidx" --role "ML Engineer" --seniority Senior --top 8 --format csv \
    | awk -F, 'NR > 1 {print $8 "," $6 "," $9 "," $10}' > "$T/want"
[ "$(wc -l < "$T/want")" -eq 8 ] && echo "ok: skidx query gives 8 rows" || { echo "FAIL: query rows"; fail=1; }

# shellcheck disable=SC2086
"$CC" -o "$T/dyn" "$SRC/tests/reader/top_skills.c" $flags 2>"$T/cc.err"
check "dynamic build" 0 $?; cat "$T/cc.err"
LD_LIBRARY_PATH=$P/lib "$T/dyn" "$T/s.skidx" "ML Engineer" Senior 8 | tail -n +2 > "$T/got-dyn"
check "dynamic reader agrees with skidx query" "" "$(diff "$T/want" "$T/got-dyn")"
check "dynamic reader links the shared library" 1 \
    "$(LD_LIBRARY_PATH=$P/lib ldd "$T/dyn" | grep -c "libskidx.so.3 => $P/lib")"

# a static reader needs the OpenMP runtime as an archive: gcc has
# libgomp.a; LLVM's libomp comes as a shared library only on Debian 12
case " $sflags " in
*" -fopenmp=libomp "*)
    case $("$CC" -print-file-name=libomp.a) in
    /*) ;;
    *) echo "skip: static reader ($CC has no libomp.a; the shared one was tested)"
       exit $fail ;;
    esac ;;
esac
# shellcheck disable=SC2086
"$CC" -static -o "$T/st" "$SRC/tests/reader/top_skills.c" $sflags 2>"$T/cc.err"
check "static build" 0 $?; grep -v 'dlopen' "$T/cc.err"
"$T/st" "$T/s.skidx" "ML Engineer" Senior 8 | tail -n +2 > "$T/got-st"
check "static reader agrees with skidx query" "" "$(diff "$T/want" "$T/got-st")"
check "static reader needs no shared library" 0 "$(ldd "$T/st" 2>&1 | grep -c '=>')"
# names resolve through the index's aliases: MLE (a title word of ML
# Engineer) and Sr (of Senior) give the same slice
"$T/st" "$T/s.skidx" mle sr 8 | tail -n +2 > "$T/got-alias"
check "reader resolves role and level aliases" "" "$(diff "$T/want" "$T/got-alias")"
"$T/st" "$T/s.skidx" Astronaut Senior 8 >/dev/null 2>"$T/err"
check "unknown role is an error" 1 $?
grep -q "not found" "$T/err" && echo "ok: not found message" || { echo "FAIL: not found message"; fail=1; }
exit $fail
