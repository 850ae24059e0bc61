#!/usr/bin/env python3
"""ascii-corpus.py IN_DIR OUT_DIR: the shards of IN_DIR (*.jsonl.zst) as a
pure-ASCII corpus, for issue 11's budget "on ASCII-only text": every string
value folded to ASCII (typographic quotes, dashes, bullets, ellipsis and
no-break spaces mapped; then NFKD with the marks and every other non-ASCII
character dropped), written as JSON without \\u escapes, one posting a line,
zstd -3. Records that are not JSON are left out. Needs the zstd command.

BENCHMARKS.md ("The eighth session's figures") used it on the 16 shards of
`skidx-gen --postings 300000 --shards 16 --seed 42`."""
import json
import os
import subprocess
import sys
import unicodedata

MAP = {'\u2019': "'", '\u2018': "'", '\u201c': '"', '\u201d': '"',
       '\u2013': '-', '\u2014': '-', '\u2022': '*', '\u2026': '...',
       '\u00a0': ' ', '\u2212': '-'}


def fold(s):
    s = ''.join(MAP.get(c, c) for c in s)
    return unicodedata.normalize('NFKD', s).encode('ascii', 'ignore').decode()


def walk(v):
    if isinstance(v, str):
        return fold(v)
    if isinstance(v, list):
        return [walk(x) for x in v]
    if isinstance(v, dict):
        return {k: walk(x) for k, x in v.items()}
    return v


def shard(src, dst):
    dec = subprocess.Popen(['zstd', '-dcq', src], stdout=subprocess.PIPE)
    enc = subprocess.Popen(['zstd', '-q', '-3', '-f', '-o', dst],
                           stdin=subprocess.PIPE)
    for line in dec.stdout:
        try:
            d = json.loads(line)
        except ValueError:
            continue
        enc.stdin.write(json.dumps(walk(d)).encode() + b'\n')
    enc.stdin.close()
    if enc.wait() or dec.wait():
        sys.exit(f'ascii-corpus.py: zstd failed on {src}')


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    names = sorted(n for n in os.listdir(src) if n.endswith('.jsonl.zst'))
    if not names:
        sys.exit(f'ascii-corpus.py: no *.jsonl.zst in {src}')
    for n in names:
        shard(os.path.join(src, n), os.path.join(dst, n))


if __name__ == '__main__':
    main()
