#!/usr/bin/env python3
"""store_gen_repos.py OUT_DIR N - N small bare repositories for store_bench.sh.

Each repository OUT_DIR/rI.git has three commits on main: a README and an
app.env holding one random DB_PASSWORD (20 characters of [A-Za-z0-9]), then
two edits of the README. The objects are written loose, as `git commit`
writes them, without starting a process per repository: 1,000 repositories
through the git CLI took minutes on a loaded 2-core machine, this takes
seconds. The paths are printed one a line (for `fleet add --from`).
"""
import hashlib
import os
import secrets
import string
import sys
import zlib

ALNUM = string.ascii_letters + string.digits


def put(objdir, kind, body):
    data = b"%s %d\0" % (kind, len(body)) + body
    oid = hashlib.sha1(data).hexdigest()
    d = os.path.join(objdir, oid[:2])
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, oid[2:])
    if not os.path.exists(p):
        with open(p, "wb") as f:
            f.write(zlib.compress(data))
    return oid


def tree(objdir, files):
    body = b"".join(b"100644 %s\0" % name.encode() + bytes.fromhex(oid)
                    for name, oid in sorted(files.items()))
    return put(objdir, b"tree", body)


def commit(objdir, tree_oid, parent, n, msg):
    who = b"Bench <bench@example.com> %d +0000" % (1700000000 + n * 60)
    body = b"tree %s\n" % tree_oid.encode()
    if parent:
        body += b"parent %s\n" % parent.encode()
    body += b"author %s\ncommitter %s\n\n%s\n" % (who, who, msg)
    return put(objdir, b"commit", body)


def repo(path, i):
    git = path
    objdir = os.path.join(git, "objects")
    for d in ("objects/info", "objects/pack", "refs/heads", "refs/tags"):
        os.makedirs(os.path.join(git, d), exist_ok=True)
    with open(os.path.join(git, "HEAD"), "w") as f:
        f.write("ref: refs/heads/main\n")
    with open(os.path.join(git, "config"), "w") as f:
        f.write("[core]\n\trepositoryformatversion = 0\n\tbare = true\n")
    secret = "".join(secrets.choice(ALNUM) for _ in range(20))
    env = put(objdir, b"blob", b'DB_PASSWORD="%s"\n' % secret.encode())
    readme = b"name: r%d\n" % i
    parent = None
    for n, (add, msg) in enumerate(((b"", b"one"), (b"more %d\n" % i, b"two"),
                                    (b"again\n", b"three"))):
        readme += add
        t = tree(objdir, {"README": put(objdir, b"blob", readme), "app.env": env})
        parent = commit(objdir, t, parent, n, msg)
    with open(os.path.join(git, "refs/heads/main"), "w") as f:
        f.write(parent + "\n")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: store_gen_repos.py OUT_DIR N")
    out, n = sys.argv[1], int(sys.argv[2])
    for i in range(n):
        p = os.path.abspath(os.path.join(out, "r%d.git" % i))
        repo(p, i)
        print(p)


if __name__ == "__main__":
    main()
