"""What every benchmark shares: the machine line of a report, markdown tables, the sections of
RESULTS.md, and a throwaway PostgreSQL (never the user's warehouse)."""

from __future__ import annotations

import os
import platform
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    """CPU, Python and OS: figures from a shared 2-core box mean little without them."""
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    return (
        f"{os.cpu_count()} CPU ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def measured_on() -> str:
    """The closing sentence of a report's description: when and where it was measured."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"Measured {when} on {machine()}, shared with other work."


def table_row(cells: Sequence[object]) -> str:
    """One markdown table row; printed on its own, a long benchmark shows progress row by row."""
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def table(header: Sequence[str], rows: Iterable[Sequence[object]] = ()) -> list[str]:
    """A markdown table as lines, ready for RESULTS.md or the terminal; cells are formatted by the caller."""
    return [table_row(header), "|" + "|".join("---" for _ in header) + "|", *(table_row(row) for row in rows)]


def write_section(title: str, text: str) -> None:
    """Replace (or append) the "## <title>" section of RESULTS.md, leaving other sections alone."""
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    updated = (
        pattern.sub(lambda _m: text + "\n", current)
        if pattern.search(current)
        else current.rstrip("\n") + "\n\n" + text
    )
    RESULTS.write_text(updated)


@contextmanager
def scratch_postgres(migrate: bool = True) -> Iterator[str]:
    """A fresh embedded PostgreSQL 16, deleted afterwards; yields its SQLAlchemy URL.

    migrate=False leaves it empty, for a run whose own code creates the schema.
    """
    from dart_assets.warehouse.embedded import import_pgserver, to_sqlalchemy_url
    from dart_assets.warehouse.migrate import upgrade

    server = import_pgserver().get_server(
        tempfile.mkdtemp(prefix="dart_fg_bench_pg_", dir="/tmp"), cleanup_mode="delete"
    )
    try:
        url = to_sqlalchemy_url(server.get_uri())
        if migrate:
            upgrade(url)
        yield url
    finally:
        server.cleanup()
