import re

import pytest

from dart_assets.sources.dart.amounts import parse_amount


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("195,936,557,000,000", 195_936_557_000_000),
        ("-205,875", -205_875),
        ("296857289000000", 296_857_289_000_000),
        ("0", 0),
        ("+1,000", 1000),
        (" 1,234 \n", 1234),
        ("2,\n980", 2980),  # stray line break inside the digits, as in real DS006 payloads
        ("9,999,999,999,999,999,999,999", 9_999_999_999_999_999_999_999),  # beyond float precision
    ],
)
def test_amounts_become_exact_integers(raw, expected):
    value = parse_amount(raw)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize("raw", ["", "-", "–", None, "  ", " - \n"])
def test_empty_markers_become_none(raw):
    assert parse_amount(raw) is None


@pytest.mark.parametrize("raw", ["5.00", "abc", "1,2a", "--5", "1e5"])
def test_non_numeric_values_name_the_value(raw):
    with pytest.raises(ValueError, match=re.escape(repr(raw))):
        parse_amount(raw)
