#!/usr/bin/python3
"""Reads every page of a dump with libkdumpfile (Debian's python3-libkdumpfile) and prints
"<pages read> <sha256 of (pfn as 8 little-endian bytes + page) over those pages, in PFN order>".
Pages libkdumpfile cannot read (holes, excluded, lost) are skipped. Used by the capture tests as
a reader of kdump-compressed files independent of ours, for every codec and architecture.
usage: libkdumpfile_pages.py DUMP MAX_PFN PAGE_SIZE"""
import hashlib
import sys

import kdumpfile

dump, max_pfn, page_size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
k = kdumpfile.kdumpfile(dump)
h = hashlib.sha256()
n = 0
for pfn in range(max_pfn):
    try:
        page = k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * page_size, page_size)
    except Exception:
        continue
    h.update(pfn.to_bytes(8, "little"))
    h.update(page)
    n += 1
print(n, h.hexdigest())
