"""The OpenDART client: list.json, corpCode.xml, company.json, fnlttSinglAcnt/MultiAcnt.json and
the DS005 material-event endpoints (piicDecsn.json, ...).

One request path serves every endpoint, so every call gets the same treatment: a client-side
rate ceiling, the daily budget per key, the shared circuit breaker, retries with exponential
backoff and jitter for outages (800, 900, 5xx, timeouts, broken bodies) and none for
configuration errors, rotation to the next key when DART rejects one (020, 011, 010, 901), a
record of the call for run metadata, and no key in anything that can be printed.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

import httpx
import sqlalchemy as sa

from dart_assets.core.redaction import key_id, redact
from dart_assets.core.settings import Settings, SettingsError, get_settings
from dart_assets.sources.dart import corpcode
from dart_assets.sources.dart.breaker import CircuitBreaker
from dart_assets.sources.dart.errors import (
    NO_DATA_STATUS,
    OK_STATUS,
    DailyBudgetExhaustedError,
    DartError,
    DartStatusError,
    MalformedResponseError,
    QuotaExceededError,
    TransportError,
    error_for_status,
)
from dart_assets.sources.dart.major_events import ENDPOINT_NAMES as MAJOR_EVENT_ENDPOINTS
from dart_assets.sources.dart.paging import (
    LIST_FIELDS,
    PAGE_COUNT,
    PUBLICATION_TYPES,
    ListResult,
    Page,
    Progress,
    WindowResult,
    read_window,
    split_windows,
)
from dart_assets.sources.http.calls import CallCounter, call_stats, retry_policy, status_label
from dart_assets.sources.http.quota import QuotaLedger, quota_ledger
from dart_assets.sources.http.ratelimit import rate_limiter
from dart_assets.sources.http.transport import KEY_EXTENSION, SecretInjectingTransport, with_url

logger = logging.getLogger(__name__)

T = TypeVar("T")
MULTI_ACCOUNTS_BATCH = 100  # DART answers 021 above 100 corp codes a call
REPORT_CODES = ("11011", "11012", "11013", "11014")
RATE_LIMIT_NAME = "dart_api"  # the row of dart_ops.rate_limits every OpenDART caller shares
#: corpCode.xml is ~4 MB zipped and a list.json page ~100 KB: a bigger body is not DART's answer.
MAX_BODY_BYTES = 64 * 2**20
#: httpx's timeout bounds each read; this bounds the whole answer (a server trickling bytes).
DEADLINE_S = 120.0
_CORP_CODE = re.compile(r"^\d{8}$")


def _with_crtfc_key(request: httpx.Request, key: str) -> httpx.Request:
    """OpenDART takes the key as the `crtfc_key` query parameter (added on the wire only)."""
    return with_url(request, request.url.copy_merge_params({"crtfc_key": key}))


@dataclass(frozen=True)
class CallRecord:
    """One HTTP call, for run metadata. `key_id` is a fingerprint; the key is never recorded."""

    endpoint: str
    status: str | None  # DART's status, None when no DART answer arrived
    http_status: int | None
    latency_ms: float
    attempt: int  # 1 for the first try of a request, 2.. for retries
    key_id: str
    error: str | None  # error class name when the call failed


def _check_corp_code(corp_code: str) -> str:
    if not isinstance(corp_code, str) or not _CORP_CODE.match(corp_code):
        raise ValueError(f"corp_code must be 8 digits, got {corp_code!r}")
    return corp_code


def _check_report(bsns_year: int, reprt_code: str) -> None:
    if not isinstance(bsns_year, int) or not 2015 <= bsns_year <= 9999:
        raise ValueError(f"bsns_year must be a year from 2015 (DART's first), got {bsns_year!r}")
    if reprt_code not in REPORT_CODES:
        raise ValueError(f"reprt_code must be one of {', '.join(REPORT_CODES)}, got {reprt_code!r}")


def _json_body(response: httpx.Response, endpoint: str) -> dict[str, Any]:
    """The JSON envelope with status 000 or 013; the typed error for anything else."""
    if response.status_code >= 400:
        raise TransportError(endpoint, response.reason_phrase, http_status=response.status_code)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or "status" not in body:
        raise MalformedResponseError(
            endpoint,
            f"expected a JSON object with a status ({len(response.content)} bytes)",
            http_status=response.status_code,
        )
    status = str(body["status"])
    if status not in (OK_STATUS, NO_DATA_STATUS):
        raise error_for_status(status, endpoint, str(body.get("message", "")), http_status=response.status_code)
    return body


def _list_page(body: dict[str, Any]) -> Page:
    """One page; an item lacking a field keeps it as None, so that validation quarantines that
    row with its reason instead of the whole page failing (and being re-asked) as malformed."""
    if body["status"] == NO_DATA_STATUS:
        return Page(rows=[], total_count=None, total_page=0)
    try:
        rows = [{name: item.get(name) for name in LIST_FIELDS} for item in body["list"]]
        return Page(rows=rows, total_count=int(body["total_count"]), total_page=int(body["total_page"]))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        detail = f"list.json page without the expected fields ({type(exc).__name__}: {exc})"
    raise MalformedResponseError("list.json", detail)


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    return list(body.get("list") or [])


def _event_items(endpoint: str) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    """A DS005 answer's items; 013 (no data) is []. A `list` that is not a list of objects is a
    broken answer (retried), not rows to validate."""

    def shape(body: dict[str, Any]) -> list[dict[str, Any]]:
        if body["status"] == NO_DATA_STATUS:
            return []
        items = body.get("list")
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise MalformedResponseError(endpoint, "DS005 answer without a list of items")
        return items

    return shape


class DartClient:
    """A synchronous OpenDART client; see the module docstring for what every call goes through."""

    def __init__(
        self,
        api_keys: Sequence[str],
        base_url: str,
        *,
        engine: sa.Engine | None = None,
        requests_per_second: float = 5.0,
        daily_call_budget: int = 10_000,
        timeout: float = 30.0,
        max_attempts: int = 5,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 60.0,
        breaker: CircuitBreaker | None = None,
        transport: httpx.BaseTransport | None = None,
        max_reread_passes: int = 3,
        max_body_bytes: int = MAX_BODY_BYTES,
        deadline_s: float = DEADLINE_S,
    ) -> None:
        keys = tuple(k.strip() for k in api_keys if k and k.strip())
        if not keys:
            raise ValueError("no OpenDART API key given (set DART_API_KEY or DART_API_KEYS)")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts!r}")
        self._keys = keys
        self.key_ids = tuple(key_id(k) for k in keys)
        self._rejected: dict[int, DartError] = {}
        self.base_url = base_url.rstrip("/")
        self._quota: QuotaLedger = quota_ledger(engine, daily_call_budget)
        self._limiter = rate_limiter(engine, RATE_LIMIT_NAME, requests_per_second)
        self._counter = CallCounter(engine, "dart") if engine else None
        self._breaker = breaker
        if breaker is not None:
            breaker.add_secrets(keys)
        self.max_reread_passes = max_reread_passes
        self.max_body_bytes = max_body_bytes
        self.deadline_s = deadline_s
        self._http = httpx.Client(
            transport=SecretInjectingTransport(transport or httpx.HTTPTransport(), _with_crtfc_key),
            timeout=timeout,
            headers={"User-Agent": "dart-fg"},
        )
        self._retrying = retry_policy(
            logger, DartError, max_attempts=max_attempts, backoff_base_s=backoff_base_s, backoff_max_s=backoff_max_s
        )
        self.calls: list[CallRecord] = []

    @classmethod
    def from_settings(
        cls,
        settings: Settings | None = None,
        engine: sa.Engine | None = None,
        breaker: CircuitBreaker | None = None,
        **overrides: Any,
    ) -> DartClient:
        """The client the environment describes (DART_API_KEY(S), DART_API_BASE_URL, rate and budget)."""
        settings = settings or get_settings()
        if not settings.api_keys:
            raise SettingsError(
                "no OpenDART API key configured: set DART_API_KEY (or DART_API_KEYS, comma-separated); "
                "for the bundled simulator any 40-character key works"
            )
        options: dict[str, Any] = {
            "requests_per_second": settings.requests_per_second,
            "daily_call_budget": settings.daily_call_budget,
        }
        options.update(overrides)
        return cls(settings.api_keys, settings.base_url, engine=engine, breaker=breaker, **options)

    def __repr__(self) -> str:
        return f"DartClient(base_url={self.base_url!r}, key_ids={list(self.key_ids)!r})"

    def __enter__(self) -> DartClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # ----------------------------------------------------------------- endpoints

    def list_disclosures(
        self,
        bgn_de: date,
        end_de: date,
        *,
        corp_code: str | None = None,
        corp_cls: str | None = None,
        last_reprt_at: str = "N",
        categorise: bool = False,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> ListResult:
        """Every filing received in [bgn_de, end_de] (list.json), complete and without duplicates.

        Without `corp_code` the range is read in windows of at most 3 calendar months (DART's
        limit). Rows are the nine list.json fields exactly as DART sent them (None for a field it
        left out; the latest version seen of each filing), window by window in date order and,
        within a window, in DART's newest-first order, filings found by a re-read last.

        `categorise`: list.json filters by DART's category (`pblntf_ty` A-J) but never returns
        it, so each window is read once per category and each row gains `pblntf_ty`; the union
        is then reconciled against DART's unfiltered total (one call of one row), and when it
        falls short (a filing of no category, or one filed meanwhile) the unfiltered listing
        adds the rest with `pblntf_ty` None. Costs about 11 calls per window more than a plain
        read (one per category beyond the pages, plus the total).
        """
        params: dict[str, str] = {"last_reprt_at": last_reprt_at, "page_count": str(PAGE_COUNT)}
        if last_reprt_at not in ("Y", "N"):
            raise ValueError(f"last_reprt_at must be Y or N, got {last_reprt_at!r}")
        if corp_cls is not None:
            if corp_cls not in ("Y", "K", "N", "E"):
                raise ValueError(f"corp_cls must be one of Y, K, N, E, got {corp_cls!r}")
            params["corp_cls"] = corp_cls
        if corp_code is not None:
            params["corp_code"] = _check_corp_code(corp_code)
            if end_de < bgn_de:
                raise ValueError(f"end date {end_de} is before start date {bgn_de}")
            spans = [(bgn_de, end_de)]
        else:
            spans = split_windows(bgn_de, end_de)

        result = ListResult()
        rows: dict[str, dict[str, str]] = {}
        # ListResult.rows is typed str-valued, though a categorised row's pblntf_ty may be None
        read = cast(
            Callable[..., list[dict[str, str]]],
            self._read_categorised_window if categorise else self._read_list_window,
        )
        for index, (start, stop) in enumerate(spans, start=1):
            window = WindowResult(bgn_de=start, end_de=stop)
            for row in read(params, window, index, len(spans), on_progress):
                rows[row["rcept_no"]] = row
            result.windows.append(window)
            result.total_count += window.total_count
        result.rows = list(rows.values())
        return result

    def _read_categorised_window(
        self,
        params: dict[str, str],
        window: WindowResult,
        index: int,
        windows: int,
        on_progress: Callable[[Progress], None] | None,
    ) -> list[dict[str, str | None]]:
        def read_part(part_params: dict[str, str]) -> tuple[list[dict[str, str]], int]:
            """One reading of the window (a category, or all), its counters added to the window's."""
            part = WindowResult(bgn_de=window.bgn_de, end_de=window.end_de)
            part_rows = self._read_list_window(part_params, part, index, windows, on_progress)
            window.pages_read += part.pages_read
            window.reread_passes += part.reread_passes
            return part_rows, part.total_count

        rows: dict[str, dict[str, str | None]] = {}
        for category in PUBLICATION_TYPES:
            for row in read_part({**params, "pblntf_ty": category})[0]:
                rows.setdefault(row["rcept_no"], {**row, "pblntf_ty": category})  # DART gives one each
        window_params = {**params, "bgn_de": f"{window.bgn_de:%Y%m%d}", "end_de": f"{window.end_de:%Y%m%d}"}
        head = self._call_json("list.json", {**window_params, "page_no": "1", "page_count": "1"}, _list_page)
        window.pages_read += 1
        window.total_count = head.total_count or 0
        if len(rows) < window.total_count:
            rest, window.total_count = read_part(params)
            for row in rest:
                known = rows[row["rcept_no"]]["pblntf_ty"] if row["rcept_no"] in rows else None
                rows[row["rcept_no"]] = {**row, "pblntf_ty": known}
        return list(rows.values())

    def _read_list_window(
        self,
        params: dict[str, str],
        window: WindowResult,
        index: int,
        windows: int,
        on_progress: Callable[[Progress], None] | None,
    ) -> list[dict[str, str]]:
        window_params = {**params, "bgn_de": f"{window.bgn_de:%Y%m%d}", "end_de": f"{window.end_de:%Y%m%d}"}

        def fetch(page_no: int) -> Page:
            return self._call_json("list.json", {**window_params, "page_no": str(page_no)}, _list_page)

        def report(page_no: int, total_page: int, seen: int, total: int) -> None:
            if on_progress:
                on_progress(Progress(index, windows, window.bgn_de, window.end_de, page_no, total_page, seen, total))

        return read_window(fetch, window, on_page=report, max_reread_passes=self.max_reread_passes)

    def corp_codes(self) -> list[dict[str, str | None]]:
        """All companies of corpCode.xml: corp_code, corp_name, corp_eng_name, stock_code (None when
        unlisted), modify_date."""
        return self._call(corpcode.ENDPOINT, {}, self._parse_corp_codes)

    def company(self, corp_code: str) -> dict[str, Any]:
        """company.json without the envelope; {} when DART has no such company (013)."""
        body = self._call_json("company.json", {"corp_code": _check_corp_code(corp_code)}, dict)
        return {k: v for k, v in body.items() if k not in ("status", "message")} if body["status"] == OK_STATUS else {}

    def single_accounts(self, corp_code: str, bsns_year: int, reprt_code: str) -> list[dict[str, Any]]:
        """fnlttSinglAcnt.json rows (CFS and OFS) of one report; [] when there is none (013)."""
        _check_report(bsns_year, reprt_code)
        params = {"corp_code": _check_corp_code(corp_code), "bsns_year": str(bsns_year), "reprt_code": reprt_code}
        return self._call_json("fnlttSinglAcnt.json", params, _items)

    def multi_accounts(self, corp_codes: Sequence[str], bsns_year: int, reprt_code: str) -> list[dict[str, Any]]:
        """fnlttMultiAcnt.json rows of many companies, asked in batches of at most 100 codes."""
        _check_report(bsns_year, reprt_code)
        codes = list(dict.fromkeys(_check_corp_code(c) for c in corp_codes))
        rows: list[dict[str, Any]] = []
        for start in range(0, len(codes), MULTI_ACCOUNTS_BATCH):
            batch = ",".join(codes[start : start + MULTI_ACCOUNTS_BATCH])
            params = {"corp_code": batch, "bsns_year": str(bsns_year), "reprt_code": reprt_code}
            rows.extend(self._call_json("fnlttMultiAcnt.json", params, _items))
        return rows

    def major_events(self, endpoint: str, corp_code: str, bgn_de: date, end_de: date) -> list[dict[str, Any]]:
        """A DS005 endpoint's items (e.g. `piicDecsn`) for one company whose first filing date
        (최초접수일) is in [bgn_de, end_de], exactly as DART sent them; [] on 013 (no data).

        DART has no market-wide DS005 query: one call per company, endpoint and range.
        """
        if endpoint not in MAJOR_EVENT_ENDPOINTS:
            raise ValueError(f"not a DS005 endpoint: {endpoint!r}")
        if end_de < bgn_de:
            raise ValueError(f"end date {end_de} is before start date {bgn_de}")
        if bgn_de.year < 2015:
            raise ValueError(f"DS005 has data from 2015, asked from {bgn_de}")
        params = {"corp_code": _check_corp_code(corp_code), "bgn_de": f"{bgn_de:%Y%m%d}", "end_de": f"{end_de:%Y%m%d}"}
        name = f"{endpoint}.json"
        return self._call_json(name, params, _event_items(name))

    # ------------------------------------------------------------ budget, metadata

    def remaining_budget(self) -> int:
        """Calls still allowed today (Asia/Seoul) over every key DART has not rejected."""
        return sum(self._quota.remaining(kid) for i, kid in enumerate(self.key_ids) if i not in self._rejected)

    def stats(self) -> dict[str, Any]:
        """Totals of `calls`, for run metadata."""
        return {**call_stats(self.calls), "keys_rejected": len(self._rejected)}

    # ------------------------------------------------------------- request path

    def _parse_corp_codes(self, response: httpx.Response) -> tuple[list[dict[str, str | None]], str]:
        if response.status_code >= 400:
            raise TransportError(corpcode.ENDPOINT, response.reason_phrase, http_status=response.status_code)
        return corpcode.parse_corp_codes(response.content), OK_STATUS

    def _call_json(self, endpoint: str, params: dict[str, str], shape: Callable[[dict[str, Any]], T]) -> T:
        def parse(response: httpx.Response) -> tuple[T, str]:
            body = _json_body(response, endpoint)
            return shape(body), body["status"]

        return self._call(endpoint, params, parse)

    def _call(self, endpoint: str, params: dict[str, str], parse: Callable[[httpx.Response], tuple[T, str]]) -> T:
        attempts = itertools.count(1)
        return self._retrying.copy()(lambda: self._attempt(endpoint, params, parse, next(attempts)))

    def _attempt(
        self, endpoint: str, params: dict[str, str], parse: Callable[[httpx.Response], tuple[T, str]], attempt: int
    ) -> T:
        """One try of a request; moves through the keys when DART rejects one."""
        while True:
            if self._breaker is not None:
                self._breaker.before_call(endpoint)
            index = self._reserve_key(endpoint)
            self._limiter.wait()
            value, status, http_status, error = None, None, None, None
            started = time.perf_counter()
            try:
                response = self._get(endpoint, params, self._keys[index], started)
            except DartError as exc:  # over the size cap or the deadline
                error = exc
            except httpx.TimeoutException as exc:
                error = TransportError(endpoint, f"timed out ({type(exc).__name__})")
            except httpx.DecodingError as exc:  # a body garbled in its content encoding
                error = MalformedResponseError(endpoint, redact(f"{type(exc).__name__}: {exc}", self._keys))
            except httpx.RequestError as exc:
                error = TransportError(endpoint, redact(f"{type(exc).__name__}: {exc}", self._keys))
            else:
                http_status = response.status_code
                try:
                    value, status = parse(response)
                except DartError as exc:
                    error, status = exc, exc.status
            latency_ms = (time.perf_counter() - started) * 1000
            self._record(
                CallRecord(
                    endpoint,
                    status,
                    http_status,
                    round(latency_ms, 2),
                    attempt,
                    self.key_ids[index],
                    type(error).__name__ if error else None,
                ),
                params,
            )
            if self._breaker is not None:
                if error is not None and error.is_outage:
                    self._breaker.record_failure(str(error))
                elif error is None or isinstance(error, DartStatusError):  # DART answered: it is up
                    self._breaker.record_success()
            if error is None:
                return value  # type: ignore[return-value]
            if error.rejects_key:
                self._reject_key(index, error)
                continue  # the next key, or _reserve_key raises why there is none
            raise error

    def _get(self, endpoint: str, params: dict[str, str], key: str, started: float) -> httpx.Response:
        """The whole answer, read within `max_body_bytes` and `deadline_s` of `started`."""
        with self._http.stream(
            "GET", f"{self.base_url}/{endpoint}", params=params, extensions={KEY_EXTENSION: key}
        ) as streamed:
            body = bytearray()
            for chunk in streamed.iter_bytes():  # decoded: a gzip bomb meets the cap too
                body += chunk
                if len(body) > self.max_body_bytes:
                    raise MalformedResponseError(
                        endpoint, f"body larger than {self.max_body_bytes:,} bytes", http_status=streamed.status_code
                    )
                if time.perf_counter() - started > self.deadline_s:
                    raise TransportError(endpoint, f"no complete answer within {self.deadline_s:g} s")
            headers = [
                (k, v) for k, v in streamed.headers.items() if k.lower() not in ("content-encoding", "content-length")
            ]
            return httpx.Response(streamed.status_code, headers=headers, content=bytes(body), request=streamed.request)

    def _reserve_key(self, endpoint: str) -> int:
        """The first usable key that still has budget today; counts the call against it."""
        for index, kid in enumerate(self.key_ids):
            if index not in self._rejected and self._quota.reserve(kid):
                return index
        raise self._no_key_left(endpoint)

    def _no_key_left(self, endpoint: str) -> DartError:
        """The error that says why no key can make the call: DART's quota, our budget, or a bad key."""
        reasons: list[tuple[str, str]] = []  # (key id, why), one per key in order
        for index, kid in enumerate(self.key_ids):
            rejected = self._rejected.get(index)
            if rejected is not None:
                reasons.append((kid, str(rejected.status)))
            else:
                reasons.append((kid, "020" if self._quota.exhausted(kid) else "client budget spent"))
        summary = ", ".join(f"key {kid}: {why}" for kid, why in reasons)
        bad_keys = [e for e in self._rejected.values() if not isinstance(e, QuotaExceededError)]
        if len(bad_keys) == len(self._keys):  # a configuration error: waiting for tomorrow will not help
            last = bad_keys[-1]
            return type(last)(endpoint, f"{last.detail} (no usable key left: {summary})", http_status=last.http_status)
        # Some key DART accepts is only spent for today: a quota stop (the run resumes after the
        # reset), with the refused keys named in the summary.
        spent = [why for _, why in reasons if why in ("020", "client budget spent")]
        if all(why == "020" for why in spent):
            return QuotaExceededError(
                endpoint,
                f"daily quota exhausted on all {len(spent)} key(s) DART accepts ({summary}); add keys to "
                "DART_API_KEYS or wait for DART's next day",
            )
        return DailyBudgetExhaustedError(
            endpoint,
            f"{self._quota.budget} calls per key per day ({summary}); more keys (DART_API_KEYS) "
            "or the next Asia/Seoul day",
        )

    def _reject_key(self, index: int, error: DartError) -> None:
        """Drop a key DART refused for the life of this client (and, on 020, for today everywhere)."""
        self._rejected[index] = error
        if isinstance(error, QuotaExceededError):
            self._quota.mark_exhausted(self.key_ids[index])
        logger.warning(
            "OpenDART key %s rejected (status %s); trying the next key if any", self.key_ids[index], error.status
        )

    def _record(self, call: CallRecord, params: dict[str, str]) -> None:
        self.calls.append(call)
        if self._counter is not None:
            self._counter.record(
                call.endpoint, status_label(call.status, call.http_status), call.error, call.latency_ms
            )
        logger.debug(
            "%s %s -> status %s HTTP %s in %.0f ms (attempt %d, key %s)%s",
            call.endpoint,
            " ".join(f"{k}={v}" for k, v in params.items()),
            call.status,
            call.http_status,
            call.latency_ms,
            call.attempt,
            call.key_id,
            f" {call.error}" if call.error else "",
        )
