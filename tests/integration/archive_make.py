#!/usr/bin/env python3
"""archive_make.py - archives for the archive tests, built at test time with
python's zipfile, tarfile, gzip, bz2 and lzma modules (no secret lives in
the repository: member contents come from files the test generated).

usage: archive_make.py KIND OUT [NAME=FILE | NAME=@zeros:N | NAME=@link:TARGET]...

KIND: zip (deflated), zip-stored, tar, tar.gz, tar.bz2, tar.xz, gz, bz2, xz
(a single compressed file: the first member's FILE), zip-many:N (N empty
members, then the members given), zip-encrypted (the members given, each
marked encrypted in both headers as a traditional PKWARE-encrypted member
is), zip-corrupt (the first member's deflated data damaged after the
headers, the others intact).
"""
import bz2
import gzip
import io
import lzma
import struct
import sys
import tarfile
import zipfile


def members(specs):
    out = []
    for spec in specs:
        name, src = spec.split("=", 1)
        if src.startswith("@zeros:"):
            out.append((name, b"\0" * int(src[7:]), None))
        elif src.startswith("@link:"):
            out.append((name, b"", src[6:]))
        else:
            with open(src, "rb") as f:
                out.append((name, f.read(), None))
    return out


def write_zip(out, ms, method=zipfile.ZIP_DEFLATED, empty=0):
    with zipfile.ZipFile(out, "w", method) as z:
        for i in range(empty):
            z.writestr("pad/%05d.txt" % i, b"")
        for name, data, _ in ms:
            z.writestr(name, data)


def write_tar(out, ms, mode):
    with tarfile.open(out, mode) as t:
        for name, data, link in ms:
            ti = tarfile.TarInfo(name)
            if link is not None:
                ti.type = tarfile.SYMTYPE
                ti.linkname = link
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))


def zip_set_encrypted(path):
    """Sets bit 0 (encrypted) of every member's flags, in the local and the
    central headers (APPNOTE.TXT 4.3.7 and 4.3.12)."""
    b = bytearray(open(path, "rb").read())
    i = 0
    while True:
        i = b.find(b"PK\3\4", i)
        if i < 0:
            break
        flags = struct.unpack_from("<H", b, i + 6)[0]
        struct.pack_into("<H", b, i + 6, flags | 1)
        i += 4
    i = 0
    while True:
        i = b.find(b"PK\1\2", i)
        if i < 0:
            break
        flags = struct.unpack_from("<H", b, i + 8)[0]
        struct.pack_into("<H", b, i + 8, flags | 1)
        i += 4
    open(path, "wb").write(bytes(b))


def zip_corrupt_first(path):
    """Overwrites the first member's compressed data with bytes no deflate
    stream starts with (a reserved block type), leaving the headers."""
    b = bytearray(open(path, "rb").read())
    name_len, extra_len = struct.unpack_from("<HH", b, 26)
    csize = struct.unpack_from("<I", b, 18)[0]
    start = 30 + name_len + extra_len
    for k in range(start, start + csize):
        b[k] = 0xFF
    open(path, "wb").write(bytes(b))


def main():
    kind, out, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
    ms = members(specs)
    if kind == "zip":
        write_zip(out, ms)
    elif kind == "zip-stored":
        write_zip(out, ms, zipfile.ZIP_STORED)
    elif kind.startswith("zip-many:"):
        write_zip(out, ms, empty=int(kind.split(":")[1]))
    elif kind == "zip-encrypted":
        write_zip(out, ms)
        zip_set_encrypted(out)
    elif kind == "zip-corrupt":
        write_zip(out, ms)
        zip_corrupt_first(out)
    elif kind in ("tar", "tar.gz", "tar.bz2", "tar.xz"):
        mode = {"tar": "w", "tar.gz": "w:gz", "tar.bz2": "w:bz2", "tar.xz": "w:xz"}[kind]
        write_tar(out, ms, mode)
    elif kind in ("gz", "bz2", "xz"):
        opener = {"gz": gzip.open, "bz2": bz2.open, "xz": lzma.open}[kind]
        with opener(out, "wb") as f:
            f.write(ms[0][1])
    else:
        sys.exit("archive_make.py: unknown kind " + kind)


if __name__ == "__main__":
    main()
