"""KRX Open API and ECOS StatisticSearch as the market simulator answers them.

The answers follow the real services' envelopes (reference/market-data-sources.md):
- KRX: `{"OutBlock_1": [...]}`, empty for a day without a session and for a past session not
  published yet; HTTP 401 `{"respMsg": "Unauthorized API Call", "respCode": "401"}` for an
  endpoint the key is not approved for, 429 when the key's calls are used up.
- ECOS: HTTP 200 always; rows under `StatisticSearch` with `list_total_count`, paged by 1-based
  row ranges, or `RESULT` with a code: INFO-200 no data, INFO-100 bad key, ERROR-602 too many
  calls, ERROR-500 server trouble.
A session's data is published after midnight KST (00:30 here), as on the real KRX: before that,
the past session answers empty, and the client must not read that as "no session".
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from simulators.clock import SEOUL
from simulators.market import history
from simulators.transport import Reply, TransportFaults

JSON = "application/json"
PUBLISHED_AT = time(0, 30)  # KST, the calendar day after the session
ECOS_TABLE = "817Y002"
_ECOS_MESSAGES = {
    "INFO-100": "인증키가 유효하지 않습니다. 인증키를 확인하십시오! 인증키가 없는 경우 인증키를 신청하십시오!",
    "INFO-200": "해당하는 데이터가 없습니다.",
    "ERROR-100": "필수 값이 누락되어 있습니다. 필수 값을 확인하십시오!",
    "ERROR-500": "서버 오류입니다. OpenAPI 호출시 오류가 발생하였습니다. 해당 서비스를 찾을 수 없습니다.",
    "ERROR-602": "과도한 OpenAPI호출로 이용이 제한되었습니다. 잠시후 이용해주시기 바랍니다.",
}


@dataclass
class MarketFaults(TransportFaults):
    """KRX's and ECOS's failure modes on top of the network's, all off by default."""

    maintenance: bool = False  # KRX: HTTP 503 page; ECOS: RESULT ERROR-500
    quota: int | None = None  # calls per key per Asia/Seoul day and service, then KRX 429 / ECOS ERROR-602
    unapproved_endpoints: set[str] = field(default_factory=set)  # KRX endpoints ("drv/opt_bydd_trd") answered 401
    unpublished_from: date | None = None  # sessions (and ECOS days) from this date on are not published yet


def _json(payload: object, status: str | None, http_status: int = 200, fault: str | None = None) -> Reply:
    return Reply(json.dumps(payload, ensure_ascii=False).encode(), JSON, status, http_status, fault)


def ecos_result(code: str, fault: str | None = None) -> Reply:
    return _json({"RESULT": {"CODE": code, "MESSAGE": _ECOS_MESSAGES[code]}}, code, fault=fault)


@dataclass(frozen=True)
class EcosQuery:
    first_row: int
    last_row: int
    stat_code: str
    cycle: str
    start: date
    end: date
    item_code: str


class MarketService:
    """The business side of both services; transport faults are the server's (see transport.py)."""

    def __init__(
        self,
        faults: Callable[[], MarketFaults],
        *,
        seed: int,
        valid_keys: set[str] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(SEOUL),
    ) -> None:
        self._faults = faults
        self.seed = seed
        self.valid_keys = valid_keys
        self.now = now
        self._calls: dict[tuple[str, str, date], int] = defaultdict(int)

    def reset_quota(self) -> None:
        self._calls.clear()

    def published(self, day: date) -> bool:
        unpublished_from = self._faults().unpublished_from
        if unpublished_from is not None and day >= unpublished_from:
            return False
        return self.now() >= datetime.combine(day + timedelta(days=1), PUBLISHED_AT, SEOUL)

    def _key_ok(self, key: str | None) -> bool:
        return bool(key) and (self.valid_keys is None or key in self.valid_keys)

    def _spend(self, service: str, key: str) -> bool:
        """Counts the call; False when the key's calls for today are used up."""
        quota = self._faults().quota
        slot = (service, key, self.now().date())
        if quota is not None and self._calls[slot] >= quota:
            return False
        self._calls[slot] += 1
        return True

    def krx(self, endpoint: str, key: str | None, params: Mapping[str, str]) -> Reply:
        faults = self._faults()
        if faults.maintenance:
            return Reply(
                "<html><body>서비스 점검 중입니다.</body></html>".encode(), "text/html", None, 503, "maintenance"
            )
        if endpoint not in history.KRX_ENDPOINTS:
            return _json({"respMsg": "Not Found", "respCode": "404"}, "404", 404)
        if not self._key_ok(key) or endpoint in faults.unapproved_endpoints:
            fault = "unapproved" if endpoint in faults.unapproved_endpoints else None
            return _json({"respMsg": "Unauthorized API Call", "respCode": "401"}, "401", 401, fault)
        if not self._spend("KRX", key or ""):
            return _json({"respMsg": "Too Many Requests", "respCode": "429"}, "429", 429, "quota")
        try:
            day = datetime.strptime(params.get("basDd", ""), "%Y%m%d").date()
        except ValueError:
            return _json({"respMsg": "basDd must be YYYYMMDD", "respCode": "400"}, "400", 400)
        if not self.published(day):
            return _json({"OutBlock_1": []}, "unpublished" if day < self.now().date() else None)
        return _json({"OutBlock_1": history.krx_rows(endpoint, day, seed=self.seed)}, None)

    def ecos(self, key: str, query: EcosQuery) -> Reply:
        faults = self._faults()
        if faults.maintenance:
            return ecos_result("ERROR-500", fault="maintenance")
        if not self._key_ok(key) or key == "KEY":
            return ecos_result("INFO-100")
        if not self._spend("ECOS", key):
            return ecos_result("ERROR-602", fault="quota")
        if query.first_row < 1 or query.last_row < query.first_row:
            return ecos_result("ERROR-100")
        if query.stat_code != ECOS_TABLE or query.cycle != "D":
            return ecos_result("INFO-200")
        rows = [
            row
            for row in history.ecos_rows(query.item_code, query.start, query.end, seed=self.seed)
            if self.published(datetime.strptime(str(row["TIME"]), "%Y%m%d").date())
        ]
        page = rows[query.first_row - 1 : query.last_row]
        if not page:
            return ecos_result("INFO-200")
        return _json({"StatisticSearch": {"list_total_count": len(rows), "row": page}}, "000")


def parse_ecos_path(first: str, last: str, stat: str, cycle: str, start: str, end: str, item: str) -> EcosQuery | None:
    """The query in an ECOS StatisticSearch path, or None when a segment is not what ECOS takes."""
    try:
        return EcosQuery(
            int(first),
            int(last),
            stat,
            cycle,
            datetime.strptime(start, "%Y%m%d").date(),
            datetime.strptime(end, "%Y%m%d").date(),
            item,
        )
    except ValueError:
        return None
