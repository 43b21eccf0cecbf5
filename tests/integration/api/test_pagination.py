"""Keyset pagination, bounded parameters, the Asia/Seoul day, and an index for every sort."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dart_assets.api import queries
from dart_assets.api.app import create_app
from tests.support.dbt import run_dbt


@pytest.fixture
def client(marts, api_keys):
    with TestClient(create_app(engine=marts, rate_limit="100000/minute")) as c:
        c.headers["X-API-Key"] = api_keys["admin"]
        yield c


def _walk(client: TestClient, path: str, params: dict) -> tuple[list[dict], list[int]]:
    """Every row of a list by following X-Next-Cursor; also the page sizes."""
    rows, sizes, cursor = [], [], None
    for _ in range(100):
        answer = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        rows += answer.json()
        sizes.append(len(answer.json()))
        cursor = answer.headers.get("X-Next-Cursor")
        if cursor is None:
            assert "Link" not in answer.headers
            return rows, sizes
        assert answer.headers["Link"].startswith(f"<{path}?") and answer.headers["Link"].endswith('>; rel="next"')
        assert f"cursor={cursor}" in answer.headers["Link"]
    raise AssertionError("the cursor never ended")


@pytest.mark.parametrize(
    "path, params, key",
    [
        ("/api/dart/disclosures", {"from": "2026-09-10", "to": "2026-09-16"}, ("rcept_dt", "rcept_no")),
        (
            "/api/dart/disclosures",
            {"from": "2026-09-10", "to": "2026-09-16", "corp_code": "00126380"},
            ("rcept_dt", "rcept_no"),
        ),
        (
            "/api/dart/disclosures",
            {"from": "2026-09-10", "to": "2026-09-16", "event_type": "buyback"},
            ("rcept_dt", "rcept_no"),
        ),
        ("/api/dart/impact-scores", {"from": "2026-09-10", "to": "2026-09-16"}, ("rcept_dt", "rcept_no")),
        ("/api/dart/sentiment", {"from": "2026-09-10", "to": "2026-09-16"}, ("date",)),
        ("/api/dart/events", {"from": "2026-09-10", "to": "2026-09-16"}, ("date", "event_id")),
        ("/api/dart/fear-greed", {"from": "2026-09-10", "to": "2026-09-16"}, ("date",)),
        ("/api/dart/admin/audit", {}, ("at", "id")),
        ("/api/dart/admin/audit", {"action": "retention.run"}, ("at", "id")),
    ],
)
def test_cursor_pages_walk_every_row_once_in_order(client, path, params, key) -> None:
    everything = client.get(path, params={**params, "limit": 1000}).json()
    assert len(everything) >= 3
    rows, sizes = _walk(client, path, {**params, "limit": 2})
    assert rows == everything, "same rows, same order, no repeats, nothing skipped"
    assert sizes[:-1] == [2] * (len(sizes) - 1) and sizes[-1] >= 1, "no empty last page"
    keys = [tuple(r[k] for k in key) for r in rows]
    assert len(set(keys)) == len(keys)


def test_a_cursor_survives_rows_arriving_on_earlier_pages(client, marts) -> None:
    """Offsets shift when rows arrive; a cursor resumes exactly after the last row seen."""
    first = client.get("/api/dart/impact-scores", params={"from": "2026-09-10", "to": "2026-09-16", "limit": 3})
    seen = [r["rcept_no"] for r in first.json()]
    with marts.begin() as conn:
        conn.execute(
            sa.text(
                "insert into dart_marts.disclosure_impact_scores "
                "values ('20260910000000', '2026-09-10', '00126380', 'ir', 50, null)"
            )
        )
    second = client.get(
        "/api/dart/impact-scores",
        params={"from": "2026-09-10", "to": "2026-09-16", "limit": 3, "cursor": first.headers["X-Next-Cursor"]},
    )
    assert second.json()[0]["rcept_no"] > seen[-1]


def _cursor(*payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(payload)).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "path, params, fragment",
    [
        ("/api/dart/disclosures", {"offset": str(10**30)}, "'offset'"),
        ("/api/dart/disclosures", {"offset": "10001"}, "'offset'"),
        ("/api/dart/impact-scores", {"offset": str(2**63)}, "'offset'"),
        ("/api/dart/disclosures", {"limit": str(10**30)}, "'limit'"),
        ("/api/dart/disclosures", {"to": "0001-01-01"}, "'to'"),
        ("/api/dart/disclosures", {"from": "0001-01-01", "to": "0001-01-31"}, "'from'"),
        ("/api/dart/fear-greed", {"from": "9999-12-01", "to": "9999-12-31"}, "'from'"),
        ("/api/dart/sentiment", {"from": "2100-01-01"}, "'from'"),
        ("/api/dart/index-weights", {"date": "0001-01-01"}, "'date'"),
        ("/api/dart/index-weights", {"date": "9999-12-31"}, "'date'"),
        ("/api/dart/disclosures", {"cursor": "bm90IGEgY3Vyc29y"}, "'cursor'"),
        ("/api/dart/disclosures", {"cursor": _cursor("events", "2026-09-15", "x")}, "'cursor'"),  # another endpoint's
        ("/api/dart/disclosures", {"cursor": _cursor("disclosures", "2026-02-30", "x")}, "'cursor'"),
        ("/api/dart/admin/audit", {"cursor": _cursor("audit", "2026-09-15T00:00:00", 12)}, "'cursor'"),  # no zone
        ("/api/dart/admin/audit", {"cursor": _cursor("audit", "2026-09-15T00:00:00+09:00", 10**20)}, "'cursor'"),
        ("/api/dart/admin/audit", {"cursor": _cursor("audit", "2026-09-15T00:00:00+09:00", "12")}, "'cursor'"),
        ("/api/dart/disclosures", {"event_type": "a\x00b"}, "'event_type'"),
        ("/api/dart/admin/quarantine", {"asset_key": "a\x00b"}, "'asset_key'"),
    ],
)
def test_out_of_range_values_are_400s_never_500s(marts, api_keys, path, params, fragment) -> None:
    with TestClient(create_app(engine=marts), raise_server_exceptions=False) as client:
        answer = client.get(path, params=params, headers={"X-API-Key": api_keys["admin"]})
    assert answer.status_code == 400, answer.text
    assert answer.json()["status"] == 400 and fragment in answer.json()["error"]


def test_cursor_and_offset_do_not_mix(client) -> None:
    first = client.get("/api/dart/sentiment", params={"from": "2026-09-10", "to": "2026-09-16", "limit": 2})
    both = client.get("/api/dart/sentiment", params={"cursor": first.headers["X-Next-Cursor"], "offset": 2})
    assert both.status_code == 400 and "not both" in both.json()["error"]
    link = first.headers["Link"]
    assert "offset" not in link and "from=2026-09-10" in link and "limit=2" in link


def test_default_dates_are_the_asia_seoul_day(marts, api_keys) -> None:
    """16:00 UTC on 09-15 is 01:00 on 09-16 in Seoul: the 09-16 rows belong to 'today'."""
    instant = datetime(2026, 9, 15, 16, 0, tzinfo=UTC)
    with TestClient(create_app(engine=marts, clock=lambda: instant)) as client:
        client.headers["X-API-Key"] = api_keys["read"]
        days = {r["rcept_dt"] for r in client.get("/api/dart/disclosures").json()}
        assert max(days) == "2026-09-16"
        weights = client.get("/api/dart/index-weights").json()
        assert {w["date"] for w in weights} == {"2026-09-16"}


# --- an index for every sort -------------------------------------------------------------------


def _mart_indexes(tmp_path: Path, db_url: str) -> dict[str, list[list[str]]]:
    """The `indexes` each mart model declares, from a fresh `dbt parse` of the project."""
    done = run_dbt(["parse", "--quiet"], db_url, tmp_path, timeout_s=300)
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    return {
        node["name"]: [index["columns"] for index in node["config"].get("indexes") or []]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"].endswith("dart_marts")
    }


def _plan_nodes(plan: dict) -> list[str]:
    out = [plan["Node Type"]]
    for child in plan.get("Plans", []):
        out += _plan_nodes(child)
    return out


def _variants() -> list[tuple[queries.Listing, dict]]:
    out: list[tuple[queries.Listing, dict]] = []
    for listing in [queries.DISCLOSURES, *queries.MARTS.values(), *queries.OPS.values()]:
        out.append((listing, {}))
        for parameter, _ in listing.filters:
            out.append((listing, {parameter: "x"}))
    return out


def test_every_sort_is_served_by_an_index(marts, db_url, tmp_path) -> None:
    """Each list query, first page and after a cursor, plans without a Sort once sorts are
    disabled: an index delivers its order. Mart indexes are the ones the dbt models declare."""
    declared = _mart_indexes(tmp_path, db_url)
    for table in ("disclosure_impact_scores", "market_moving_events", "index_weights"):
        assert declared[table], f"{table} declares no index"
    with marts.begin() as conn:
        for table, indexes in declared.items():
            exists = conn.execute(sa.text("select to_regclass(:t)"), {"t": f"dart_marts.{table}"}).scalar()
            for columns in indexes if exists else []:
                conn.execute(sa.text(f"create index on dart_marts.{table} ({', '.join(columns)})"))
    after = {
        "date": datetime(2026, 9, 15).date(),
        "ts": datetime(2026, 9, 15, tzinfo=UTC),
        "text": "x",
        "int": 5,
    }
    with marts.connect() as conn:
        conn.execute(sa.text("set enable_sort = off"))
        conn.execute(sa.text("set enable_seqscan = off"))
        conn.execute(sa.text("analyze"))
        plans = [
            (
                f"{listing.name} {filters}",
                *queries.build(
                    listing,
                    start=datetime(2026, 9, 1).date(),
                    end=datetime(2026, 9, 30).date(),
                    filters=filters,
                    after=cursor,
                    limit=101,
                ),
            )
            for listing, filters in _variants()
            for cursor in (None, tuple(after[c.kind] for c in listing.order))
        ]
        plans.append(("index-weights", queries.INDEX_WEIGHTS_SQL, {"on": datetime(2026, 9, 15).date()}))
        plans.append(("latest", "select * from dart_marts.fear_greed_index order by date desc limit 1", {}))
        for name, sql, params in plans:
            plan = conn.execute(sa.text("explain (format json) " + sql), params).scalar_one()[0]["Plan"]
            nodes = _plan_nodes(plan)
            assert not {"Sort", "Incremental Sort"} & set(nodes), f"{name} sorts: {nodes}\n{sql}"
            assert "Seq Scan" not in nodes, f"{name} scans a whole table: {nodes}\n{sql}"
