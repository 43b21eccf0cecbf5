"""`dart-fg sim`: the OpenDART simulator in the foreground, until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import logging
import sys

from dart_assets.simulator.server import Faults, SimulatorConfig, serve_forever


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sim",
        help="run the OpenDART-compatible simulator on 127.0.0.1",
        description="Serve OpenDART's API with real recorded data and generated days on 127.0.0.1. "
        "Point the client at it with DART_API_BASE_URL=http://127.0.0.1:<port>/api.",
    )
    parser.add_argument("--port", type=int, default=8089, help="TCP port (default 8089; 0 picks a free one)")
    parser.add_argument("--seed", type=int, default=42, help="seed of generated data and faults (default 42)")
    parser.add_argument("--daily-volume", type=int, default=None, help="filings per business day instead of the realistic 450-700")
    parser.add_argument("--valid-key", action="append", dest="valid_keys", metavar="KEY", help="accept only this test key (repeatable; never a real DART key: command lines are visible to other users); default: any 40-character key")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS", help="added to every response")
    parser.add_argument("--error-rate", type=float, default=0.0, metavar="F", help="fraction answered HTTP 500/502/503")
    parser.add_argument("--timeout-rate", type=float, default=0.0, metavar="F", help="fraction that hang for --timeout-sleep seconds")
    parser.add_argument("--timeout-sleep", type=float, default=30.0, metavar="SECONDS")
    parser.add_argument("--malformed-rate", type=float, default=0.0, metavar="F", help="fraction with a truncated or non-JSON body")
    parser.add_argument("--maintenance", action="store_true", help="answer status 800 to everything")
    parser.add_argument("--quota", type=int, default=None, metavar="N", help="calls per key per day before status 020")
    parser.add_argument("--inject-new-filings-per-page", type=int, default=0, metavar="N", help="new filings appearing between list.json pages")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    faults = Faults(
        latency_s=args.latency,
        error_rate=args.error_rate,
        timeout_rate=args.timeout_rate,
        timeout_sleep_s=args.timeout_sleep,
        maintenance=args.maintenance,
        malformed_rate=args.malformed_rate,
        quota=args.quota,
        inject_new_filings_per_page=args.inject_new_filings_per_page,
    )
    try:
        config = SimulatorConfig(
            faults=faults,
            valid_keys=set(args.valid_keys) if args.valid_keys else None,
            daily_volume=args.daily_volume,
            seed=args.seed,
            port=args.port,
        )
    except ValueError as exc:
        print(f"dart-fg sim: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    serve_forever(config)
    return 0
