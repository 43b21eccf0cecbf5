"""`dart-fg list`: what DART holds for a range of days, as DART returns it.

Operators use it to compare DART with the warehouse, so rows are printed untouched (the nine
list.json fields in DART's order) on stdout and everything else (progress, the summary, errors)
goes to stderr. Calls count against the shared daily budget in the warehouse like any other.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, datetime
from typing import TextIO

import sqlalchemy as sa

from dart_assets.core.settings import get_settings
from dart_assets.sources.dart.breaker import CircuitBreaker
from dart_assets.sources.dart.client import DartClient
from dart_assets.sources.dart.errors import DartError
from dart_assets.sources.dart.paging import LIST_FIELDS, Progress


def _date(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


class _ProgressLine:
    """One progress line on stderr, rewritten in place on a terminal, one line per page otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.interactive = stream.isatty()
        self.open = False

    def __call__(self, p: Progress) -> None:
        line = (
            f"dart-fg list: window {p.window_index}/{p.windows} {p.bgn_de}..{p.end_de} "
            f"page {p.page_no}/{max(p.total_page, p.page_no)}: {p.rows}/{p.total_count} rows"
        )
        self.stream.write(f"\r{line}\x1b[K" if self.interactive else f"{line}\n")
        self.stream.flush()
        self.open = self.interactive

    def say(self, message: str) -> None:
        self.stream.write(("\n" if self.open else "") + message + "\n")
        self.open = False


def _write(rows: list[dict[str, str]], fmt: str, out: TextIO) -> None:
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=LIST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    for row in rows:
        out.write(json.dumps({name: row[name] for name in LIST_FIELDS}, ensure_ascii=False) + "\n")


def _engine() -> sa.Engine:
    """The warehouse, migrated, so that these calls count against the shared daily budget."""
    from dart_assets.warehouse.db import get_engine
    from dart_assets.warehouse.migrate import upgrade

    return get_engine(upgrade())


def _list(args: argparse.Namespace) -> int:
    if args.date_to < args.date_from:
        print(f"dart-fg list: --to {args.date_to} is before --from {args.date_from}", file=sys.stderr)
        return 2
    settings = get_settings()
    # Without a key, from_settings says so before the warehouse is started for nothing.
    use_budget = not args.no_budget and bool(settings.api_keys)
    engine = _engine() if use_budget else None
    # With the warehouse, the same breaker as the runs: DART down stops this command too, and its
    # failures count towards opening the breaker for everyone.
    client = DartClient.from_settings(settings, engine=engine, breaker=CircuitBreaker(engine) if engine else None)
    progress = _ProgressLine(sys.stderr)
    try:
        with client:
            result = client.list_disclosures(args.date_from, args.date_to, corp_cls=args.corp_cls, on_progress=progress)
    except DartError as exc:
        progress.say(f"dart-fg list: {exc}")
        return 2
    _write(result.rows, args.format, sys.stdout)
    sys.stdout.flush()
    stats = client.stats()
    progress.say(
        f"dart-fg list: {len(result.rows)} disclosures (DART total {result.total_count}) from "
        f"{settings.base_url}; {stats['api_calls']} API calls, {stats['retries']} retries"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "list",
        help="print the disclosures DART holds for a date range (list.json)",
        description="Print every disclosure DART lists for a range of filing dates, as DART returns it.",
    )
    parser.add_argument("--from", dest="date_from", type=_date, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=_date, required=True, metavar="YYYY-MM-DD")
    parser.add_argument(
        "--corp-cls", choices=("Y", "K", "N", "E"), help="one market: Y KOSPI, K KOSDAQ, N KONEX, E other"
    )
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument(
        "--no-budget",
        action="store_true",
        help="do not count calls in the warehouse's daily budget (no database needed)",
    )
    parser.set_defaults(func=_list)
