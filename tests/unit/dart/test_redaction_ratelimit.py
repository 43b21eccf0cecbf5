import pytest

from dart_assets.core.redaction import key_id, redact
from dart_assets.sources.http.ratelimit import MinIntervalLimiter

KEY = "abcdefghij" * 4


def test_crtfc_key_values_are_redacted_wherever_they_appear():
    text = (
        f"GET https://opendart.fss.or.kr/api/list.json?crtfc_key={KEY}&page_no=2 failed; "
        f"retry 'http://h/api/corpCode.xml?CRTFC_KEY={KEY}' key={KEY}"
    )
    cleaned = redact(text, [KEY])
    assert KEY not in cleaned
    assert "crtfc_key=***&page_no=2" in cleaned and "CRTFC_KEY=***'" in cleaned and "key=***" in cleaned


def test_redact_leaves_other_text_alone():
    assert redact("list.json page_no=2 -> status 000") == "list.json page_no=2 -> status 000"


def test_key_id_is_a_short_stable_fingerprint():
    assert key_id(KEY) == key_id(KEY) != key_id(KEY[::-1])
    assert len(key_id(KEY)) == 12 and KEY not in key_id(KEY)


def test_limiter_spaces_call_starts():
    now, slept = [100.0], []

    def sleep(seconds):
        slept.append(round(seconds, 6))
        now[0] += seconds

    limiter = MinIntervalLimiter(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert slept == [0.25, 0.25]
    now[0] += 10  # idle time is not banked as a burst
    limiter.wait()
    limiter.wait()
    assert slept == [0.25, 0.25, 0.25]


def test_limiter_rejects_a_non_positive_rate():
    with pytest.raises(ValueError, match="requests_per_second"):
        MinIntervalLimiter(0)
