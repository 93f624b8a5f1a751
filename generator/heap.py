"""glibc's malloc, told to keep the memory a process frees for its next allocation.

A training step allocates and frees the same few-megabyte tensors thousands of times. By default glibc serves
such blocks with fresh mmap pages, or hands the top of its heap back to the kernel after each free, so every
step pays for page faults again: a spiralNet step spent a tenth of its time in the kernel, at about 3,000 page
faults a step. Kept, the pages are reused. This changes where memory comes from, never a number computed in it.
"""
from __future__ import annotations

import ctypes

M_TRIM_THRESHOLD = -1   # mallopt parameters, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
KEEP = 1 << 30          # free memory at the top of the heap returned to the kernel only beyond 1 GiB
HEAP_UP_TO = 32 << 20   # blocks up to 32 MiB (glibc's ceiling for this setting) come from the heap, not mmap


def keep_freed_memory() -> bool:
    """Tune this process's malloc; True if it took (glibc), False where there is no such malloc (macOS, musl)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return mallopt(M_TRIM_THRESHOLD, KEEP) == 1 and mallopt(M_MMAP_THRESHOLD, HEAP_UP_TO) == 1
