#!/usr/bin/env python3
"""The stage folders of lib/src form layers: a file may call functions of its
own folder and of the folders below it, never above. And no two files call
each other through any chain (no circle of files), inside a folder or across.

Read from the built object files (nm), so a call through a header no one
includes, or a prototype written by hand, is seen all the same.

usage: layering.py OBJDIR [SRCDIR]   (the lwcore object directory:
.../lwcore.dir/lib/src; SRCDIR lib/src, whose files decide which objects
count: a stale object of a deleted source is left out)
Exit 1 listing each violation; 0 when the graph is layered and acyclic.
"""
import os, subprocess, sys

# lowest first; each folder may use those before it
LAYERS = ["util", "odb", "rules", "filter", "detect", "finding", "source", "report", "store"]

# Known circles being taken apart (issue 15). Each entry is a file pair that
# may still call each other; the list must only shrink.
KNOWN_FILE_CYCLES = set()
KNOWN_LAYER_BREAKS = set()


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TDBRC":
            defined.add(f[2])
        elif len(f) == 2 and f[0] == "U":
            undefined.add(f[1])
    return defined, undefined


def main():
    root = sys.argv[1]
    srcdir = sys.argv[2] if len(sys.argv) > 2 else None
    files = {}
    for folder in os.listdir(root):
        d = os.path.join(root, folder)
        if not os.path.isdir(d):
            continue
        for f in os.listdir(d):
            if f.endswith(".c.o"):
                if srcdir and not os.path.exists(os.path.join(srcdir, folder, f[:-2])):
                    continue
                files[folder + "/" + f[:-4]] = symbols(os.path.join(d, f))
    stray = [f for f in files if f.split("/")[0] not in LAYERS]
    if not files:
        print("no object files under", root)
        return 1
    owner = {s: n for n, (d, _) in files.items() for s in d}
    edges = {n: sorted({owner[s] for s in u if s in owner and owner[s] != n})
             for n, (_, u) in files.items()}
    bad = []
    for f in stray:
        bad.append(f"{f}: folder is not a known layer {LAYERS}")
    rank = {l: i for i, l in enumerate(LAYERS)}
    for a, outs in edges.items():
        for b in outs:
            la, lb = a.split("/")[0], b.split("/")[0]
            if la in rank and lb in rank and rank[lb] > rank[la] and (a, b) not in KNOWN_LAYER_BREAKS:
                syms = sorted(files[a][1] & files[b][0])
                bad.append(f"layer: {a} ({la}) calls up into {b} ({lb}): {', '.join(syms)}")
    # strongly connected components (Tarjan), each of more than one file is a circle
    index, low, stack, on, comps = {}, {}, [], set(), []
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    for comp in comps:
        pairs = {(a, b) for a in comp for b in edges[a] if b in comp}
        if pairs - KNOWN_FILE_CYCLES:
            bad.append("circle: " + " <-> ".join(comp))
    for b in bad:
        print(b)
    if not bad:
        print(f"ok: {len(files)} files in {len(LAYERS)} layers, no upward call, no circle")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
