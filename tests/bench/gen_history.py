#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a large, realistic history to stdout.

Usage: gen_history.py --commits N --files-per-commit F [--corpus-files K]
                      [--seed S] --manifest FILE

History shape (all drawn from a seeded RNG, so a machine always produces the
same structure; only the planted secrets' values are random per run):
  - an initial import of a quarter of the corpus, then the rest of the corpus
    added in batches over the first ~75% of the history;
  - every commit modifies on average F files with slight, line-based edits
    (inserted lines copied from the file or another file, deleted lines,
    a word changed): each version is a new, unique blob with a realistic
    delta against the previous one;
  - hot files: larger files are edited more often (weight ~ sqrt(size));
  - renames of files (with or without an edit), a few directory renames,
    deletions;
  - feature branches that live for a while next to main (commits
    interleaved), most merged back with a merge commit, some left unmerged;
  - annotated release tags;
  - planted secrets (AWS key id + secret key, GitHub PAT with a valid
    checksum, generic password assignment, one token in a commit message),
    some removed again later, some only on branches. The manifest (TSV) lists
    every planted secret: id, kind, value, path, commit index, branch, fate.
"""

import argparse
import hashlib
import os
import re
import sys

sys.dont_write_bytecode = True      # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_corpus as bc  # noqa: E402
import random  # noqa: E402

WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]{2,}")

FIRST = ["Ada", "Brian", "Chen", "Dana", "Emil", "Fatima", "Gus", "Hana", "Ivan",
         "Jun", "Kofi", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa",
         "Sven", "Tariq", "Uma", "Vera", "Wei", "Ximena", "Yusuf", "Zoe"]
LAST = ["Almeida", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia",
        "Horvat", "Ito", "Jensen", "Kowalski", "Larsen", "Moreau", "Novak",
        "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka", "Ueda", "Varga"]
TZ = ["+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900", "-0300"]


def quote(path):
    out = ['"']
    for b in path.encode("utf-8", "surrogateescape"):
        c = chr(b)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif b < 32 or b >= 127:
            out.append("\\%03o" % b)
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


class Out:
    def __init__(self, f):
        self.f = f
        self.bytes = 0

    def w(self, s):
        b = s.encode("utf-8", "surrogateescape") if isinstance(s, str) else s
        self.f.write(b)
        self.bytes += len(b)

    def data(self, b):
        if isinstance(b, str):
            b = b.encode("utf-8", "surrogateescape")
        self.w("data %d\n" % len(b))
        self.w(b)
        self.w("\n")


class Branch:
    def __init__(self, name, start, length):
        self.name = name
        self.start = start          # commit index of the branch point
        self.remaining = length
        self.overlay = {}           # path -> bytes (None: deleted)
        self.tip = None             # mark of the last commit
        self.done = False


class Gen:
    def __init__(self, a, out):
        self.a = a
        self.o = out
        self.r = random.Random(a.seed)
        self.sr = bc.secret_rng()
        self.state = {}             # main: path -> bytes
        self.paths = []             # main paths (for O(1) random choice)
        self.pidx = {}
        self.mod_at = {}            # path -> last commit index that changed it on main
        self.locked = {}            # path -> Branch
        self.frozen = set()         # paths holding planted secrets
        self.seen = set()           # sha1 of every blob emitted
        self.mark = 0
        self.main_tip = None
        self.branches = []
        self.nbranch = 0
        self.ntag = 0
        self.time = 1420070400      # 2015-01-01
        self.authors = []
        for i in range(40):
            fn = FIRST[(i * 7) % len(FIRST)]
            ln = LAST[(i * 5 + i // len(FIRST)) % len(LAST)]
            self.authors.append(("%s %s" % (fn, ln),
                                 "%s.%s@%s" % (fn.lower(), ln.lower(),
                                               ["corp.example.org", "users.noreply.example.com",
                                                "mail.example.net"][i % 3]),
                                 TZ[i % len(TZ)]))
        self.manifest = []
        self.pending_removals = []  # (commit index, plant record)
        self.commits = 0

    # ------------------------------------------------------------ state
    def add_path(self, p, content, i):
        if p not in self.state:
            self.pidx[p] = len(self.paths)
            self.paths.append(p)
        self.state[p] = content
        self.mod_at[p] = i

    def del_path(self, p):
        del self.state[p]
        j = self.pidx.pop(p)
        last = self.paths.pop()
        if j < len(self.paths):
            self.paths[j] = last
            self.pidx[last] = j
        self.mod_at.pop(p, None)

    def pick_path(self, ok, tries=40):
        r = self.r
        for _ in range(tries):
            if not self.paths:
                return None
            p = self.paths[r.randrange(len(self.paths))]
            if not ok(p):
                continue
            size = len(self.state[p])
            # hot files: larger files are edited more often
            if r.random() < min(1.0, (size / 65536.0) ** 0.5 + 0.05):
                return p
        return None

    # ------------------------------------------------------------ edits
    def donor_lines(self, k):
        r = self.r
        for _ in range(5):
            p = self.paths[r.randrange(len(self.paths))]
            if p in self.frozen:
                continue
            c = self.state[p]
            if len(c) < 200:
                continue
            s = c.rfind(b"\n", 0, r.randrange(len(c))) + 1
            e = s
            for _ in range(k):
                n = c.find(b"\n", e)
                if n < 0:
                    break
                e = n + 1
            if e > s:
                return c[s:e]
        return b"\n"

    def edit(self, c):
        r = self.r
        for attempt in range(6):
            out = c
            for _ in range(r.choice((1, 1, 1, 2, 2, 3))):
                n = len(out)
                pos = out.rfind(b"\n", 0, r.randrange(n + 1)) + 1 if n else 0
                op = r.random()
                if op < 0.42 or n < 2048:
                    k = r.choice((1, 1, 2, 3, 4, 6))
                    if r.random() < 0.5 and n > 200:
                        s = out.rfind(b"\n", 0, r.randrange(n)) + 1
                        e = s
                        for _ in range(k):
                            m = out.find(b"\n", e)
                            if m < 0:
                                break
                            e = m + 1
                        ins = out[s:e] or b"\n"
                    else:
                        ins = self.donor_lines(k)
                    if not ins.endswith(b"\n"):
                        ins += b"\n"
                    out = out[:pos] + ins + out[pos:]
                elif op < 0.75:
                    e = pos
                    for _ in range(r.choice((1, 1, 2, 3))):
                        m = out.find(b"\n", e)
                        if m < 0:
                            e = n
                            break
                        e = m + 1
                    out = out[:pos] + out[e:]
                else:
                    e = out.find(b"\n", pos)
                    e = n if e < 0 else e
                    words = list(WORD.finditer(out, pos, e))
                    src = WORD.search(out, r.randrange(n))
                    new = src.group(0) if src else b"value"
                    if words:
                        w = r.choice(words)
                        out = out[:w.start()] + new + out[w.end():]
                    else:
                        out = out[:pos] + new + b"\n" + out[pos:]
            h = hashlib.sha1(out).digest()
            if h not in self.seen:
                self.seen.add(h)
                return out
        out = c + b"\n"
        while hashlib.sha1(out).digest() in self.seen:
            out += b"\n"
        self.seen.add(hashlib.sha1(out).digest())
        return out

    # ------------------------------------------------------------ output
    def header(self, ref, msg, frm=None, merges=()):
        r = self.r
        self.mark += 1
        self.time += r.randint(60, 2 * 3600 * 40000 // max(self.a.commits, 1))
        name, email, tz = self.authors[int(len(self.authors) * (r.random() ** 2))]
        o = self.o
        o.w("commit %s\nmark :%d\n" % (ref, self.mark))
        o.w("author %s <%s> %d %s\n" % (name, email, self.time - r.randint(0, 7200), tz))
        cn, ce, ctz = self.authors[0] if r.random() < 0.3 else (name, email, tz)
        o.w("committer %s <%s> %d %s\n" % (cn, ce, self.time, ctz))
        o.data(msg)
        if frm is not None:
            o.w("from :%d\n" % frm)
        for m in merges:
            o.w("merge :%d\n" % m)
        self.commits += 1
        return self.mark

    def m(self, path, content):
        self.o.w("M 100644 inline %s\n" % quote(path))
        self.o.data(content)

    def d(self, path):
        self.o.w("D %s\n" % quote(path))

    def message(self, paths, content):
        r = self.r
        p = paths[0] if paths else "tree"
        base = os.path.basename(p)
        d = os.path.dirname(p).split("/")[-1] or "top"
        ws = [w.decode("ascii", "replace") for w in WORD.findall(content[:4096])] or ["code"]
        w = r.choice(ws)
        subj = r.choice((
            "Fix %s handling in %s" % (w, base),
            "Update %s" % base,
            "%s: tidy up %s" % (d, w),
            "Refactor %s in %s" % (w, d),
            "Document %s" % w,
            "%s: avoid stale %s" % (d, w),
            "Bump %s" % base,
            "Revert \"%s: rework %s\"" % (d, w),
        ))
        if r.random() < 0.4:
            body = "\n\n%s %s %s.\n\nTouches %d file(s).\n" % (
                r.choice(("This changes", "Reworks", "Simplifies", "Cleans up")),
                w, r.choice(("so callers see one path", "for older systems",
                             "after review", "to match upstream")), len(paths))
            return subj + body
        return subj + "\n"

    # ------------------------------------------------------------ plants
    def plant_lines(self, kind):
        r, s = self.r, self.sr
        if kind == "aws":
            kid, sec = bc.aws_key_id(s), bc.aws_secret(s)
            form = r.randrange(3)
            if form == 0:
                text = "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (kid, sec)
            elif form == 1:
                text = 'AWS_ACCESS_KEY_ID="%s"\nAWS_SECRET_ACCESS_KEY="%s"\n' % (kid, sec)
            else:
                text = '    "AccessKeyId": "%s",\n    "SecretAccessKey": "%s",\n' % (kid, sec)
            return text, [("aws-access-key-id", kid), ("aws-secret-access-key", sec)]
        if kind == "ghp":
            t = bc.github_pat(s)
            text = r.choice(("GITHUB_TOKEN=%s\n", "  token: %s\n", "export GH_TOKEN=%s\n")) % t
            return text, [("github-pat", t)]
        pw = bc.password(s)
        text = r.choice(('db_password = "%s"\n', "DB_PASSWORD='%s'\n",
                         '  password: "%s"\n')) % pw
        return text, [("generic-password", pw)]

    def plant(self, i, kind, fate, branch, touched):
        """Adds one planted secret to this commit; returns (path, content)."""
        r = self.r
        text, vals = self.plant_lines(kind)
        pid = len(self.manifest) // 1
        new_file = (len(set(x[0] for x in self.manifest)) % 3 == 0)
        view = branch.overlay if branch else None
        path = None
        if not new_file:
            def ok(p):
                if p in self.frozen or p in touched or p in self.locked:
                    return False
                if branch and self.mod_at.get(p, 0) > branch.start:
                    return False
                return True
            path = self.pick_path(ok, 200)
        if path is None:
            ext = {"aws": ".ini", "ghp": ".env", "password": ".yml"}[kind]
            path = "deploy/%s/settings-%d%s" % (("staging", "prod", "ci")[r.randrange(3)],
                                                  i, ext)
            old = b"# deployment settings\nregion = eu-west-1\nretries = 3\n"
        else:
            old = view[path] if (view is not None and path in view) else self.state[path]
        pos = old.rfind(b"\n", 0, r.randrange(len(old) + 1)) + 1
        content = old[:pos] + text.encode() + old[pos:]
        self.seen.add(hashlib.sha1(content).digest())
        self.frozen.add(path)
        sid = "S%02d" % (len(set(x[0] for x in self.manifest)) + 1)
        recs = []
        for rule, v in vals:
            rec = [sid, rule, v, path, i, branch.name if branch else "main", fate]
            self.manifest.append(rec)
            recs.append(rec)
        if fate == "removed" and not branch:
            self.pending_removals.append((i + r.randint(3, 300), path, text.encode(), recs))
        return path, content

    # ------------------------------------------------------------ commits
    @staticmethod
    def due_plant(i, plan):
        q = plan["plants"]
        if q and q[0][0] <= i:
            return q.pop(0)[1:]
        return None

    def n_files(self):
        return min(60, 1 + int(self.r.expovariate(1.0 / max(0.01, self.a.files_per_commit - 0.5))))

    def commit_main(self, i, queue, plan):
        r = self.r
        changes = []                # (path, content or None)
        touched = set()
        msg_extra = ""
        # scheduled removal of an earlier planted secret
        while self.pending_removals and self.pending_removals[0][0] <= i:
            _, path, text, recs = self.pending_removals.pop(0)
            if path in self.state and path not in self.locked and text in self.state[path]:
                c = self.state[path].replace(text, b"", 1)
                changes.append((path, c))
                touched.add(path)
                msg_extra = "\n\nRemove credentials committed by mistake.\n"
        # additions from the corpus, spread over the first ~75% of history
        plan["credit"] += len(queue) / max(50.0, (0.75 * self.a.commits - i) * 0.7)
        if queue and plan["credit"] >= 1 and r.random() < 0.35:
            k = min(int(plan["credit"]), len(queue), 60)
            plan["credit"] -= k
            for _ in range(k):
                src, rel = queue.pop()
                c = bc.read(src)
                if len(c) < bc.MIN_SIZE:
                    continue
                self.seen.add(hashlib.sha1(c).digest())
                changes.append((rel, c))
                touched.add(rel)
        x = r.random()
        # renames, directory renames, deletions
        if x < 0.015 and self.paths:
            p = self.pick_path(lambda p: p not in self.locked and p not in self.frozen and p not in touched)
            if p:
                d, b = os.path.split(p)
                np = os.path.join(d, r.choice(("old", "legacy", "v2", "compat", "impl")), b) \
                    if r.random() < 0.5 else os.path.join(d, "renamed-" + b)
                if np not in self.state:
                    c = self.state[p] if r.random() < 0.5 else self.edit(self.state[p])
                    changes.append((p, None))
                    changes.append((np, c))
                    touched.update((p, np))
        elif x < 0.0165 and self.paths:
            p = self.pick_path(lambda p: p not in self.locked and p not in self.frozen and p not in touched)
            if p:
                d = os.path.dirname(p)
                members = [q for q in self.paths if os.path.dirname(q) == d]
                if 2 <= len(members) <= 40 and not any(q in self.locked or q in self.frozen or q in touched for q in members):
                    nd = d + "-" + r.choice(("next", "ng", "2", "core"))
                    if not any(q.startswith(nd + "/") for q in members):
                        for q in members:
                            changes.append((q, None))
                            changes.append((nd + q[len(d):], self.state[q]))
                            touched.update((q, nd + q[len(d):]))
        elif x < 0.021 and len(self.paths) > 100:
            p = self.pick_path(lambda p: p not in self.locked and p not in self.frozen and p not in touched)
            if p:
                changes.append((p, None))
                touched.add(p)
        # ordinary edits
        for _ in range(self.n_files() if len(changes) < 8 else 0):
            p = self.pick_path(lambda p: p not in self.locked and p not in self.frozen and p not in touched)
            if p is None:
                continue
            changes.append((p, self.edit(self.state[p])))
            touched.add(p)
        due = self.due_plant(i, plan)
        if due:
            changes.append(self.plant(i, due[0], due[1], None, touched))
        if 0 <= plan["msg_plant"] <= i:
            plan["msg_plant"] = -1
            t = bc.github_pat(self.sr)
            msg_extra += "\n\nCI: deploy with GH_TOKEN=%s for now.\n" % t
            self.manifest.append(["S%02d" % (len(set(x[0] for x in self.manifest)) + 1),
                                  "github-pat", t, "<commit message>", i, "main", "message"])
        if not changes:
            p = self.pick_path(lambda p: p not in self.locked and p not in self.frozen, 400)
            if p:
                changes.append((p, self.edit(self.state[p])))
        paths = [p for p, c in changes if c is not None] or [p for p, _ in changes]
        sample = next((c for _, c in changes if c), b"")
        msg = self.message(paths, sample) + msg_extra
        self.main_tip = self.header("refs/heads/main", msg)
        for p, c in changes:
            if c is None:
                if p in self.state:
                    self.d(p)
                    self.del_path(p)
            else:
                self.m(p, c)
                self.add_path(p, c, i)

    def commit_branch(self, i, b, plan):
        r = self.r
        changes = []
        touched = set()

        def ok(p):
            if p in self.frozen or p in touched:
                return False
            lb = self.locked.get(p)
            if lb is not None and lb is not b:
                return False
            return self.mod_at.get(p, 0) <= b.start or p in b.overlay

        for _ in range(self.n_files()):
            p = self.pick_path(ok)
            if p is None:
                continue
            cur = b.overlay.get(p, self.state[p])
            if cur is None:
                continue
            changes.append((p, self.edit(cur)))
            touched.add(p)
        due = self.due_plant(i, plan)
        if due:
            changes.append(self.plant(i, due[0], "branch:" + b.name, b, touched))
        if not changes:
            return False
        msg = self.message([p for p, _ in changes], changes[0][1])
        b.tip = self.header("refs/heads/" + b.name, msg,
                            frm=(self.main_tip if b.tip is None else None))
        for p, c in changes:
            self.m(p, c)
            b.overlay[p] = c
            self.locked[p] = b
        b.remaining -= 1
        if b.remaining <= 0:
            b.done = True
        return True

    def merge(self, i, b):
        self.main_tip = self.header(
            "refs/heads/main", "Merge branch '%s'\n" % b.name, merges=(b.tip,))
        for p, c in sorted(b.overlay.items()):
            if c is None:
                if p in self.state:
                    self.d(p)
                    self.del_path(p)
            else:
                self.m(p, c)
                self.add_path(p, c, i)
        self.release(b)

    def release(self, b):
        for p in b.overlay:
            if self.locked.get(p) is b:
                del self.locked[p]
        self.branches.remove(b)

    def tag(self, i):
        self.ntag += 1
        name, email, tz = self.authors[0]
        self.o.w("tag v1.%d.0\nfrom :%d\ntagger %s <%s> %d %s\n"
                 % (self.ntag, self.main_tip, name, email, self.time, tz))
        self.o.data("Release 1.%d.0\n\nChanges since the previous release: see the log.\n"
                    % self.ntag)

    # ------------------------------------------------------------ main loop
    def run(self):
        a, r = self.a, self.r
        files = bc.list_corpus(a.corpus_files)
        if not files:
            sys.exit("gen_history: no corpus files found under /usr")
        items = []
        for src, _ in files:
            rel = src[len("/usr/"):] if src.startswith("/usr/") else src.lstrip("/")
            items.append((src, rel))
        n0 = max(1, len(items) // 4)
        # initial import: a quarter of the corpus, spread over all roots
        pick = set(range(0, len(items), max(1, len(items) // n0)))
        init = [items[j] for j in sorted(pick)]
        queue = [items[j] for j in range(len(items)) if j not in pick]
        queue.reverse()             # pop() yields them in sorted order
        C = a.commits
        plan = {"credit": 0.0,
                "plants": [], "msg_plant": -1}
        nplant = a.secrets
        if C > 20 and nplant:
            idx = sorted(r.sample(range(max(2, C // 20), C - 2), min(nplant, C - 4)))
            kinds = ("aws", "ghp", "password")
            for j, ci in enumerate(idx):
                fate = "removed" if j % 4 == 1 else "kept"
                plan["plants"].append((ci, kinds[j % 3], fate))
            plan["msg_plant"] = r.randrange(C // 2, C - 1)

        # commit 0: initial import
        self.mark += 1
        name, email, tz = self.authors[0]
        self.o.w("reset refs/heads/main\n")
        self.o.w("commit refs/heads/main\nmark :%d\nauthor %s <%s> %d %s\ncommitter %s <%s> %d %s\n"
                 % (self.mark, name, email, self.time, tz, name, email, self.time, tz))
        self.o.data("Initial import\n")
        for src, rel in init:
            c = bc.read(src)
            self.seen.add(hashlib.sha1(c).digest())
            self.m(rel, c)
            self.add_path(rel, c, 0)
        self.main_tip = self.mark
        self.commits = 1

        i = 1
        while self.commits < C:
            ready = [b for b in self.branches if b.done]
            if ready and r.random() < 0.8:
                b = ready[0]
                if r.random() < 0.85:
                    self.merge(i, b)
                else:
                    self.release(b)         # abandoned: ref stays, unmerged
                    continue
            elif self.branches and r.random() < 0.28:
                b = r.choice([b for b in self.branches if not b.done] or self.branches)
                if b.done or not self.commit_branch(i, b, plan):
                    self.commit_main(i, queue, plan)
            elif len(self.branches) < 4 and r.random() < 1.0 / 90 and i > 5:
                self.nbranch += 1
                kind = r.choice(("feature", "feature", "fix", "topic"))
                b = Branch("%s/%s-%d" % (kind, r.choice(("parser", "io", "docs", "api",
                                                            "build", "net", "cache", "ui")),
                                          self.nbranch),
                           i, r.randint(2, 40))
                self.branches.append(b)
                if not self.commit_branch(i, b, plan):
                    self.branches.remove(b)
                    self.commit_main(i, queue, plan)
            else:
                self.commit_main(i, queue, plan)
                if r.random() < 1.0 / 700:
                    self.tag(i)
            i += 1
        self.o.w("done\n")
        with open(a.manifest, "w") as fh:
            fh.write("id\trule\tvalue\tpath\tcommit_index\tbranch\tfate\n")
            for rec in self.manifest:
                fh.write("\t".join(str(x) for x in rec) + "\n")
        sys.stderr.write("gen_history: %d commits, %d blobs written, %d branches, %d tags, "
                         "%.1f MB stream, %d planted values\n"
                         % (self.commits, len(self.seen), self.nbranch, self.ntag,
                            self.o.bytes / 1e6, len(self.manifest)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--commits", type=int, required=True)
    ap.add_argument("--files-per-commit", type=float, default=3.5)
    ap.add_argument("--corpus-files", type=int, default=0)
    ap.add_argument("--secrets", type=int, default=12)
    ap.add_argument("--seed", default="leakwalk-bench-1")
    ap.add_argument("--manifest", required=True)
    a = ap.parse_args()
    out = Out(os.fdopen(sys.stdout.fileno(), "wb", buffering=1 << 20))
    Gen(a, out).run()
    out.f.flush()


if __name__ == "__main__":
    main()
