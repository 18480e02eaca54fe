#!/usr/bin/env python3
"""Random histories against the store: commits, branches, merges, resets,
amends and deleted branches, with incremental audits (leakwalk audit
--store) in between; after each audit the store must hold exactly the
(fingerprint, commit) pairs, and `present`, of a full audit.

usage: store_random.py LEAKWALK WORKDIR SEED STEPS [STORE]
Exit 1 naming the seed and step of the first difference.
"""
import json, os, random, subprocess, sys

lw, work, seed, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(seed)
repo = os.path.join(work, "repo-%d" % seed)
store = sys.argv[5] if len(sys.argv) > 5 else os.path.join(work, "store-%d.db" % seed)
when = [1700000000]
# consonants and digits only: no stopword or placeholder can form
ALPHA = "bcdfghjkmnpqrstvwzBCDFGHJKMNPQRSTVWZ23456789"


def secret():
    while True:
        s = "".join(rnd.sample(ALPHA, 18))
        if (any(c.isupper() for c in s) and any(c.islower() for c in s)
                and sum(c.isdigit() for c in s) >= 2):
            return s


def git(*args, check=True):
    when[0] += 60
    env = dict(os.environ, GIT_AUTHOR_DATE="@%d +0000" % when[0],
               GIT_COMMITTER_DATE="@%d +0000" % when[0])
    r = subprocess.run(["git", "-C", repo] + list(args), env=env, capture_output=True, text=True)
    if check and r.returncode:
        sys.exit("git %s failed: %s" % (" ".join(args), r.stderr))
    return r


def branches():
    return git("for-each-ref", "--format=%(refname:short)", "refs/heads/").stdout.split()


def commit():
    f = os.path.join(repo, "f%d.cfg" % rnd.randrange(4))
    lines = open(f).read().splitlines() if os.path.exists(f) else []
    op = rnd.random()
    if op < 0.5 or not lines:
        lines.insert(rnd.randrange(len(lines) + 1), 'password = "%s"' % secret())
    elif op < 0.8:
        del lines[rnd.randrange(len(lines))]
    else:
        lines.append("plain line %d" % rnd.randrange(1000))
    open(f, "w").write("".join(l + "\n" for l in lines))
    git("add", "-A")
    git("commit", "-q", "--allow-empty", "-m", "change %s" % os.path.basename(f))


def pairs(report):
    return {(x["fingerprint"], x["commit"]) for x in report}, \
        {x["fingerprint"]: sorted(x.get("present") or []) for x in report if "present" in x}


def run_json(args):
    r = subprocess.run([lw] + args + ["--format", "json", "-q"], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit("seed %d: leakwalk %s: exit %d: %s" % (seed, " ".join(args), r.returncode, r.stderr))
    return json.loads(r.stdout)


kinds = {"incremental": 0, "full walk": 0}


def audit_and_compare(step):
    r = subprocess.run([lw, "audit", repo, "--store", store, "--format", "json"],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit("seed %d: audit --store: exit %d: %s" % (seed, r.returncode, r.stderr))
    for k in kinds:
        kinds[k] += ("(%s" % k) in r.stderr
    got = run_json(["report", "--store", store, "--repo", os.path.realpath(repo), "--status", "all"])
    want = run_json(["audit", repo])
    (gp, gpres), (wp, wpres) = pairs(got), pairs(want)
    if gp != wp:
        sys.exit("seed %d step %d: store and full audit differ:\n  only in store: %s\n"
                 "  only in full audit: %s" % (seed, step, sorted(gp - wp), sorted(wp - gp)))
    if gpres != wpres:
        diff = {k: (gpres.get(k), wpres.get(k)) for k in set(gpres) | set(wpres)
                if gpres.get(k) != wpres.get(k)}
        sys.exit("seed %d step %d: `present` differs (store, full): %s" % (seed, step, diff))
    return len(wp)


os.makedirs(repo)
git("init", "-q", "-b", "main")
git("config", "user.name", "R"); git("config", "user.email", "r@example.com")
commit()
audits = findings = 0
for step in range(steps):
    op = rnd.random()
    cur = git("rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    if op < 0.45:
        commit()
    elif op < 0.55:
        git("checkout", "-q", "-b", "b%d" % step)
    elif op < 0.62:
        git("checkout", "-q", rnd.choice(branches()))
    elif op < 0.70:
        other = rnd.choice(branches())
        if other != cur and git("merge", "-q", "--no-edit", "-X", "theirs", other, check=False).returncode:
            git("merge", "--abort", check=False)
            git("reset", "-q", "--hard", check=False)
    elif op < 0.76:
        # a rewrite: the tip goes back (force-push of an older state)
        n = int(git("rev-list", "--count", "HEAD").stdout)
        if n > 1:
            git("reset", "-q", "--hard", "HEAD~%d" % rnd.randrange(1, min(n, 4)))
    elif op < 0.80:
        git("commit", "-q", "--amend", "--allow-empty", "-m", "amended %d" % step)
    elif op < 0.85:
        others = [b for b in branches() if b != cur]
        if others:
            git("branch", "-q", "-D", rnd.choice(others))
    elif op < 0.89:
        # a copy or a rename: the secret at another path (`present` follows
        # the secret, not the path)
        files = sorted(f for f in os.listdir(repo) if f.endswith(".cfg"))
        if files:
            f = rnd.choice(files)
            to = "moved%d.cfg" % step
            if rnd.random() < 0.5:
                git("mv", f, to)
            else:
                open(os.path.join(repo, to), "w").write(open(os.path.join(repo, f)).read())
                git("add", to)
            git("commit", "-q", "-m", "copy or move %s" % f)
    else:
        findings = audit_and_compare(step)

        audits += 1
findings = audit_and_compare(steps)
if not kinds["incremental"] or not kinds["full walk"]:
    sys.exit("seed %d: the audits were not both incremental and full: %s" % (seed, kinds))
print("seed %d: %d steps, %d audits (%d incremental), %d findings at the end: store == full audit"
      % (seed, steps, audits + 1, kinds["incremental"], findings))
