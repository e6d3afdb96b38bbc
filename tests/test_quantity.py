"""Quantity parsing and canonical form, ported from apimachinery
staging/src/k8s.io/apimachinery/pkg/api/resource/quantity_test.go."""

from __future__ import annotations

from fractions import Fraction

import pytest

from pytest_k8sflow.engine.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    QuantityError,
    canonical_string,
    canonicalize,
    canonicalize_resource,
    int_value,
    milli_value,
    parse_quantity,
    parse_with_format,
)

MAX_INT64 = 2**63 - 1


def dec(i: int, exponent: int) -> Fraction:
    """decQuantity(i, exponent, ...): i * 10^exponent."""
    return Fraction(i) * Fraction(10) ** exponent


# TestQuantityParse: (input, value, format).
QUANTITY_PARSE = [
    ("0", dec(0, 0), DECIMAL_SI),
    ("0n", dec(0, 0), DECIMAL_SI),
    ("0u", dec(0, 0), DECIMAL_SI),
    ("0m", dec(0, 0), DECIMAL_SI),
    ("0Ki", dec(0, 0), BINARY_SI),
    ("0k", dec(0, 0), DECIMAL_SI),
    ("0Mi", dec(0, 0), BINARY_SI),
    ("0M", dec(0, 0), DECIMAL_SI),
    ("0Gi", dec(0, 0), BINARY_SI),
    ("0G", dec(0, 0), DECIMAL_SI),
    ("0Ti", dec(0, 0), BINARY_SI),
    ("0T", dec(0, 0), DECIMAL_SI),
    # Quantity less numbers are allowed
    ("1", dec(1, 0), DECIMAL_SI),
    # Binary suffixes
    ("1Ki", dec(1024, 0), BINARY_SI),
    ("8Ki", dec(8 * 1024, 0), BINARY_SI),
    ("7Mi", dec(7 * 1024**2, 0), BINARY_SI),
    ("6Gi", dec(6 * 1024**3, 0), BINARY_SI),
    ("5Ti", dec(5 * 1024**4, 0), BINARY_SI),
    ("4Pi", dec(4 * 1024**5, 0), BINARY_SI),
    ("3Ei", dec(3 * 1024**6, 0), BINARY_SI),
    ("10Ti", dec(10 * 1024**4, 0), BINARY_SI),
    ("100Ti", dec(100 * 1024**4, 0), BINARY_SI),
    # Decimal suffixes
    ("5n", dec(5, -9), DECIMAL_SI),
    ("4u", dec(4, -6), DECIMAL_SI),
    ("3m", dec(3, -3), DECIMAL_SI),
    ("9", dec(9, 0), DECIMAL_SI),
    ("8k", dec(8, 3), DECIMAL_SI),
    ("50k", dec(5, 4), DECIMAL_SI),
    ("7M", dec(7, 6), DECIMAL_SI),
    ("6G", dec(6, 9), DECIMAL_SI),
    ("5T", dec(5, 12), DECIMAL_SI),
    ("40T", dec(4, 13), DECIMAL_SI),
    ("300T", dec(3, 14), DECIMAL_SI),
    ("2P", dec(2, 15), DECIMAL_SI),
    ("1E", dec(1, 18), DECIMAL_SI),
    # Decimal exponents
    ("1E-3", dec(1, -3), DECIMAL_EXPONENT),
    ("1e3", dec(1, 3), DECIMAL_EXPONENT),
    ("1E6", dec(1, 6), DECIMAL_EXPONENT),
    ("1e9", dec(1, 9), DECIMAL_EXPONENT),
    ("1E12", dec(1, 12), DECIMAL_EXPONENT),
    ("1e15", dec(1, 15), DECIMAL_EXPONENT),
    ("1E18", dec(1, 18), DECIMAL_EXPONENT),
    # Nonstandard but still parsable
    ("1e14", dec(1, 14), DECIMAL_EXPONENT),
    ("1e13", dec(1, 13), DECIMAL_EXPONENT),
    ("100.035k", dec(100035, 0), DECIMAL_SI),
    # Things that look like floating point
    ("0.001", dec(1, -3), DECIMAL_SI),
    ("0.0005k", dec(5, -1), DECIMAL_SI),
    ("0.005", dec(5, -3), DECIMAL_SI),
    ("0.05", dec(5, -2), DECIMAL_SI),
    ("0.5", dec(5, -1), DECIMAL_SI),
    ("0.00050k", dec(5, -1), DECIMAL_SI),
    ("0.00500", dec(5, -3), DECIMAL_SI),
    ("0.05000", dec(5, -2), DECIMAL_SI),
    ("0.50000", dec(5, -1), DECIMAL_SI),
    ("0.5e0", dec(5, -1), DECIMAL_EXPONENT),
    ("0.5e-1", dec(5, -2), DECIMAL_EXPONENT),
    ("0.5e-2", dec(5, -3), DECIMAL_EXPONENT),
    ("10.035M", dec(10035, 3), DECIMAL_SI),
    ("1.2e3", dec(12, 2), DECIMAL_EXPONENT),
    ("1.3E+6", dec(13, 5), DECIMAL_EXPONENT),
    ("1.40e9", dec(14, 8), DECIMAL_EXPONENT),
    ("1.53E12", dec(153, 10), DECIMAL_EXPONENT),
    ("1.6e15", dec(16, 14), DECIMAL_EXPONENT),
    ("1.7E18", dec(17, 17), DECIMAL_EXPONENT),
    ("9.01", dec(901, -2), DECIMAL_SI),
    ("8.1k", dec(81, 2), DECIMAL_SI),
    ("7.123456M", dec(7123456, 0), DECIMAL_SI),
    ("6.987654321G", dec(6987654321, 0), DECIMAL_SI),
    ("5.444T", dec(5444, 9), DECIMAL_SI),
    ("40.1T", dec(401, 11), DECIMAL_SI),
    ("300.2T", dec(3002, 11), DECIMAL_SI),
    ("2.5P", dec(25, 14), DECIMAL_SI),
    ("1.01E", dec(101, 16), DECIMAL_SI),
    # Things that saturate/round
    ("3.001n", dec(4, -9), DECIMAL_SI),
    ("1.1E-9", dec(2, -9), DECIMAL_EXPONENT),
    ("0.0000000001", dec(1, -9), DECIMAL_SI),
    ("0.0000000005", dec(1, -9), DECIMAL_SI),
    ("0.00000000050", dec(1, -9), DECIMAL_SI),
    ("0.5e-9", dec(1, -9), DECIMAL_EXPONENT),
    ("0.9n", dec(1, -9), DECIMAL_SI),
    ("0.00000012345", dec(124, -9), DECIMAL_SI),
    ("0.00000012354", dec(124, -9), DECIMAL_SI),
    ("9Ei", Fraction(MAX_INT64), BINARY_SI),
    ("9223372036854775807Ki", Fraction(MAX_INT64), BINARY_SI),
    ("12E", dec(12, 18), DECIMAL_SI),
    # We'll accept fractional binary stuff, too.
    ("100.035Ki", dec(10243584, -2), BINARY_SI),
    ("0.5Mi", dec(512 * 1024, 0), BINARY_SI),
    ("0.05Gi", dec(536870912, -1), BINARY_SI),
    ("0.025Ti", dec(274877906944, -1), BINARY_SI),
    # Things written by trolls
    ("0.000000000001Ki", dec(2, -9), DECIMAL_SI),   # rounds up, changes format
    (".001", dec(1, -3), DECIMAL_SI),
    (".0001k", dec(100, -3), DECIMAL_SI),
    ("1.", dec(1, 0), DECIMAL_SI),
    ("1.G", dec(1, 9), DECIMAL_SI),
]


