#!/usr/bin/env python3
"""mkcatfs.py IMAGE FILE...: writes an SVCATFS1 disk image holding the files, for the catfile
example guest (frontend-drivers/examples/catfile/main.c describes the format).

Sector 0 is the directory (magic "SVCATFS1", version 1, the entry count, then up to 7 entries of
name[48], first sector, size); each file follows, starting on a sector boundary; the image is
padded to a whole number of 4 KiB pages. --name NAME renames the next file.
"""
import struct
import sys


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    image, args = argv[1], argv[2:]
    files, name = [], None
    i = 0
    while i < len(args):
        if args[i] == "--name":
            name = args[i + 1]
            i += 2
            continue
        path = args[i]
        with open(path, "rb") as f:
            data = f.read()
        label = (name or path.rsplit("/", 1)[-1]).encode()
        if len(label) > 47:
            print(f"mkcatfs: name too long (47 bytes at most): {label.decode()}", file=sys.stderr)
            return 1
        files.append((label, data))
        name = None
        i += 1
    if len(files) > 7:
        print("mkcatfs: at most 7 files", file=sys.stderr)
        return 1
    header = bytearray(512)
    header[0:16] = b"SVCATFS1" + struct.pack("<II", 1, len(files))
    body = bytearray()
    sector = 1
    for n, (label, data) in enumerate(files):
        struct.pack_into("<48sQQ", header, 64 + 64 * n, label, sector, len(data))
        padded = data + bytes(-len(data) % 512)
        body += padded
        sector += len(padded) // 512
    out = bytes(header) + bytes(body)
    out += bytes(-len(out) % 4096)
    with open(image, "wb") as f:
        f.write(out)
    print(f"mkcatfs: {image}: {len(files)} files, {len(out)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
