#!/usr/bin/env python3
"""pack_helpers.py KIND OBJDIR IDXVERSION - writes a hostile pack and its
index (version 1 or 2, by hand: git index-pack refuses these packs) into
OBJDIR/pack, and prints the id of the object under test, for a tree to name.

Kinds:
  selfref    a blob, then a REF_DELTA whose base is its own id
  hugedelta  a blob, then an OFS_DELTA on it declaring a 1 TiB result
  hugeblob   a blob entry declaring 1 TiB, with a few bytes of zlib data
  plain      two ordinary blobs (the second printed): the index is sound
"""
import hashlib
import os
import struct
import sys
import zlib


def entry_header(kind, size):
    b = [(kind << 4) | (size & 15)]
    size >>= 4
    while size:
        b[-1] |= 0x80
        b.append(size & 0x7F)
        size >>= 7
    return bytes(b)


def varint(n):
    out = bytearray()
    while True:
        c = n & 0x7F
        n >>= 7
        out.append(c | (0x80 if n else 0))
        if not n:
            return bytes(out)


def ofs(rel):
    buf = [rel & 127]
    rel >>= 7
    while rel:
        rel -= 1
        buf.insert(0, 128 | (rel & 127))
        rel >>= 7
    return bytes(buf)


def blob_id(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).digest()


def main():
    kind, objdir, ver = sys.argv[1], sys.argv[2], int(sys.argv[3])
    base = b"an ordinary base blob, long enough to copy from\n" * 4
    fake = hashlib.sha1(("leakwalk test object " + kind).encode()).digest()
    entries = [(blob_id(base), entry_header(3, len(base)) + zlib.compress(base))]
    if kind == "selfref":
        delta = varint(len(base)) + varint(len(base)) + bytes([0x80 | 0x10 | 0x20, len(base) & 255, len(base) >> 8])
        entries.append((fake, entry_header(7, len(delta)) + fake + zlib.compress(delta)))
    elif kind == "hugedelta":
        delta = varint(len(base)) + varint(1 << 40) + bytes([0x80 | 0x10, len(base)])
        entries.append((fake, None, delta))
    elif kind == "hugeblob":
        entries.append((fake, entry_header(3, 1 << 40) + zlib.compress(b"tiny")))
    elif kind == "plain":
        other = b"another ordinary blob\n"
        fake = blob_id(other)
        entries.append((fake, entry_header(3, len(other)) + zlib.compress(other)))
    else:
        sys.exit("unknown kind " + kind)

    body = bytearray(b"PACK" + struct.pack(">II", 2, len(entries)))
    offsets = []
    for e in entries:
        off = len(body)
        offsets.append(off)
        if e[1] is None:  # an OFS_DELTA on the first entry
            raw = entry_header(6, len(e[2])) + ofs(off - offsets[0]) + zlib.compress(e[2])
        else:
            raw = e[1]
        body += raw
    pack_sha = hashlib.sha1(body).digest()
    body += pack_sha
    crcs = []
    for i, off in enumerate(offsets):
        end = offsets[i + 1] if i + 1 < len(offsets) else len(body) - 20
        crcs.append(zlib.crc32(bytes(body[off:end])) & 0xFFFFFFFF)

    order = sorted(range(len(entries)), key=lambda i: entries[i][0])
    fan = [0] * 256
    for i in order:
        fan[entries[i][0][0]] += 1
    acc = 0
    fanout = b""
    for c in fan:
        acc += c
        fanout += struct.pack(">I", acc)
    if ver == 1:
        idx = fanout + b"".join(struct.pack(">I", offsets[i]) + entries[i][0] for i in order)
    else:
        idx = (b"\377tOc" + struct.pack(">I", 2) + fanout + b"".join(entries[i][0] for i in order)
               + b"".join(struct.pack(">I", crcs[i]) for i in order)
               + b"".join(struct.pack(">I", offsets[i]) for i in order))
    idx += pack_sha
    idx += hashlib.sha1(idx).digest()
    d = os.path.join(objdir, "pack")
    os.makedirs(d, exist_ok=True)
    name = os.path.join(d, "pack-" + pack_sha.hex())
    with open(name + ".pack", "wb") as f:
        f.write(body)
    with open(name + ".idx", "wb") as f:
        f.write(idx)
    print(fake.hex())


main()
