#!/usr/bin/env bash
# `skidx report`: the Markdown report of the hand-worked corpus of
# tests/report (numbers from its README, worked out by hand), the HTML
# report's self-containment and charts, and a render in headless Chromium.
# The browser part needs Debian's `chromium`; without it the test prints
# SKIP for that part, unless SKIDX_REQUIRE_BROWSER=1 (CI), where it fails.
# usage: cli_report.sh SKIDX SOURCE_DIR
set -u
SKIDX=$1 SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { # name expected actual
    if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; else echo "ok: $1"; fi
}
has() { # name line file
    if grep -qxF -- "$2" "$3"; then echo "ok: $1"; else echo "FAIL: $1: no line '$2' in $3"; fail=1; fi
}
R=$SRC/tests/report
I=$T/r.skidx
"$SKIDX" index -q -t "$R/taxonomy" "$R/corpus" -o "$I" || { echo "FAIL: index"; exit 1; }

# ---- Markdown ----
"$SKIDX" report "$I" --min-count 3 -o "$T/r.md"
check "report exit code" 0 $?
M=$T/r.md
has "title" "# Skill demand report: 20 postings, taxonomy report-test 1" "$M"
has "corpus: postings" "| postings counted | 20 |" "$M"
has "corpus: period" "| period | 2025-01 to 2025-06 (6 months) |" "$M"
has "corpus: duplicates" "| duplicates removed | 1 |" "$M"
has "corpus: skipped" "| records skipped | 1 |" "$M"
has "corpus: other currency" "| salaries in other currencies | 1 (counted, not averaged) |" "$M"
has "corpus: taxonomy" "| taxonomy | report-test 1 |" "$M"
has "summary: Python" "- Python is mentioned in 70.0% of all 20 postings (critical)." "$M"
has "summary: mean salary" "- The mean salary is 141,250 USD over 16 salaried postings." "$M"
has "top skill row" "| 1 | Python | 70.0% | 48.1-85.5% | 14 | critical |" "$M"
has "TensorFlow at 30% is high" "| 4 | TensorFlow | 30.0% | 14.5-51.9% | 6 | high |" "$M"
has "Azure at 10% is medium" "| 7 | Azure | 10.0% | 2.8-30.1% | 2 | medium |" "$M"
has "role section" "### 1. ML Engineer (11 postings, mean salary 163,333 USD)" "$M"
has "cell section" "#### ML Engineer, Senior (6 postings, mean salary 186,000 USD)" "$M"
has "cell table row" "| 2 | PyTorch | 83.3% | 43.6-97.0% | 5 | critical |" "$M"
has "Other comes last" "### 3. Other (2 postings, mean salary 80,000 USD)" "$M"
has "low n flag" "Low n: fewer than 30 postings; the shares below are indicative only." "$M"
has "frameworks by seniority, Senior" "| Senior | 9 | 22.2% | 55.6% | low n |" "$M"
has "frameworks by seniority, Mid" "| Mid | 11 | 36.4% | 27.3% | low n |" "$M"
has "frameworks by role" "| ML Engineer | 11 | 45.5% | 63.6% | low n |" "$M"
has "cloud by role" "| ML Engineer | 11 | 36.4% | 9.1% | 18.2% | low n |" "$M"
has "growing" "| 1 | PyTorch | 20.0% | 60.0% | +40.0 | +200% | 2 -> 6 |" "$M"
has "declining" "| 1 | Python | 90.0% | 50.0% | -40.0 | -44% | 9 -> 5 |" "$M"
has "salaries row" "| ML Engineer | Senior | 6 | 5 | 186,000 | 171,250 | 182,500 | 203,750 | low n |" "$M"
# asked together and trends by role (posting-level), by hand from the
# README's table: ML Engineer is p01-p11; Python 9, PyTorch 7, both 6
# (p01 p02 p05 p06 p09 p11): lift 6*11/(9*7) = 1.05; PyTorch and
# TensorFlow (5: p03 p05 p07 p08 p10) only p05: 11/35 = 0.31; TensorFlow
# and GCP (p03 p10) 2*11/(5*2) = 2.20
has "asked together: heading" "## Asked together" "$M"
has "asked together: Python and PyTorch" "| Python | PyTorch | 6 | 54.5% | 1.05 |" "$M"
has "asked together: PyTorch and TensorFlow" "| PyTorch | TensorFlow | 1 | 9.1% | 0.31 |" "$M"
has "asked together: TensorFlow and GCP" "| TensorFlow | GCP | 2 | 18.2% | 2.20 |" "$M"
"$SKIDX" report "$I" --min-postings 3 -o "$T/r3.md"
# ML Engineer in 2025-01: p01 p07 p08; Python in all, PyTorch p01, TensorFlow p07 p08
has "trends by role: heading" "## Trends by role" "$T/r3.md"
has "trends by role: ML Engineer 2025-01" "| 2025-01 | 3 | 100.0% | 33.3% | 66.7% |" "$T/r3.md"
has "premium LoRA" "| 1 | LoRA | 3 | 190,000 | 13 | 130,000 | +60000 | +46.2% |" "$T/r3.md"
has "salaries row, reliable at 3" "| ML Engineer | Senior | 6 | 5 | 186,000 | 171,250 | 182,500 | 203,750 |  |" "$T/r3.md"

