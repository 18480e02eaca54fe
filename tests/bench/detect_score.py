#!/usr/bin/env python3
"""detect_score.py - scores a leakwalk JSON report against the detection
corpus' labels (detect_corpus_gen.py).

usage: detect_score.py --labels LABELS.jsonl --report REPORT.json --root CORPUS_DIR
                       [--json-out SUMMARY.json] [--max-list N] [--kinds]

A labelled secret counts as found when any finding's span (line..end_line,
same path) overlaps the label's lines (line, or line..end_line for a PEM
block); a line-0 label (the file's presence is the leak: a key file, a
keystore, master.key, credentials.xml) is found by any finding in the file,
a path rule's included. Findings are counted once per (path, start line):
such a flagged place is a true positive when it finds a secret, nothing when
it only covers an "ambiguous" line, else a false alarm (on a not-secret line
or an unlabelled one). Per category: recall = found / secrets, precision =
true flagged places / flagged places.

Misses and false alarms are listed as path:line, kind and rule: never the
secret (the report may be unredacted; this output is not).
"""
import argparse
import collections
import json
import os
import sys


def rel_path(p, root):
    """The finding's path relative to the corpus directory, or None when it
    lies outside (the report does not belong to this corpus)."""
    p = os.path.normpath(p)
    for pre in (os.path.normpath(os.path.abspath(root)), os.path.normpath(root)):
        if p.startswith(pre + os.sep):
            return p[len(pre) + 1:]
    return None


def load(args):
    labels = [json.loads(x) for x in open(args.labels) if x.strip()]
    with open(args.report) as f:
        report = json.load(f)
    if not isinstance(report, list):
        raise SystemExit("detect_score: report is not a JSON list of findings")
    return labels, report


def score(labels, report, root):
    cover = collections.defaultdict(dict)  # path -> each line of a secret -> its first line
    neg = collections.defaultdict(dict)    # path -> line -> not-secret label
    amb = collections.defaultdict(set)     # path -> ambiguous lines
    whole = {}                             # path -> line-0 label (the file is the leak)
    cat_of = {}
    for lab in labels:
        p = lab["path"]
        cat_of[p] = lab["category"]
        if lab["label"] == "secret" and lab["line"] == 0:
            whole[p] = lab
        elif lab["label"] == "secret":
            for ln in range(lab["line"], lab.get("end_line", lab["line"]) + 1):
                cover[p][ln] = lab["line"]
        elif lab["label"] == "ambiguous":
            amb[p].add(lab["line"])
        else:
            neg[p][lab["line"]] = lab
    # flagged places: (path, start line) -> [end line, rules]
    places = {}
    outside = 0
    for f in report:
        p = rel_path(f["path"], root)
        if p is None:
            outside += 1
            continue
        start = int(f["line"])
        end = int(f.get("end_line") or start)
        key = (p, start)
        if key not in places:
            places[key] = [end, set()]
        places[key][0] = max(places[key][0], end)
        places[key][1].add(f.get("rule", "?"))
    if outside:
        raise SystemExit("detect_score: %d of %d findings lie outside %s (scan the corpus by that path)"
                         % (outside, len(report), root))
    found = set()                          # (path, first line); line 0 for a whole file
    tp_places, all_places, amb_places = collections.Counter(), collections.Counter(), collections.Counter()
    false_alarms = []
    for (p, start), (end, rules) in sorted(places.items()):
        cat = cat_of.get(p) or p.split("/", 1)[0]
        hit = {cover[p][ln] for ln in range(start, end + 1) if ln in cover.get(p, {})}
        if p in whole:
            found.add((p, 0))
        if hit or p in whole:
            found.update((p, ln) for ln in hit)
            tp_places[cat] += 1
            all_places[cat] += 1
        elif any(ln in amb.get(p, ()) for ln in range(start, end + 1)):
            amb_places[cat] += 1
        else:
            all_places[cat] += 1
            lab = neg.get(p, {}).get(start)
            false_alarms.append((cat, p, start, sorted(rules), lab["kind"] if lab else "unlabelled"))
    secrets = [lab for lab in labels if lab["label"] == "secret"]
    misses = sorted((lab["category"], lab["path"], lab["line"], lab["kind"]) for lab in secrets
                    if (lab["path"], lab["line"]) not in found)
    kinds = collections.defaultdict(lambda: [0, 0])
    for lab in secrets:
        k = kinds[(lab["category"], lab["kind"])]
        k[1] += 1
        k[0] += (lab["path"], lab["line"]) in found
    cats = sorted(set(lab["category"] for lab in labels) | set(all_places))
    rows = {}
    for cat in cats:
        npos = sum(1 for lab in secrets if lab["category"] == cat)
        nneg = sum(1 for lab in labels if lab["category"] == cat and lab["label"] == "not-secret")
        nfound = sum(1 for (p, _ln) in found if cat_of.get(p) == cat)
        rows[cat] = {"secret_lines": npos, "not_secret_lines": nneg, "found": nfound,
                     "recall": (nfound / npos) if npos else None,
                     "flagged": all_places[cat], "true_flagged": tp_places[cat],
                     "false_alarms": all_places[cat] - tp_places[cat],
                     "ambiguous_flagged": amb_places[cat],
                     "precision": (tp_places[cat] / all_places[cat]) if all_places[cat] else None}
    tot = {k: sum(r[k] for r in rows.values()) for k in
           ("secret_lines", "not_secret_lines", "found", "flagged", "true_flagged", "false_alarms",
            "ambiguous_flagged")}
    tot["recall"] = tot["found"] / tot["secret_lines"] if tot["secret_lines"] else None
    tot["precision"] = tot["true_flagged"] / tot["flagged"] if tot["flagged"] else None
    tot["not_secret_lines_flagged"] = sum(1 for (_c, p, ln, _r, _k) in false_alarms if ln in neg.get(p, {}))
    rows["total"] = tot
    return rows, misses, false_alarms, kinds


