"""OpenDART-, KRX Open API- and ECOS-compatible HTTP server on 127.0.0.1, with real data and
switchable faults.

Usage in tests and benchmarks::

    from simulators.server import Faults, SimulatorConfig, run_simulator

    with run_simulator(SimulatorConfig(faults=Faults(error_rate=0.1), seed=42)) as sim:
        client = httpx.Client(base_url=sim.base_url)  # "http://127.0.0.1:<port>/api"
        client.get("/list.json", params={"crtfc_key": "a" * 40, "bgn_de": "20260915"})
        sim.config.faults.maintenance_requests = 3  # the next 3 requests get status 800
        sim.requests  # what the server saw: endpoint, params (no crtfc_key), status, http_status
        sim.reset_quota()

From a shell: `dart-fg sim --port 8089 [--seed 42] [--daily-volume 2000] [--error-rate 0.1] ...`
then `DART_API_BASE_URL=http://127.0.0.1:8089/api`.

OpenDART under /api: list.json, corpCode.xml, company.json, fnlttSinglAcnt.json,
fnlttMultiAcnt.json, fnlttSinglAcntAll.json, the 36 DS005 endpoints (piicDecsn.json, ...; see
major_events.py); KRX under /krx/svc/apis/{cat}/{endpoint}
(`sim.krx_base_url`), ECOS under /ecos/api/StatisticSearch/... (`sim.ecos_base_url`); the market
side is market/service.py, its faults `config.market_faults`. Business errors are HTTP 200 with `status` and the
official message, as on the real service; faults are drawn from one seeded RNG in request order,
so a run with the same requests sees the same faults.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import socket
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response

from simulators import corpcodes, dataset, financials, listing, major_events
from simulators.clock import seoul_today
from simulators.dataset import Filing
from simulators.market.service import MarketFaults, MarketService, ecos_result, parse_ecos_path
from simulators.protocol import (
    JSON_TYPE,
    XML_TYPE,
    ZIP_TYPE,
    ApiError,
    error_payload,
    json_body,
    xml_error_body,
)
from simulators.transport import LoggedRequest, Reply, TransportFaults, maybe_malformed, transport_fault

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
_KEY_FORMAT = re.compile(r"[0-9A-Za-z]{40}")
_QUERY_CACHE_SIZE = 16


@dataclass
class Faults(TransportFaults):
    """OpenDART's failure modes on top of the network's, all off by default; change them on a
    running simulator at any time."""

    maintenance: bool = False  # status 800 for every request
    maintenance_requests: int = 0  # the next N requests get 800 (counts down)
    quota: int | None = None  # calls per key per Asia/Seoul day before status 020
    inject_new_filings_per_page: int = 0  # new filings appear before each list.json page >= 2
    corrupt_zip: bool = False  # corpCode.xml sends PK... bytes that are not a ZIP
    xml_error_status: str | None = None  # corpCode.xml sends this status as an XML error body
    event_field_overrides: dict[str, str] = field(default_factory=dict)  # fields replaced in every DS005 item


@dataclass
class SimulatorConfig:
    faults: Faults = field(default_factory=Faults)
    valid_keys: set[str] | None = None  # None: any 40-character alphanumeric key
    market_faults: MarketFaults = field(default_factory=MarketFaults)
    valid_market_keys: set[str] | None = None  # KRX/ECOS keys; None: any non-empty key
    daily_volume: int | None = None  # filings per business day instead of the realistic volume
    seed: int = 42
    port: int = 0  # 0: a free port

    def __post_init__(self) -> None:
        dataset.check_daily_volume(self.daily_volume)


class Simulator:
    """The server's state: configuration, fault RNG, quota counters, injected filings, log."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.requests: list[LoggedRequest] = []
        self._rng = random.Random(config.seed)
        self._quota_used: dict[tuple[str, date], int] = defaultdict(int)
        self._injected: dict[date, list[Filing]] = defaultdict(list)
        self._injected_count = 0
        self._query_cache: OrderedDict[tuple[listing.ListQuery, int], list[Filing]] = OrderedDict()
        # DART's logic runs on one worker thread: requests stay serialised (quota, injections and
        # caches need no locks) while the event loop keeps serving sleeps, timeouts and shutdown
        # even when a long corp_code range takes seconds to generate.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dart-simulator-logic")
        self.market = MarketService(
            lambda: self.config.market_faults, seed=config.seed, valid_keys=config.valid_market_keys
        )
        self.stopping = threading.Event()

    def reset_quota(self) -> None:
        self._quota_used.clear()
        self.market.reset_quota()

    def stop(self) -> None:
        self.stopping.set()
        self._worker.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------ request pipeline

    async def handle(self, endpoint: str, query: Mapping[str, str]) -> Reply:
        params = dict(query)
        key = params.pop("crtfc_key", None)
        return await self.serve(endpoint, params, self.config.faults, lambda: self._dart_reply(endpoint, key, params))

    async def serve(
        self, endpoint: str, params: dict[str, str], faults: TransportFaults, answer: Callable[[], Reply]
    ) -> Reply:
        """Transport faults first (as a proxy or load balancer would), then the service's own
        answer, computed on the logic thread; the request is logged without its key."""
        reply = await transport_fault(faults, self._rng, self.sleep)
        if reply is None:
            reply = await asyncio.get_running_loop().run_in_executor(self._worker, answer)
            reply = maybe_malformed(reply, faults, self._rng)
        self.requests.append(LoggedRequest(endpoint, params, reply.status, reply.http_status, reply.fault))
        log.info("%s %s -> HTTP %s status %s", endpoint, params, reply.http_status, reply.status)
        return reply

    def _dart_reply(self, endpoint: str, key: str | None, params: dict[str, str]) -> Reply:
        faults = self.config.faults
        zip_endpoint = endpoint == "corpCode.xml"
        if faults.maintenance or faults.maintenance_requests > 0:
            faults.maintenance_requests = max(0, faults.maintenance_requests - 1)
            return self._error(ApiError("800"), zip_endpoint, fault="maintenance")
        if endpoint not in ENDPOINTS:
            return Reply(b'{"detail":"Not Found"}', "application/json", None, 404)
        fault = None
        try:
            self._check_key(key)
            self._count_call(key)
            if zip_endpoint:
                return self._corp_code_reply()
            if endpoint == "list.json":
                payload, fault = self.list_json(params)
            elif endpoint in _MAJOR_EVENT_FILES:
                payload = major_events.answer(
                    endpoint.removesuffix(".json"),
                    params,
                    self.day_filings,
                    self.config.seed,
                    faults.event_field_overrides,
                )
                fault = "event_fields" if faults.event_field_overrides else None
            else:
                payload = _JSON_HANDLERS[endpoint](self.config, params)
        except ApiError as error:
            return self._error(error, zip_endpoint)
        return Reply(json_body(payload), JSON_TYPE, str(payload["status"]), 200, fault)

    def _error(self, error: ApiError, zip_endpoint: bool, fault: str | None = None) -> Reply:
        if zip_endpoint:
            return Reply(xml_error_body(error), XML_TYPE, error.status, 200, fault)
        return Reply(json_body(error_payload(error)), JSON_TYPE, error.status, 200, fault)

    def _check_key(self, key: str | None) -> None:
        valid = self.config.valid_keys
        if key is None or not _KEY_FORMAT.fullmatch(key) or (valid is not None and key not in valid):
            raise ApiError("010")

    def _count_call(self, key: str | None) -> None:
        quota = self.config.faults.quota
        slot = (key or "", self.today())
        if quota is not None and self._quota_used[slot] >= quota:
            raise ApiError("020")
        self._quota_used[slot] += 1

    async def sleep(self, seconds: float) -> None:
        """Sleeps that end early when the server stops, so shutdown never waits on a fault."""
        deadline = time.monotonic() + seconds
        while not self.stopping.is_set() and (remaining := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(remaining, 0.05))

    # ------------------------------------------------------------ endpoints

    def today(self) -> date:
        return seoul_today()

    def day_filings(self, day: date, corp_code: str | None) -> Sequence[Filing]:
        """A day's filings (one company's only, when given), with any injected ones, newest first."""
        seed, volume = self.config.seed, self.config.daily_volume
        if corp_code is None:
            base: Sequence[Filing] = dataset.filings_for_date(day, seed, volume)
        else:
            base = dataset.company_filings_for_date(day, seed, volume, corp_code)
        extra = self._injected.get(day)
        if not extra:
            return base
        return sorted((*base, *extra), key=lambda f: f.rcept_no, reverse=True)

    def list_json(self, params: Mapping[str, str]) -> tuple[dict[str, object], str | None]:
        """The page, and "injected" when new filings arrived just before it was read."""
        query, page_no, page_count = listing.parse_query(params, self.today())
        fault = None
        count = self.config.faults.inject_new_filings_per_page
        if page_no > 1 and count > 0:
            self._inject(query, count)
            fault = "injected"
        cache_key = (query, self._injected_count)
        rows = self._query_cache.get(cache_key)
        if rows is None:
            rows = listing.select(query, self.day_filings, self.today())
            self._query_cache[cache_key] = rows
            while len(self._query_cache) > _QUERY_CACHE_SIZE:
                self._query_cache.popitem(last=False)
        self._query_cache.move_to_end(cache_key)
        return listing.page_payload(rows, page_no, page_count), fault

    def _inject(self, query: listing.ListQuery, count: int) -> None:
        day = min(query.end, self.today())
        for _ in range(count):
            self._injected[day].append(
                dataset.injected_filing(day, self.config.seed, self._injected_count, query.corp_code, query.corp_cls)
            )
            self._injected_count += 1

    def _corp_code_reply(self) -> Reply:
        faults = self.config.faults
        if faults.xml_error_status is not None:
            return self._error(ApiError(faults.xml_error_status), zip_endpoint=True, fault="xml_error")
        if faults.corrupt_zip:
            return Reply(corpcodes.corrupt_zip(), ZIP_TYPE, None, 200, "corrupt_zip")
        return Reply(corpcodes.corpcode_zip(), ZIP_TYPE, "000")


