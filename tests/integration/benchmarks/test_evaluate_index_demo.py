"""benchmarks/evaluate_index.py on a demo-like warehouse: simulator-generated filings and market
sessions after the real history. The report must say that nothing can be claimed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from benchmarks import evaluate_index as ev
from benchmarks.replay_market_history import fill
from simulators import dataset
from tests.support import samples
from tests.support.dbt import run_dbt


def _generated_rows(day: date, n: int) -> list[dict]:
    return [
        {
            "rcept_no": f.rcept_no, "corp_code": f.corp_code, "corp_name": f.corp_name,
            "stock_code": (f.stock_code or "").strip() or None, "corp_cls": f.corp_cls,
            "report_nm": f.report_nm, "flr_nm": f.flr_nm, "rcept_dt": day, "rm": f.rm,
        }
        for f in dataset.filings_for_date(day, 42)[:n]
    ]  # fmt: skip


def test_demo_warehouse_report_claims_nothing(db_url: str, tmp_path: Path) -> None:
    engine = sa.create_engine(db_url)
    fill(engine, date(2026, 5, 11), date(2026, 5, 29))  # real sessions to 2026-05-15, generated after
    samples.load_disclosures(engine, _generated_rows(date(2026, 5, 26), 40) + _generated_rows(date(2026, 5, 27), 40))
    samples.load_disclosures(engine, samples.list_rows()[:10])  # a few recorded ones too
    result = run_dbt(["run", "--select", "stg_market__kospi"], db_url, tmp_path / "dbt")
    assert result.returncode == 0, result.stdout[-3000:]

    p = ev.provenance(engine)
    engine.dispose()
    assert (p.filings, p.recorded, p.generated, p.unverified) == (90, 10, 80, 0)
    from simulators.market import history

    sessions = [d for d in history.sessions(date(2026, 5, 29)) if d >= date(2026, 5, 11)]
    after = [d for d in sessions if d > history.SEED_END]
    assert p.market_sessions == len(sessions) and p.market_generated == len(after) > 0
    assert not p.can_claim

    report = tmp_path / "evaluation.md"
    assert ev.main(["--database-url", db_url, "--output", str(report)]) == 0
    text = report.read_text()
    assert text.startswith("# Evaluation of the Fear & Greed index: nothing can be claimed from this warehouse")
    assert "80 of its 90 filings" in text and f"{len(after)} of its KOSPI sessions" in text
    assert "## Correlations" not in text and "stays at" not in text
    assert (tmp_path / "evaluation" / "cnn_sanity.png").exists()
