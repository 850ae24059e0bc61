#!/usr/bin/env python3
"""zh-corpus.py [--distinct] IN_DIR OUT_DIR [ZH_POSTINGS]: the shards of IN_DIR
(*.jsonl.zst) with every fifth posting Chinese, for issue 11's "the cost
on a corpus where a fifth of the postings are Chinese": in each shard the
5th, 10th, 15th, ... JSON record gets the title and description of one of
the labelled Chinese postings (ZH_POSTINGS, default
tests/real/zh/postings.jsonl, taken in turn), its other fields kept.
Written as JSON with the characters as UTF-8 (no \\u escapes), one
posting a line, zstd -3. Records that are not JSON are left out. Needs
the zstd command.

The Chinese postings repeat (120 of them in 60,000 places), so that many
are reposts, which skidx passes over once the first is decided. With
--distinct each copy's description ends with a number of its own
("编号N" on a line of its own), so that none is a repost and every one
is read: the cost of the Chinese text itself.

BENCHMARKS.md ("The eighteenth session") used it on the 16 shards of
corpus-ascii2 (`skidx-gen --postings 300000 --shards 16 --seed 42`, then
scripts/ascii-corpus.py), so that the other four fifths are ASCII."""
import json
import os
import subprocess
import sys


def shard(src, dst, zh, turn, distinct):
    dec = subprocess.Popen(['zstd', '-dcq', src], stdout=subprocess.PIPE)
    enc = subprocess.Popen(['zstd', '-q', '-3', '-f', '-o', dst],
                           stdin=subprocess.PIPE)
    k = 0
    for line in dec.stdout:
        try:
            d = json.loads(line)
        except ValueError:
            continue
        k += 1
        if k % 5 == 0 and isinstance(d, dict):
            z = zh[turn % len(zh)]
            turn += 1
            d['title'] = z.get('title', '')
            d['description'] = z.get('description', '')
            if distinct:
                d['description'] += f'\n编号{turn}'
        enc.stdin.write(json.dumps(d, ensure_ascii=False).encode() + b'\n')
    enc.stdin.close()
    if enc.wait() or dec.wait():
        sys.exit(f'zh-corpus.py: zstd failed on {src}')
    return turn


def main():
    args = sys.argv[1:]
    distinct = bool(args) and args[0] == '--distinct'
    if distinct:
        args = args[1:]
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    src, dst = args[0], args[1]
    here = os.path.dirname(os.path.abspath(__file__))
    zpath = args[2] if len(args) == 3 else os.path.join(
        here, '..', 'tests', 'real', 'zh', 'postings.jsonl')
    with open(zpath, encoding='utf-8') as f:
        zh = [json.loads(l) for l in f if l.strip()]
    if not zh:
        sys.exit(f'zh-corpus.py: no postings in {zpath}')
    os.makedirs(dst, exist_ok=True)
    names = sorted(n for n in os.listdir(src) if n.endswith('.jsonl.zst'))
    if not names:
        sys.exit(f'zh-corpus.py: no *.jsonl.zst in {src}')
    turn = 0
    for n in names:
        turn = shard(os.path.join(src, n), os.path.join(dst, n), zh, turn,
                     distinct)


if __name__ == '__main__':
    main()
