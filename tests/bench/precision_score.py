#!/usr/bin/env python3
"""precision_score.py - scores a leakwalk audit report against precision_gen.py's truth.

usage: precision_score.py TRUTH.json REPORT.json [--summary OUT.json] [--top N]
                          [--min-recall R] [--min-precision P]

A finding matches a planted secret when path and line match and the planted
secret is contained in the reported secret or vice versa (for a finding made
in decoded text, the `decoded` field, the planted secret's percent/base64/hex
decoding is compared too). Every finding is
then one of:
  TP           it matches a planted secret (of any rule: two rules reporting one
               secret are both right, the report says which rule won);
  cross-rule   it sits on another rule's no_match example and the same rule
               reports that line when it is scanned alone: a known overlap
               (a near-miss of one provider is often a fine generic secret,
               a Stripe key is a Paystack no_match). Counted apart; the strict
               precision counts them as false positives;
  FP           anything else: a general decoy (placeholder, lock-file hash,
               public key, ...), a rule reporting its own no_match example in
               context, another rule on a no_match line only in context, an
               unplanted span on a planted line, or a filler line.

precision = TP / (TP + FP); strict precision = TP / (TP + FP + cross-rule);
recall = primary planted secrets found (by any rule) / primary planted secrets.
Exit status: 0 when both targets hold, 1 otherwise.
"""

import argparse
import collections
import json
import sys


def shape(secret, keep=6):
    """A secret's shape for people: its first characters and its classes."""
    cls = ""
    if any(c.isupper() for c in secret):
        cls += "A"
    if any(c.islower() for c in secret):
        cls += "a"
    if any(c.isdigit() for c in secret):
        cls += "9"
    punct = "".join(sorted({c for c in secret if not c.isalnum() and c not in "\n"}))
    return "%s... (%d chars, %s%s)" % (secret[:keep].replace("\n", "\\n"), len(secret), cls,
                                       (" " + punct) if punct else "")


