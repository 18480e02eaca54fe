#!/usr/bin/env bash
# tests/bench/deep_delta.sh OUT_DIR [SIZE_KB] [VERSIONS] [fastimport|repack]
#
# A history of one large text file (default 6,300 KB) edited VERSIONS times
# (default 300), one line changed per commit: the history whose audit was
# quadratic once the per-worker cache share (64 MiB / threads, at least
# 16 MiB, a quarter of it per object) no longer held one version, so every
# version resolved its delta chain again from its start.
#
#   fastimport  the pack git fast-import writes: each version a delta on the
#               one before, chains of up to 50 (the default)
#   repack      then `git repack -adf --depth=4095 --window=1`: one chain as
#               deep as git allows, the newest version whole (how a server's
#               aggressive repack lays out a file's history)
#
# Prints the pack's size. Measure with (LEAKWALK_DEBUG_STATS=1 adds the
# count of deltas applied to the summary line):
#   LEAKWALK_DEBUG_STATS=1 /usr/bin/time -f '%e s %U user %M KB' \
#       build/leakwalk audit -j4 OUT_DIR
set -euo pipefail
out=${1:?usage: $0 OUT_DIR [SIZE_KB] [VERSIONS] [fastimport|repack]}
kb=${2:-6300}
n=${3:-300}
layout=${4:-fastimport}
rm -rf "$out"
git init -q --bare "$out"
python3 - "$kb" "$n" <<'PY' | git --git-dir="$out" -c fastimport.unpackLimit=0 fast-import --quiet
import hashlib, random, sys
kb, n = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(42)
# 64-byte lines of seeded hex, none repeated (fast to make: the generator
# must not dominate a test)
lines = [hashlib.sha256(b"%d" % i).hexdigest()[:63] for i in range(kb * 1024 // 64)]
out = sys.stdout.buffer
for v in range(n):
    lines[rnd.randrange(len(lines))] = "edit %d %s" % (v, hashlib.sha256(b"v%d" % v).hexdigest()[:50])
    data = ("\n".join(lines) + "\n").encode()
    msg = b"edit %d\n" % v
    out.write(b"commit refs/heads/main\ncommitter B <b@example.com> %d +0000\n" % (1700000000 + v))
    out.write(b"data %d\n%s" % (len(msg), msg))
    out.write(b"M 100644 inline big.txt\ndata %d\n" % len(data))
    out.write(data + b"\n")
PY
if [ "$layout" = repack ]; then
	git --git-dir="$out" repack -qadf --depth=4095 --window=1
fi
du -sk "$out/objects/pack" | awk '{print "pack: " $1 " KB"}'
