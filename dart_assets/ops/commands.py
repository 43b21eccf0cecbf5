"""`dart-fg health`, `dart-fg metrics`, `dart-fg dead-letters ...`, `dart-fg retention run`: operator tasks.

`dead-letters redrive` does not launch runs itself: it makes the letters due now, and the
`<job>_dead_letter_redrive` sensors launch them on their next tick (within 5 minutes), so an
operator re-drive obeys the same circuit-breaker and quota gates as the automatic one. Every
operator action is written to dart_ops.audit_log (who: --actor or $USER).
"""

from __future__ import annotations

import argparse
import json
import sys

from dart_assets.warehouse.audit import add_actor_argument

# The handlers import what they use: every `dart-fg` command builds this parser, and Dagster
# (pulled in by the automation modules) costs ~2 s to import.


def _health(args: argparse.Namespace) -> int:
    from dart_assets.core.settings import get_settings
    from dart_assets.ops.health import build_report
    from dart_assets.warehouse.db import get_engine

    report = build_report(get_engine(), get_settings(), require_daemon=args.require_daemon)
    print(json.dumps(report, indent=2, default=str))
    return 0 if report["healthy"] else 1


def _list(args: argparse.Namespace) -> int:
    from dart_assets.recovery import dead_letters
    from dart_assets.warehouse.db import get_engine

    letters = dead_letters.list_dead_letters(get_engine(), include_all=args.all)
    if args.format == "json":
        for letter in letters:
            print(json.dumps(letter, default=str, ensure_ascii=False))
        return 0
    if not letters:
        print("no dead letters" if args.all else "no unresolved dead letters")
        return 0
    print(f"{'id':>5}  {'status':<10} {'job':<16} {'partition':<24} {'tries':>5}  error")
    for d in letters:
        error = (d["error"] or "").splitlines()[0][:70] if d["error"] else ""
        print(
            f"{d['id']:>5}  {d['status']:<10} {d['job_name']:<16} "
            f"{d['partition_key'] or '-':<24} {d['attempts']:>5}  {error}"
        )
    return 0


def _redrive(args: argparse.Namespace) -> int:
    from dart_assets.recovery import dead_letters
    from dart_assets.warehouse.db import get_engine

    if not args.all and not args.ids:
        print("dart-fg: give dead letter IDs or --all", file=sys.stderr)
        return 2
    ids = dead_letters.request_redrive(get_engine(), None if args.all else args.ids, args.actor)
    missing = sorted(set(args.ids or []) - set(ids))
    if ids:
        print(
            f"queued for re-drive: {ids} "
            "(the dead-letter sensors launch them once the breaker is closed and quota allows)"
        )
    if missing:
        print(f"dart-fg: not re-driven (unknown, resolved or already re-driving): {missing}", file=sys.stderr)
        return 1
    if not ids:
        print("nothing to re-drive")
    return 0


def _resolve(args: argparse.Namespace) -> int:
    from dart_assets.alerting.alerts import channel_setup, clear_incident, deliver_outbox
    from dart_assets.recovery import dead_letters
    from dart_assets.warehouse.db import get_engine

    engine = get_engine()
    resolved = dead_letters.resolve_manually(engine, args.ids, args.actor, args.note)
    channels, problem = channel_setup()
    note = f"resolved by {args.actor}: {args.note}"
    for letter_id, job_name, partition_key in resolved:
        clear_incident(engine, channels, dead_letters.abandoned_incident_key(letter_id), note=note)
        clear_incident(engine, channels, dead_letters.run_incident_key(job_name, partition_key), note=note)
    # An operator's command sends its recoveries at once (what a broken config keeps waits).
    deliver_outbox(engine, channels, drop_unconfigured=problem is None)
    ids = [letter_id for letter_id, _, _ in resolved]
    missing = sorted(set(args.ids) - set(ids))
    print(f"resolved: {ids}")
    if missing:
        print(f"dart-fg: not resolved (unknown or already resolved): {missing}", file=sys.stderr)
        return 1
    return 0


def _retention(args: argparse.Namespace) -> int:
    from dart_assets.alerting.config import load_ops_config
    from dart_assets.core.settings import get_settings
    from dart_assets.ops.retention import run_retention
    from dart_assets.warehouse.audit import record_action
    from dart_assets.warehouse.db import get_engine

    engine = get_engine()
    periods = load_ops_config().retention_days
    results = run_retention(engine, get_settings().archive_dir, periods, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for r in results:
        print(f"{r.target:<16} {verb} {r.removed:>7}  (older than {r.days} days)")
    if not args.dry_run:
        with engine.begin() as conn:
            record_action(conn, args.actor, "retention.run", None, {r.target: r.removed for r in results})
    return 0


def _metrics(args: argparse.Namespace) -> int:
    from prometheus_client import generate_latest

    from dart_assets.ops.metrics import read_once, write_textfile
    from dart_assets.warehouse.db import get_engine

    if args.textfile:
        readable = write_textfile(args.textfile, get_engine())
    else:
        registry = read_once(get_engine())
        sys.stdout.write(generate_latest(registry).decode())
        readable = registry.get_sample_value("dart_fg_warehouse_up") == 1
    if not readable:
        print("dart-fg: the dart_ops tables could not be read (dart_fg_warehouse_up 0)", file=sys.stderr)
    return 0 if readable else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    metrics = subparsers.add_parser(
        "metrics", help="the warehouse metrics in Prometheus text format (stdout, or --textfile for node_exporter)"
    )
    metrics.add_argument(
        "--textfile",
        metavar="PATH",
        help="write them to PATH atomically (e.g. node_exporter's textfile directory, a *.prom name)",
    )
    metrics.set_defaults(func=_metrics)

    health = subparsers.add_parser("health", help="health report as JSON; exit code 0 only when healthy")
    health.add_argument("--require-daemon", action="store_true", help="count an unknown daemon heartbeat as unhealthy")
    health.set_defaults(func=_health)

    letters = subparsers.add_parser("dead-letters", help="partitions that failed after their retries")
    sub = letters.add_subparsers(dest="dead_letters_command", required=True)
    listing = sub.add_parser("list", help="unresolved dead letters (--all: every one)")
    listing.add_argument("--all", action="store_true")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(func=_list)
    redrive = sub.add_parser("redrive", help="make dead letters due now; the re-drive sensors launch them")
    redrive.add_argument("ids", nargs="*", type=int, metavar="ID")
    redrive.add_argument("--all", action="store_true", help="every open or abandoned letter")
    add_actor_argument(redrive)
    redrive.set_defaults(func=_redrive)
    resolve = sub.add_parser("resolve", help="close dead letters that need no re-drive")
    resolve.add_argument("ids", nargs="+", type=int, metavar="ID")
    resolve.add_argument("--note", required=True, help="why (kept in the audit log)")
    add_actor_argument(resolve)
    resolve.set_defaults(func=_resolve)

    retention = subparsers.add_parser("retention", help="remove old archives and operational history")
    retention_sub = retention.add_subparsers(dest="retention_command", required=True)
    run = retention_sub.add_parser("run", help="apply the retention periods now")
    run.add_argument("--dry-run", action="store_true", help="count what would be removed, remove nothing")
    add_actor_argument(run)
    run.set_defaults(func=_retention)