def decoded_forms(secret):
    """The planted secret as leakwalk's decode layer may report it."""
    import base64
    import binascii
    import urllib.parse
    out = {secret, urllib.parse.unquote(secret)}
    for dec in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            out.add(dec(secret + "=" * (-len(secret) % 4)).decode("ascii"))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            pass
    try:
        out.add(bytes.fromhex(secret).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        pass
    return out


def matches(planted, reported, decoded):
    if planted in reported or reported in planted:
        return True
    return bool(decoded) and any(reported in d or d in reported for d in decoded_forms(planted) if d)


def one_line(text, n=150):
    t = text.replace("\n", "\\n")
    return t if len(t) <= n else t[:n] + "..."


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("report")
    ap.add_argument("--summary")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--min-recall", type=float, default=0.98)
    ap.add_argument("--min-precision", type=float, default=0.98)
    args = ap.parse_args()

    truth = json.load(open(args.truth))
    report = json.load(open(args.report))
    secrets = truth["secrets"]
    decoys = truth["decoys"]

    at = collections.defaultdict(list)
    for s in secrets:
        s["found_by"] = []
        at[(s["path"], s["line"])].append(s)
    ranges = collections.defaultdict(list)  # path -> (start, end, what, entry)
    for d in decoys:
        ranges[d["path"]].append((d["line_start"], d["line_end"], "decoy", d))
    for s in secrets:
        if s["primary"]:
            ranges[s["path"]].append((s["line_start"], s["line_end"], "secret", s))

    def covering(path, line):
        hits = [r for r in ranges.get(path, []) if r[0] <= line <= r[1]]
        decs = [r[3] for r in hits if r[2] == "decoy"]
        secs = [r[3] for r in hits if r[2] == "secret"]
        return decs, secs

    tp = fp = cross = 0
    fps = collections.defaultdict(list)       # rule -> [(category, finding, context)]
    crosses = collections.Counter()           # (owner rule, reporting rule)
    cross_samples = {}
    tp_rules = collections.Counter()
    for f in report:
        key = (f["path"], f["line"])
        sec = f.get("secret") or ""
        m = [s for s in at.get(key, []) if matches(s["secret"], sec, f.get("decoded"))]
        if m:
            tp += 1
            tp_rules[f["rule"]] += 1
            for s in m:
                s["found_by"].append(f["rule"])
            continue
        decs, secs = covering(f["path"], f["line"])
        d = decs[0] if decs else None
        if d and d["kind"] == "no_match" and f["rule"] != d["rule"] and any(
                x["rule"] == f["rule"] and x["line"] == f["line"] for x in d["standalone"]):
            cross += 1
            crosses[(d["rule"], f["rule"])] += 1
            cross_samples.setdefault((d["rule"], f["rule"]), d["text"])
            continue
        fp += 1
        if d is None and secs:
            cat, ctx = "unplanted span on a planted line (%s)" % secs[0]["owner"], secs[0]["text"]
        elif d is None:
            cat, ctx = "filler / unplanted line", f.get("match") or ""
        elif d["kind"] == "general":
            cat, ctx = "general decoy: " + d["category"], d["text"]
        elif d["kind"] == "match-extra":
            cat, ctx = "unplanted span on a planted line (%s)" % d["rule"], d["text"]
        elif f["rule"] == d["rule"]:
            cat, ctx = "own no_match example in context (example %s)" % d.get("example"), d["text"]
        else:
            cat, ctx = "no_match of %s, only in context" % d["rule"], d["text"]
        fps[f["rule"]].append((cat, f, ctx))

    prim = [s for s in secrets if s["primary"]]
    sec2 = [s for s in secrets if not s["primary"]]
    found = [s for s in prim if s["found_by"]]
    own = [s for s in prim if s["rule"] in s["found_by"]]
    other_only = [s for s in found if s["rule"] not in s["found_by"]]
    misses = [s for s in prim if not s["found_by"]]
    recall = len(found) / len(prim) if prim else 1.0
    recall_own = len(own) / len(prim) if prim else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    strict = tp / (tp + fp + cross) if tp + fp + cross else 1.0
    sec_recall = sum(1 for s in sec2 if s["found_by"]) / len(sec2) if sec2 else 1.0

    miss_by = collections.defaultdict(list)
    for s in misses:
        miss_by[s["rule"]].append(s)
    other_by = collections.Counter()
    for s in other_only:
        other_by[(s["rule"], ",".join(sorted(set(s["found_by"]))))] += 1
    per_rule = collections.defaultdict(lambda: {"planted": 0, "found": 0, "found_own": 0, "fp": 0})
    for s in prim:
        pr = per_rule[s["rule"]]
        pr["planted"] += 1
        pr["found"] += bool(s["found_by"])
        pr["found_own"] += s["rule"] in s["found_by"]
    for rid, lst in fps.items():
        per_rule[rid]["fp"] = len(lst)

    meta = truth["meta"]
    print("=== leakwalk detection quality (%d rules, %d variants/example, seed %s) ==="
          % (meta["rules"], meta["variants"], meta["seed"]))
    print("repository: %d commits, %d files (%d deleted), branches %s"
          % (meta["commits"], meta["files"], meta["deleted_files"], ", ".join(meta["branches"])))
    print("planted: %d primary secrets, %d secondary; decoys: %d lines (%d no_match, %d general)"
          % (len(prim), len(sec2), len(decoys), sum(d["kind"] == "no_match" for d in decoys),
             sum(d["kind"] == "general" for d in decoys)))
    print("findings: %d  TP %d  FP %d  cross-rule %d" % (len(report), tp, fp, cross))
    print("recall    %.4f  (%d/%d found by any rule; by their own rule %.4f; found only by another rule %d)"
          % (recall, len(found), len(prim), recall_own, len(other_only)))
    print("precision %.4f  (strict, counting cross-rule overlaps as FP: %.4f)" % (precision, strict))
    print("secondary planted secrets found: %.4f" % sec_recall)

    disc = {rid: st for rid, st in truth["rule_stats"].items()
            if st.get("match_discarded") or st.get("example_not_found_alone")}
    if disc:
        print("\n--- generator: variants discarded (the rule alone did not report them) ---")
        print("  (regex: the re-randomised secret no longer fits the rule's regex - a generator limitation;")
        print("   unverified: no regex engine could run the rule, the fallback mutation most likely broke it;")
        print("   entropy: a format-valid random secret below the rule's minimum entropy - the rule would miss it;")
        print("   filter: dropped by a placeholder word, stopword or allow regex)")
        for rid, st in sorted(disc.items(), key=lambda x: -x[1].get("match_discarded", 0)):
            why = ", ".join("%s %d" % (k, st["discard: " + k]) for k in ("regex", "unverified", "entropy", "filter")
                            if st.get("discard: " + k))
            print("  %-42s %3d of %3d discarded (%s)%s" % (rid, st.get("match_discarded", 0), st.get("match_variants", 0), why,
                  ("; %d example(s) not found alone" % st["example_not_found_alone"]) if st.get("example_not_found_alone") else ""))
            for smp in truth["discarded_samples"].get(rid, [])[:1]:
                print("      e.g. %s" % one_line(smp, 120))

    risk = sorted(((st.get("entropy_fn_permille", 0), rid, st.get("entropy_fn_example"))
                   for rid, st in truth["rule_stats"].items() if st.get("entropy_fn_permille", 0) >= 5), reverse=True)
    if risk:
        print("\n--- minimum entropy vs. random secrets shaped like the rule's examples (>= 0.5%% below; top %d of %d) ---"
              % (args.top, len(risk)))
        print("  (share of format-valid random secrets the rule's \"entropy\" minimum would drop; worst example)")
        for pm, rid, ex in risk[:args.top]:
            print("  %-42s %5.1f%% below %s (example #%s)" % (rid, pm / 10.0,
                  truth["rule_entropy"].get(rid) if "rule_entropy" in truth else "?", ex))

    print("\n--- misses by rule (top %d of %d rules) ---" % (args.top, len(miss_by)))
    for rid, lst in sorted(miss_by.items(), key=lambda x: -len(x[1]))[:args.top]:
        exs = collections.Counter(s["example"] for s in lst)
        print("  %-42s %3d missed of %3d  (examples %s)" % (rid, len(lst), per_rule[rid]["planted"],
              ", ".join("#%s x%d" % kv for kv in sorted(exs.items()))))
        for s in lst[:2]:
            print("      %s:%d [%s] secret %s" % (s["path"], s["line"], s["file_kind"], shape(s["secret"])))
            print("        line: %s" % one_line(s["text"]))
    if other_by:
        print("\n--- found, but only by another rule (deduplication picked it) ---")
        for (rid, by), n in other_by.most_common(args.top):
            print("  %-42s %3d  reported as %s" % (rid, n, by))

    print("\n--- false positives by rule (top %d of %d rules) ---" % (args.top, len(fps)))
    for rid, lst in sorted(fps.items(), key=lambda x: -len(x[1]))[:args.top]:
        cats = collections.Counter(c for c, _, _ in lst)
        print("  %-42s %3d  %s" % (rid, len(lst), "; ".join("%s x%d" % kv for kv in cats.most_common(4))))
        shown = set()
        for cat, f, ctx in lst:
            if cat in shown:
                continue
            shown.add(cat)
            print("      %s:%d secret %s" % (f["path"], f["line"], shape(f.get("secret") or "")))
            print("        line: %s" % one_line(ctx))
            if len(shown) >= 3:
                break
    if crosses:
        print("\n--- cross-rule overlaps on no_match examples (not counted in precision; top %d of %d pairs) ---"
              % (args.top, len(crosses)))
        for (owner, by), n in crosses.most_common(args.top):
            print("  %-34s reported by %-30s %4d   e.g. %s" % (owner, by, n, one_line(cross_samples[(owner, by)], 70)))

    ok = recall >= args.min_recall and precision >= args.min_precision
    print("\ntargets: recall >= %.2f %s, precision >= %.2f %s"
          % (args.min_recall, "ok" if recall >= args.min_recall else "MISSED",
             args.min_precision, "ok" if precision >= args.min_precision else "MISSED"))

    if args.summary:
        summary = {
            "meta": meta,
            "findings": len(report), "tp": tp, "fp": fp, "cross_rule": cross,
            "planted_primary": len(prim), "planted_secondary": len(sec2),
            "found": len(found), "found_own_rule": len(own), "found_other_rule_only": len(other_only),
            "recall": round(recall, 5), "recall_own_rule": round(recall_own, 5),
            "precision": round(precision, 5), "precision_strict": round(strict, 5),
            "secondary_recall": round(sec_recall, 5),
            "targets": {"recall": args.min_recall, "precision": args.min_precision, "met": ok},
            "misses_by_rule": {rid: [{"path": s["path"], "line": s["line"], "example": s["example"],
                                      "file_kind": s["file_kind"], "secret_shape": shape(s["secret"]),
                                      "line_text": s["text"]} for s in lst]
                               for rid, lst in miss_by.items()},
            "found_by_other_rule_only": [{"rule": r, "reported_as": b, "count": n} for (r, b), n in other_by.most_common()],
            "false_positives_by_rule": {rid: [{"category": c, "path": f["path"], "line": f["line"],
                                               "secret_shape": shape(f.get("secret") or ""), "context": ctx}
                                              for c, f, ctx in lst] for rid, lst in fps.items()},
            "cross_rule_overlaps": [{"no_match_of": o, "reported_by": b, "count": n}
                                    for (o, b), n in crosses.most_common()],
            "per_rule": per_rule,
            "entropy_miss_risk_permille": {rid: st["entropy_fn_permille"] for rid, st in truth["rule_stats"].items()
                                           if st.get("entropy_fn_permille")},
            "generator_discards": {rid: st for rid, st in truth["rule_stats"].items()
                                   if st.get("match_discarded") or st.get("no_match_discarded")
                                   or st.get("example_not_found_alone")},
        }
        with open(args.summary, "w") as fh:
            json.dump(summary, fh, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
