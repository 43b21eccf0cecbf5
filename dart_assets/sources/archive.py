"""Raw DART responses kept as JSONL.gz, one file per asset partition.

The archive lets a partition be re-validated or re-loaded without calling DART again (the
daily quota is the scarce resource), and shows what DART said on a given day. Files are
written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

_CHUNK_ROWS = 5_000


def archive_path(archive_dir: Path, asset_path: Sequence[str], partition_key: str) -> Path:
    return archive_dir.joinpath(*asset_path, f"{partition_key}.jsonl.gz")


def _encode(lines: list[str]) -> bytes:
    """UTF-8; a lone surrogate (invalid UTF-8) becomes its JSON escape, which json.loads reads
    back as the same character, so the archive stays lossless and readable."""
    return ("\n".join(lines) + "\n").encode("utf-8", "backslashreplace")


def write_jsonl_gz(path: Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write `rows` as gzip'd JSON lines to `path` atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=5) as out:
            # Written in chunks: one gzip write per row costs twice the time (118,000 corp codes).
            chunk: list[str] = []
            for row in rows:
                chunk.append(json.dumps(row, ensure_ascii=False))
                if len(chunk) == _CHUNK_ROWS:
                    out.write(_encode(chunk))
                    chunk.clear()
            if chunk:
                out.write(_encode(chunk))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
