"""`dart-fg api ...`: serve the read API and manage its keys."""

from __future__ import annotations

import argparse
import json
from typing import Any

from dart_assets.api import SCOPES
from dart_assets.warehouse.audit import add_actor_argument

# The handlers import what they use: every `dart-fg` command builds this parser, and the
# database stack (SQLAlchemy, Alembic) would add ~0.3 s to each of them.


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from dart_assets.api.app import create_app
    from dart_assets.core.logs import uvicorn_log_config
    from dart_assets.warehouse.migrate import upgrade

    upgrade()
    app = create_app(
        rate_limit=args.rate_limit, address_limit=args.address_rate_limit, auth_failure_limit=args.auth_failure_limit
    )
    log_config = uvicorn_log_config()  # JSON lines with DART_FG_LOG_FORMAT=json, else uvicorn's own
    # Any: mypy matches every keyword of uvicorn.run against a dict's value type
    extra: dict[str, Any] = {"log_config": log_config} if log_config else {}
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", **extra)
    return 0


def _create(args: argparse.Namespace) -> int:
    from dart_assets.api.keys import create_api_key
    from dart_assets.warehouse.db import get_engine
    from dart_assets.warehouse.migrate import upgrade

    upgrade()
    key = create_api_key(get_engine(), args.name, args.scopes.split(","), actor=args.actor)
    print(key)  # the only time the key is shown; only its hash is stored
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from dart_assets.api.keys import revoke_api_key
    from dart_assets.warehouse.db import get_engine

    n = revoke_api_key(get_engine(), args.name, actor=args.actor)
    print(f"revoked {n} key(s) named {args.name!r}")
    return 0 if n else 1


def _list(args: argparse.Namespace) -> int:
    from dart_assets.api.keys import list_api_keys
    from dart_assets.warehouse.db import get_engine

    for row in list_api_keys(get_engine()):
        print(json.dumps(row, default=str, ensure_ascii=False))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    api = subparsers.add_parser("api", help="the read API under /api/dart")
    sub = api.add_subparsers(dest="api_command", required=True)
    serve = sub.add_parser("serve", help="serve the API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--rate-limit", default="600/minute", help="per API key, e.g. 600/minute")
    serve.add_argument(
        "--address-rate-limit", default=None, help="per client address, every request (default: 4x --rate-limit)"
    )
    serve.add_argument(
        "--auth-failure-limit", default="20/minute", help="unknown API keys one client address may present"
    )
    serve.set_defaults(func=_serve)
    key = sub.add_parser("key", help="API keys").add_subparsers(dest="key_command", required=True)
    create = key.add_parser("create", help="create a key and print it once")
    create.add_argument("--name", required=True)
    create.add_argument("--scopes", default="read", help=f"comma-separated subset of {','.join(SCOPES)}")
    add_actor_argument(create)
    create.set_defaults(func=_create)
    revoke = key.add_parser("revoke", help="revoke the keys with this name")
    revoke.add_argument("--name", required=True)
    add_actor_argument(revoke)
    revoke.set_defaults(func=_revoke)
    key.add_parser("list", help="list keys (never the keys themselves)").set_defaults(func=_list)
