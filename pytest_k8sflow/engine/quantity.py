"""Kubernetes resource quantities (``500m``, ``8Gi``, ``1e3``) as exact fractions."""

from __future__ import annotations

import math
import re
from fractions import Fraction

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000), "": 1,
            "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
_QUANTITY = re.compile(r"^([+-]?)(\d+\.?\d*|\.\d+)"
                       r"(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$")


class QuantityError(ValueError):
    """The text is not a Kubernetes quantity."""


def parse_quantity(value: str | int | float) -> Fraction:
    """Exact value of a quantity (k8s apimachinery resource.ParseQuantity)."""
    if isinstance(value, bool):
        raise QuantityError(f"quantities must match the regular expression "
                            f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(str(value))
    match = _QUANTITY.match(str(value).strip())
    if not match:
        raise QuantityError(
            "quantities must match the regular expression "
            f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {value!r}"
        )
    sign, number, suffix, exponent = match.groups()
    amount = Fraction(number)
    if exponent is not None:
        amount *= Fraction(10) ** int(exponent)
    elif suffix in _BINARY:
        amount *= _BINARY[suffix]
    else:
        amount *= _DECIMAL[suffix or ""]
    return -amount if sign == "-" else amount


def milli_value(value: str | int | float) -> int:
    """Value in thousandths, rounded up (resource.Quantity.MilliValue)."""
    return math.ceil(parse_quantity(value) * 1000)


def int_value(value: str | int | float) -> int:
    """Value rounded up to a whole number (resource.Quantity.Value)."""
    return math.ceil(parse_quantity(value))


# -- canonical form (apimachinery resource.Quantity.String / CanonicalizeBytes) ----------------

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

# parseQuantityString: optional sign, digits, optional fraction, then a suffix. An exponent
# ("e3", "E-3", "E+6") is tried before the bare "E" (exa) suffix.
_FULL = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")
_BINARY_EXP = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_EXP = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {exp: suffix for suffix, exp in _DECIMAL_EXP.items()}
_BINARY_SUFFIX = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
_MAX_INT64 = 2**63 - 1
_MAX_INT32 = 2**31 - 1
_NANO = Fraction(1, 10**9)


def _regex_error(value: object) -> QuantityError:
    return QuantityError("quantities must match the regular expression "
                         f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {value!r}")


def _text_of(value: str | int | float) -> str:
    if isinstance(value, bool):
        raise _regex_error(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # A YAML float reaches us already converted; repr is the closest text we have.
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def parse_with_format(value: str | int | float) -> tuple[Fraction, str]:
    """The value and Format (DecimalSI, BinarySI, DecimalExponent) the apiserver gives a
    quantity (apimachinery resource.ParseQuantity), including its rounding of anything finer
    than 1n up (away from zero) and its cap at 2^63-1 on the slow parse path."""
    text = _text_of(value)
    match = _FULL.match(text)
    if not match or not (match.group(2) or match.group(3)):
        raise _regex_error(value)
    sign, num, denom, suffix = match.groups()
    num = num.lstrip("0") or "0"   # parseQuantityString strips leading zeros
    denom = denom or ""
    suffix = suffix or ""
    digits = Fraction(int(num + denom or "0"), 10 ** len(denom))
    if suffix in _BINARY_EXP:
        fmt, exponent = BINARY_SI, _BINARY_EXP[suffix]
        amount = digits * 2**exponent
        # resource.ParseQuantity fast path: whole binary numbers that fit int64.
        precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        fast = not denom and precision >= 0 and int(num) * 2**exponent <= _MAX_INT64
    else:
        if suffix[:1] in ("e", "E") and len(suffix) > 1:
            fmt, exponent = DECIMAL_EXPONENT, int(suffix[1:])
            if abs(exponent) > _MAX_INT32:
                raise _regex_error(value)
        else:
            fmt, exponent = DECIMAL_SI, _DECIMAL_EXP[suffix]
        amount = digits * Fraction(10) ** exponent
        # Fast path: at most 18 digits and no digit below 1n; these are never capped.
        fast = 18 - (len(num) + len(denom)) >= 0 and exponent - len(denom) >= -9
    if amount and amount % _NANO:
        amount = math.ceil(amount / _NANO) * _NANO   # inf.RoundUp at nano scale
    if not fast and amount > _MAX_INT64:
        amount = Fraction(_MAX_INT64)
    if fmt == BINARY_SI and 0 < amount < 1:
        fmt = DECIMAL_SI
    return (-amount if sign == "-" else amount), fmt


def _decimal_string(amount: Fraction, fmt: str) -> str:
    """int64Amount/infDecAmount.AsCanonicalBytes: mantissa with an exponent that is a
    multiple of three, then the SI suffix (or e<exp> for DecimalExponent)."""
    mantissa = amount / _NANO
    if mantissa.denominator != 1:   # finer than 1n: only reachable by arithmetic
        scaled, exponent = amount, 0
        while scaled.denominator != 1:
            scaled *= 10
            exponent -= 1
        mantissa = scaled
    else:
        exponent = -9
    mantissa = int(mantissa)
    while mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    shift = exponent % 3
    mantissa *= 10**shift
    exponent -= shift
    if fmt == DECIMAL_SI and exponent in _DECIMAL_SUFFIX:
        return f"{mantissa}{_DECIMAL_SUFFIX[exponent]}"
    # DecimalExponent, or a DecimalSI exponent with no suffix (>E or <n): exponent notation.
    return str(mantissa) if exponent == 0 else f"{mantissa}e{exponent}"


def canonical_string(amount: Fraction, fmt: str) -> str:
    """resource.Quantity.CanonicalizeBytes for a value in a given Format."""
    if amount == 0:
        return "0"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if fmt == BINARY_SI:
        if amount < 1024 or amount.denominator != 1:
            # Small or fractional binary values are shown as DecimalSI to avoid rounding.
            fmt = DECIMAL_SI
        else:
            whole, power = int(amount), 0
            while whole % 1024 == 0:
                whole //= 1024
                power += 1
            if power < len(_BINARY_SUFFIX):
                return f"{sign}{whole}{_BINARY_SUFFIX[power]}"
            fmt = DECIMAL_EXPONENT   # beyond Ei: exact decimal fallback
    elif fmt not in (DECIMAL_SI, DECIMAL_EXPONENT):
        fmt = DECIMAL_EXPONENT
    return sign + _decimal_string(amount, fmt)


def canonicalize(value: str | int | float) -> str:
    """The text the apiserver stores and returns for a quantity (``0.5`` -> ``500m``,
    ``1000m`` -> ``1``, ``1024Mi`` -> ``1Gi``): resource.Quantity.String."""
    return canonical_string(*parse_with_format(value))


def canonicalize_resource(value: str | int | float) -> str:
    """A ResourceList entry as stored: rounded up to milli scale (k/k pkg/apis/core/v1
    defaults.go SetDefaults_ResourceList, Quantity.RoundUp(-3), away from zero), then in
    canonical form (``1n`` -> ``1m``)."""
    amount, fmt = parse_with_format(value)
    milli = Fraction(1, 1000)
    if amount % milli:
        magnitude = math.ceil(abs(amount) / milli) * milli
        amount = magnitude if amount > 0 else -magnitude
    return canonical_string(amount, fmt)
