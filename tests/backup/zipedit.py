#!/usr/bin/env python3
"""Damages or rewrites a backup archive for the tests.

  zipedit.py flip FILE TEXT       flip one byte inside the first occurrence of TEXT
  zipedit.py format FILE OUT N    rewrite the manifest with format N (SHA256SUMS kept consistent)
  zipedit.py extra FILE OUT       append an entry the manifest does not list
  zipedit.py patch FILE OUT CODE  run the Python statement CODE on the manifest m
                                  (SHA256SUMS kept consistent)
"""
import hashlib
import json
import sys
import zipfile


def flip(path, text):
    data = bytearray(open(path, "rb").read())
    at = data.find(text.encode())
    if at < 0:
        sys.exit("text not found")
    data[at + len(text) // 2] ^= 0x01
    open(path, "wb").write(bytes(data))


def rewrite(src, out, change):
    with zipfile.ZipFile(src) as z:
        names = z.namelist()
        blobs = {n: z.read(n) for n in names}
    manifest = json.loads(blobs["svcmode-backup.json"])
    change(manifest, blobs)
    blobs["svcmode-backup.json"] = json.dumps(manifest, indent=1).encode()
    sums = [hashlib.sha256(blobs["svcmode-backup.json"]).hexdigest() + "  svcmode-backup.json"]
    sums += [d["sha256"] + "  " + d["path"] for d in manifest["documents"]]
    blobs["SHA256SUMS"] = ("\n".join(sums) + "\n").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for n in names:
            z.writestr(n, blobs[n])
        for n in blobs:
            if n not in names:
                z.writestr(n, blobs[n])


def main():
    cmd = sys.argv[1]
    if cmd == "flip":
        flip(sys.argv[2], sys.argv[3])
    elif cmd == "format":
        n = int(sys.argv[4])
        rewrite(sys.argv[2], sys.argv[3], lambda m, b: m.update(format=n))
    elif cmd == "patch":
        code = sys.argv[4]
        rewrite(sys.argv[2], sys.argv[3], lambda m, b: exec(code, {"m": m, "re": __import__("re")}))
    elif cmd == "extra":
        rewrite(sys.argv[2], sys.argv[3], lambda m, b: b.update({"evil.txt": b"not listed"}))
    else:
        sys.exit(__doc__)


main()
