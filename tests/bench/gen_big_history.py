#!/usr/bin/env python3
"""gen_big_history.py COMMITS [FILES_PER_COMMIT]: a git fast-import stream
of a long history of small edits, for make_big_history.sh.

A tree of 100 directories x 100 files (10,000 paths). Every commit edits
FILES_PER_COMMIT files (default 4) chosen by a seeded generator: one line of
the file changes, so each version is a new small blob that deltas against the
last. Each commit makes 1 commit object, FILES_PER_COMMIT blobs and about as
many trees again (the root and each changed directory): about 9 objects a
commit with the default, so 560,000 commits give 5 million objects. No
secrets: the benchmark measures memory and speed, not detection. Every
500th commit is tagged (lightweight), like a release history.
"""
import random
import sys


def main():
    commits = int(sys.argv[1])
    fpc = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    rng = random.Random("leakwalk-big-1")
    out = sys.stdout.buffer
    ndirs, nfiles, nlines = 100, 100, 24
    # a file's content: nlines lines; the edit replaces one of them
    versions = {}
    mark = 0
    when = 1500000000
    for c in range(commits):
        files = []
        for _ in range(fpc):
            d, f = rng.randrange(ndirs), rng.randrange(nfiles)
            key = (d, f)
            lines = versions.get(key)
            if lines is None:
                lines = [b"setting_%d_%d_%d = value %d\n" % (d, f, i, i * 7) for i in range(nlines)]
            else:
                lines = list(lines)
            i = rng.randrange(nlines)
            lines[i] = b"setting_%d_%d_%d = value %d # commit %d\n" % (d, f, i, rng.randrange(1 << 30), c)
            versions[key] = lines
            files.append((key, b"".join(lines)))
        blobs = []
        for key, data in files:
            mark += 1
            out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data))
            blobs.append((key, mark))
        when += 600
        msg = b"edit %d files (commit %d)\n" % (fpc, c)
        out.write(b"commit refs/heads/main\ncommitter Bench <bench@example.invalid> %d +0000\n" % when)
        out.write(b"data %d\n%s" % (len(msg), msg))
        for (d, f), m in blobs:
            out.write(b"M 100644 :%d dir%03d/file%03d.conf\n" % (m, d, f))
        out.write(b"\n")
        if c % 500 == 499:
            out.write(b"reset refs/tags/v%d\nfrom refs/heads/main\n\n" % (c // 500))
    out.write(b"done\n")


if __name__ == "__main__":
    main()
