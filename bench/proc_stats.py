"""What ``/proc`` tells about a process group: CPU time, resident memory, PostgreSQL connections.

Linux only; a process that ends while it is read is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(process: Path) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (state is field 0)."""
    return (process / "stat").read_text().rsplit(")", 1)[1].split()


def _cpu_seconds(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def group_processes(pgid: int) -> Iterator[tuple[Path, list[str]]]:
    """Each live process of the process group: its ``/proc`` folder and its stat fields."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(entry)
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            yield entry, fields


def group_cpu_seconds(pgid: int) -> float:
    """utime + stime of every live process in the process group (children included)."""
    return sum(_cpu_seconds(fields) for _entry, fields in group_processes(pgid))


def pid_cpu_seconds(pid: int) -> float:
    try:
        return _cpu_seconds(_stat_fields(Path(f"/proc/{pid}")))
    except OSError:
        return 0.0


def rss_mib(pgid: int) -> float:
    total = 0
    for entry, _fields in group_processes(pgid):
        try:
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def postgres_connections(pgid: int) -> int:
    """TCP connections to port 5432 held by the process group's processes."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            parts = row.split()
            if parts[2].endswith(":1538") and parts[3] == "01":  # remote :5432, ESTABLISHED
                inodes.add(parts[9])
    held = 0
    for entry, _fields in group_processes(pgid):
        try:
            for fd in (entry / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    held += 1
        except OSError:
            continue
    return held