# list.json (stateful paging) and corpCode.xml (a ZIP) are answered by Simulator itself.
_JSON_HANDLERS: dict[str, Callable[[SimulatorConfig, Mapping[str, str]], dict[str, object]]] = {
    "company.json": lambda config, params: financials.company(params),
    "fnlttSinglAcnt.json": lambda config, params: financials.single_accounts(params, config.seed, config.daily_volume),
    "fnlttMultiAcnt.json": lambda config, params: financials.multi_accounts(params, config.seed, config.daily_volume),
    "fnlttSinglAcntAll.json": lambda config, params: financials.all_accounts(params),
}
_MAJOR_EVENT_FILES = frozenset(f"{name}.json" for name in major_events.ENDPOINTS)
ENDPOINTS = frozenset({"list.json", "corpCode.xml", *_JSON_HANDLERS, *_MAJOR_EVENT_FILES})


def create_app(simulator: Simulator) -> FastAPI:
    app = FastAPI(title="OpenDART, KRX and ECOS simulator", docs_url=None, redoc_url=None, openapi_url=None)

    def respond(reply: Reply) -> Response:
        return Response(reply.body, status_code=reply.http_status, media_type=reply.media_type)

    @app.get("/api/{endpoint}")
    async def opendart(endpoint: str, request: Request) -> Response:
        return respond(await simulator.handle(endpoint, request.query_params))

    @app.api_route("/krx/svc/apis/{category}/{name}", methods=["GET", "POST"])
    async def krx(category: str, name: str, request: Request) -> Response:
        endpoint = f"{category}/{name}"
        params = dict(request.query_params)
        if request.method == "POST":
            try:
                body = await request.json()
            except ValueError:
                body = None
            params = {k: str(v) for k, v in body.items()} if isinstance(body, dict) else {}
        key = request.headers.get("AUTH_KEY")
        market = simulator.market
        return respond(
            await simulator.serve(
                f"krx/{endpoint}", params, simulator.config.market_faults, lambda: market.krx(endpoint, key, params)
            )
        )

    @app.get("/ecos/api/StatisticSearch/{key}/{kind}/{lang}/{first}/{last}/{stat}/{cycle}/{start}/{end}/{item}")
    async def ecos(
        key: str, kind: str, lang: str, first: str, last: str, stat: str, cycle: str, start: str, end: str, item: str
    ) -> Response:
        query = parse_ecos_path(first, last, stat, cycle, start, end, item)
        params = {"rows": f"{first}-{last}", "from": start, "to": end}
        market = simulator.market
        answer = (
            (lambda: ecos_result("ERROR-100")) if query is None or kind != "json" else (lambda: market.ecos(key, query))
        )
        return respond(
            await simulator.serve(f"ecos/StatisticSearch/{stat}/{item}", params, simulator.config.market_faults, answer)
        )

    return app