@pytest.mark.parametrize(("text", "value", "fmt"), QUANTITY_PARSE,
                         ids=[c[0] for c in QUANTITY_PARSE])
def test_TestQuantityParse(text: str, value: Fraction, fmt: str) -> None:
    assert parse_with_format(text) == (value, fmt)
    # "Try the negative version of everything" and "everything with an explicit +".
    assert parse_with_format("-" + text) == (-value, fmt)
    assert parse_with_format("+" + text) == (value, fmt)


QUANTITY_PARSE_INVALID = ["1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i",
                          "-3.01e-", "1e4294967297", " 1", "1 ", ""]


@pytest.mark.parametrize("text", QUANTITY_PARSE_INVALID)
def test_TestQuantityParse_invalid(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_with_format(text)


# TestQuantityString: (value, format, canonical text, an alternate spelling of it).
QUANTITY_STRING = [
    (dec(1024**3, 0), BINARY_SI, "1Gi", "1024Mi"),
    (dec(300 * 1024**2, 0), BINARY_SI, "300Mi", "307200Ki"),
    (dec(6 * 1024, 0), BINARY_SI, "6Ki", ""),
    (dec(1001 * 1024**3, 0), BINARY_SI, "1001Gi", "1025024Mi"),
    (dec(1024**4, 0), BINARY_SI, "1Ti", "1024Gi"),
    (dec(5, 0), BINARY_SI, "5", "5000m"),
    (dec(500, -3), BINARY_SI, "500m", "0.5"),
    (dec(1, 9), DECIMAL_SI, "1G", "1000M"),
    (dec(1000, 6), DECIMAL_SI, "1G", "0.001T"),
    (dec(1000000, 3), DECIMAL_SI, "1G", ""),
    (dec(1000000000, 0), DECIMAL_SI, "1G", ""),
    (dec(1, -3), DECIMAL_SI, "1m", "1000u"),
    (dec(80, -3), DECIMAL_SI, "80m", ""),
    (dec(1080, -3), DECIMAL_SI, "1080m", "1.08"),
    (dec(108, -2), DECIMAL_SI, "1080m", "1080000000n"),
    (dec(10800, -4), DECIMAL_SI, "1080m", ""),
    (dec(300, 6), DECIMAL_SI, "300M", ""),
    (dec(1, 12), DECIMAL_SI, "1T", ""),
    (dec(1, 18), DECIMAL_SI, "1E", ""),
    # Beyond E: exponent notation (the upstream fix; 1.32 dropped the magnitude).
    (dec(1, 21), DECIMAL_SI, "1e21", "1000E"),
    (dec(5, 21), DECIMAL_SI, "5e21", "5000E"),
    (dec(1, 24), DECIMAL_SI, "1e24", "1000000E"),
    (dec(1234567, 6), DECIMAL_SI, "1234567M", ""),
    (dec(1234567, -3), BINARY_SI, "1234567m", ""),
    (dec(3, 3), DECIMAL_SI, "3k", ""),
    (dec(1025, 0), BINARY_SI, "1025", ""),
    (dec(0, 0), DECIMAL_SI, "0", ""),
    (dec(0, 0), BINARY_SI, "0", ""),
    (dec(1, 9), DECIMAL_EXPONENT, "1e9", ".001e12"),
    (dec(1, -3), DECIMAL_EXPONENT, "1e-3", "0.001e0"),
    (dec(1, -9), DECIMAL_EXPONENT, "1e-9", "1000e-12"),
    (dec(80, -3), DECIMAL_EXPONENT, "80e-3", ""),
    (dec(300, 6), DECIMAL_EXPONENT, "300e6", ""),
    (dec(1, 12), DECIMAL_EXPONENT, "1e12", ""),
    (dec(1, 3), DECIMAL_EXPONENT, "1e3", ""),
    (dec(3, 3), DECIMAL_EXPONENT, "3e3", ""),
    (dec(3, 3), DECIMAL_SI, "3k", ""),
    (dec(0, 0), DECIMAL_EXPONENT, "0", "00"),
    (dec(1, -9), DECIMAL_SI, "1n", ""),
    (dec(80, -9), DECIMAL_SI, "80n", ""),
    (dec(1080, -9), DECIMAL_SI, "1080n", ""),
    (dec(108, -8), DECIMAL_SI, "1080n", ""),
    (dec(10800, -10), DECIMAL_SI, "1080n", ""),
    (dec(1, -6), DECIMAL_SI, "1u", ""),
    (dec(80, -6), DECIMAL_SI, "80u", ""),
    (dec(1080, -6), DECIMAL_SI, "1080u", ""),
]


@pytest.mark.parametrize(("value", "fmt", "expect", "alternate"), QUANTITY_STRING,
                         ids=[f"{c[2]}-{c[1]}" for c in QUANTITY_STRING])
def test_TestQuantityString(value: Fraction, fmt: str, expect: str, alternate: str) -> None:
    assert canonical_string(value, fmt) == expect
    assert canonicalize(expect) == expect   # the canonical text parses back to itself
    if alternate:
        assert canonicalize(alternate) == expect
    if value != 0:
        assert canonical_string(-value, fmt) == "-" + expect   # never "-0"


# TestQuantityParseEmit
QUANTITY_PARSE_EMIT = [
    ("1Ki", "1Ki"), ("1Mi", "1Mi"), ("1Gi", "1Gi"), ("1024Mi", "1Gi"), ("1000M", "1G"),
    (".001Ki", "1024m"), (".000001Ki", "1024u"), (".000000001Ki", "1024n"),
    (".000000000001Ki", "2n"),
]


@pytest.mark.parametrize(("text", "expect"), QUANTITY_PARSE_EMIT)
def test_TestQuantityParseEmit(text: str, expect: str) -> None:
    assert canonicalize(text) == expect
    assert canonicalize("-" + text) == "-" + expect


def test_TestQuantityParseZero() -> None:
    assert canonicalize("0") == "0"


def test_TestQuantityNeg() -> None:
    assert canonical_string(-dec(901, -2), DECIMAL_SI) == "-9010m"


def test_TestBinarySIZeroExponentString() -> None:
    assert canonical_string(Fraction(2000), BINARY_SI) == "2000"
    assert canonical_string(Fraction(-2000), BINARY_SI) == "-2000"


# TestQuantityRoundUp at the milli scale SetDefaults_ResourceList uses (away from zero).
QUANTITY_ROUND_UP_MILLI = [("9.01", "9010m"), ("-9.01", "-9010m"), ("1n", "1m"),
                           ("-1n", "-1m"), ("1.0001", "1001m"), ("1Gi", "1Gi"), ("0", "0")]


@pytest.mark.parametrize(("text", "expect"), QUANTITY_ROUND_UP_MILLI)
def test_TestQuantityRoundUp_milli(text: str, expect: str) -> None:
    assert canonicalize_resource(text) == expect


# The examples the apiserver's stored objects show.
@pytest.mark.parametrize(("value", "expect"), [
    ("0.5", "500m"), ("1000m", "1"), ("1024Mi", "1Gi"), ("1.5Gi", "1536Mi"), ("2000Mi", "2000Mi"),
    ("100m", "100m"), ("1536Mi", "1536Mi"), ("0.1", "100m"), (1, "1"), (0.5, "500m"),
    (2.0, "2"), ("128974848", "128974848"), ("129e6", "129e6"), ("129M", "129M"),
    ("123Mi", "123Mi"), ("0.1Ki", "102400m"),
])
def test_canonicalize_examples(value: object, expect: str) -> None:
    assert canonicalize(value) == expect


def test_existing_helpers_unchanged() -> None:
    assert parse_quantity("500m") == Fraction(1, 2)
    assert milli_value("0.5") == 500
    assert int_value("1.5") == 2
    assert parse_quantity(2) == 2
