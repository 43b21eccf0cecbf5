"""`dart-fg sim`: the OpenDART, KRX and ECOS simulator in the foreground, until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date

from simulators.market.service import MarketFaults
from simulators.server import Faults, SimulatorConfig, serve_forever


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sim",
        help="run the OpenDART, KRX Open API and ECOS simulator on 127.0.0.1",
        description="Serve OpenDART's, KRX's and ECOS's APIs with real recorded data and generated days on "
        "127.0.0.1. Point the clients at it with DART_API_BASE_URL=http://127.0.0.1:<port>/api, "
        "KRX_API_BASE_URL=http://127.0.0.1:<port>/krx/svc/apis and ECOS_API_BASE_URL=http://127.0.0.1:<port>/ecos/api. "
        "The fault switches apply to all three services.",
    )
    parser.add_argument("--port", type=int, default=8089, help="TCP port (default 8089; 0 picks a free one)")
    parser.add_argument("--seed", type=int, default=42, help="seed of generated data and faults (default 42)")
    parser.add_argument(
        "--daily-volume", type=int, default=None, help="filings per business day instead of the realistic 450-700"
    )
    parser.add_argument(
        "--valid-key",
        action="append",
        dest="valid_keys",
        metavar="KEY",
        help="accept only this test key (repeatable; never a real DART key: command lines are visible to "
        "other users); default: any 40-character key",
    )
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS", help="added to every response")
    parser.add_argument("--error-rate", type=float, default=0.0, metavar="F", help="fraction answered HTTP 500/502/503")
    parser.add_argument(
        "--timeout-rate", type=float, default=0.0, metavar="F", help="fraction that hang for --timeout-sleep seconds"
    )
    parser.add_argument("--timeout-sleep", type=float, default=30.0, metavar="SECONDS")
    parser.add_argument(
        "--malformed-rate", type=float, default=0.0, metavar="F", help="fraction with a truncated or non-JSON body"
    )
    parser.add_argument("--maintenance", action="store_true", help="answer status 800 to everything")
    parser.add_argument(
        "--quota",
        type=int,
        default=None,
        metavar="N",
        help="calls per key per day and service before status 020 (KRX 429, ECOS ERROR-602)",
    )
    parser.add_argument(
        "--inject-new-filings-per-page",
        type=int,
        default=0,
        metavar="N",
        help="new filings appearing between list.json pages",
    )
    parser.add_argument(
        "--unapproved-endpoint",
        action="append",
        default=[],
        dest="unapproved_endpoints",
        metavar="CAT/NAME",
        help="KRX endpoint the key is not approved for: HTTP 401 (repeatable)",
    )
    parser.add_argument(
        "--unpublished-from",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="KRX sessions and ECOS days from this date on are not published yet",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    shared = dict(  # the network and the services' common switches apply to all three
        latency_s=args.latency,
        error_rate=args.error_rate,
        timeout_rate=args.timeout_rate,
        timeout_sleep_s=args.timeout_sleep,
        maintenance=args.maintenance,
        malformed_rate=args.malformed_rate,
        quota=args.quota,
    )
    faults = Faults(**shared, inject_new_filings_per_page=args.inject_new_filings_per_page)
    market_faults = MarketFaults(
        **shared, unapproved_endpoints=set(args.unapproved_endpoints), unpublished_from=args.unpublished_from
    )
    try:
        config = SimulatorConfig(
            faults=faults,
            market_faults=market_faults,
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