def fmt(x):
    return "  -  " if x is None else "%.3f" % x


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--root", required=True, help="the scanned corpus directory")
    ap.add_argument("--json-out")
    ap.add_argument("--max-list", type=int, default=400)
    ap.add_argument("--kinds", action="store_true", help="recall per kind of case too")
    a = ap.parse_args()
    labels, report = load(a)
    rows, misses, fas, kinds = score(labels, report, a.root)
    print("%-20s %7s %7s %7s %8s %8s %9s" % ("category", "secrets", "found", "recall", "flagged", "false", "precision"))
    for cat, r in rows.items():
        print("%-20s %7d %7d %7s %8d %8d %9s" % (cat, r["secret_lines"], r["found"], fmt(r["recall"]),
                                                r["flagged"], r["false_alarms"], fmt(r["precision"])))
    print("not-secret lines: %d, of which flagged: %d; findings on ambiguous lines (not counted): %d" % (
        rows["total"]["not_secret_lines"], rows["total"]["not_secret_lines_flagged"],
        rows["total"]["ambiguous_flagged"]))
    if a.kinds:
        print("\nrecall per kind (category/kind found/total):")
        for (cat, kind), (f, t) in sorted(kinds.items()):
            print("  %-20s %-28s %3d/%-3d" % (cat, kind, f, t))
    print("\nmisses (%d; path:line kind):" % len(misses))
    for cat, p, ln, kind in misses[:a.max_list]:
        print("  MISS %s:%d %s" % (p, ln, kind))
    if len(misses) > a.max_list:
        print("  ... %d more" % (len(misses) - a.max_list))
    print("\nfalse alarms (%d; path:line rule [label kind]):" % len(fas))
    for cat, p, ln, rules, kind in fas[:a.max_list]:
        print("  FALSE %s:%d %s [%s]" % (p, ln, ",".join(rules), kind))
    if len(fas) > a.max_list:
        print("  ... %d more" % (len(fas) - a.max_list))
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump({"categories": rows,
                       "misses": [{"path": p, "line": ln, "kind": k} for _c, p, ln, k in misses],
                       "false_alarms": [{"path": p, "line": ln, "rules": r, "kind": k}
                                        for _c, p, ln, r, k in fas]}, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