# a taxonomy without cloud or framework skills: sections say so
mkdir -p "$T/tax2"
printf '@name\tnocloud\n@version\t1\nPython\tLanguages\tpython\nSQL\tData\tsql\n' >"$T/tax2/skills.tsv"
cp "$R/taxonomy/roles.tsv" "$T/tax2/"
"$SKIDX" index -q -t "$T/tax2" "$R/corpus" -o "$T/n.skidx" && "$SKIDX" report "$T/n.skidx" -o "$T/n.md"
grep -q "no posting that mentions AWS, Azure or GCP: section skipped" "$T/n.md" && echo "ok: cloud skipped" || { echo "FAIL: cloud skipped"; fail=1; }
grep -q "no posting that mentions TensorFlow, PyTorch" "$T/n.md" && echo "ok: frameworks skipped" || { echo "FAIL: frameworks skipped"; fail=1; }

# ---- HTML: same content, self-contained, charts ----
"$SKIDX" report "$I" --min-count 3 -f html -o "$T/r.html"
check "html exit code" 0 $?
H=$T/r.html
grep -q "<td>Python</td><td class=\"n\">70.0%</td>" "$H" && echo "ok: html has the tables" || { echo "FAIL: html tables"; fail=1; }
check "html: no script" 0 "$(grep -ci '<script' "$H")"
check "html: no external reference" 0 "$(grep -oE '(src|href)=|url\(|@import|https?://' "$H" | grep -vc '^http://$' )"
check "html: only the SVG namespace URL" "http://www.w3.org/2000/svg" "$(grep -oE 'https?://[^"]*' "$H" | sort -u | xargs)"
# charts: top skills + 5 cells (bars), frameworks x2 + cloud (groups),
# trend (lines), salaries (ranges)
check "html: svg charts" 11 "$(grep -c '<svg' "$H")"
check "html: trend polylines (top 6 skills)" 6 "$(grep -c '<polyline' "$H")"
check "html: salary range boxes" 5 "$(grep -c 'fill="#4e79a7" opacity\|fill="#4e79a7"/><line' "$H")"

# ---- the browser: render the sample corpus report ----
BROWSER=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$BROWSER" ]; then
    if [ "${SKIDX_REQUIRE_BROWSER:-0}" = 1 ]; then
        echo "FAIL: chromium not found and SKIDX_REQUIRE_BROWSER=1 (install Debian's 'chromium')"
        exit 1
    fi
    echo "SKIP: browser render: chromium not installed (set SKIDX_REQUIRE_BROWSER=1 to make this a failure)"
    exit $fail
fi
"$SKIDX" index -q -t "$R/sample_taxonomy" "$SRC/corpora/sample" -o "$T/s.skidx" &&
    "$SKIDX" report "$T/s.skidx" -f html -o "$T/s.html"
check "sample html report" 0 $?
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --window-size=1200,3000)
timeout 120 "$BROWSER" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$T")" \
    --screenshot="$T/s.png" "file://$T/s.html" >/dev/null 2>&1
check "chromium screenshot exit" 0 $?
size=$(python3 - "$T/s.png" <<'PY'
import struct, sys, os
b = open(sys.argv[1], "rb").read(32)
assert b[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", b[16:24])
print(w, h, os.path.getsize(sys.argv[1]) > 50000)
PY
)
check "screenshot is a 1200x3000 PNG with content" "1200 3000 True" "$size"
timeout 120 "$BROWSER" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$T")" \
    --dump-dom "file://$T/s.html" >"$T/dom.html" 2>/dev/null
check "chromium dump-dom exit" 0 $?
n_svg=$(grep -o '<svg' "$T/dom.html" | wc -l)
n_rect=$(grep -o '<rect' "$T/dom.html" | wc -l)
n_poly=$(grep -o '<polyline' "$T/dom.html" | wc -l)
check "rendered DOM keeps every chart" "$(grep -o '<svg' "$T/s.html" | wc -l)" "$n_svg"
[ "$n_svg" -ge 20 ] && [ "$n_rect" -ge 200 ] && [ "$n_poly" -ge 5 ] &&
    echo "ok: rendered charts ($n_svg svg, $n_rect rect, $n_poly polyline)" ||
    { echo "FAIL: rendered charts ($n_svg svg, $n_rect rect, $n_poly polyline)"; fail=1; }
if [ -n "${SKIDX_SCREENSHOT_OUT:-}" ]; then cp "$T/s.png" "$SKIDX_SCREENSHOT_OUT"; fi
exit $fail