class SimulatorHandle:
    """What `run_simulator` yields: where the server listens and its live state."""

    def __init__(self, simulator: Simulator, port: int) -> None:
        self._simulator = simulator
        self.port = port
        self.base_url = f"http://{HOST}:{port}/api"
        self.krx_base_url = f"http://{HOST}:{port}/krx/svc/apis"
        self.ecos_base_url = f"http://{HOST}:{port}/ecos/api"

    @property
    def config(self) -> SimulatorConfig:
        return self._simulator.config

    @property
    def requests(self) -> list[LoggedRequest]:
        return self._simulator.requests

    def reset_quota(self) -> None:
        self._simulator.reset_quota()

    def filings(self, day: date) -> Sequence[Filing]:
        """The day's filings as served now, injected ones included (what a complete read holds)."""
        return self._simulator.day_filings(day, None)


_ECOS_KEY_SEGMENT = re.compile(r"(/StatisticSearch/)[^/\s]+/")
_CRTFC_KEY = re.compile(r"(crtfc_key=)[^&\s'\"<>]*", re.IGNORECASE)


class _RedactKeyFilter(logging.Filter):
    """Request lines carry keys (OpenDART's crtfc_key, ECOS's path segment); uvicorn still logs
    them when a host (pytest, an operator's logging config) attaches handlers to `uvicorn.access`
    directly, whatever access_log says."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = _ECOS_KEY_SEGMENT.sub(r"\1***/", record.getMessage())
        record.msg, record.args = _CRTFC_KEY.sub(r"\1***", text), ()
        return True


def _uvicorn_config(simulator: Simulator) -> uvicorn.Config:
    # No access log: request lines carry crtfc_key. log_config=None leaves the host's logging alone.
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _RedactKeyFilter) for f in access.filters):
        access.addFilter(_RedactKeyFilter())
    return uvicorn.Config(
        create_app(simulator),
        host=HOST,
        port=simulator.config.port,
        log_config=None,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=1,
    )


def _listen(port: int) -> socket.socket:
    """Bind before serving, so a busy port fails here with a clear error, not inside a thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"the OpenDART simulator cannot listen on {HOST}:{port}: {exc.strerror}") from exc
    return sock


@contextmanager
def run_simulator(config: SimulatorConfig | None = None) -> Iterator[SimulatorHandle]:
    """Serve on 127.0.0.1 in a background thread until the block exits."""
    simulator = Simulator(config or SimulatorConfig())
    sock = _listen(simulator.config.port)
    server = uvicorn.Server(_uvicorn_config(simulator))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="dart-simulator", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the OpenDART simulator stopped while starting")
            time.sleep(0.01)
        yield SimulatorHandle(simulator, sock.getsockname()[1])
    finally:
        simulator.stop()
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class _ForegroundServer(uvicorn.Server):
    """Stops cleanly on SIGINT/SIGTERM: uvicorn would re-raise the signal after shutting down."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            self._captured_signals.clear()


def serve_forever(config: SimulatorConfig) -> None:
    """Foreground server for `dart-fg sim`, until SIGINT or SIGTERM."""
    simulator = Simulator(config)
    sock = _listen(config.port)
    log.info("OpenDART simulator on http://%s:%s/api (Ctrl-C stops it)", HOST, sock.getsockname()[1])
    try:
        _ForegroundServer(_uvicorn_config(simulator)).run(sockets=[sock])
    finally:
        simulator.stop()
        sock.close()
