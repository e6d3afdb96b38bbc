"""Human-readable durations and ages, exactly as kubectl prints them.

All times are integer milliseconds (the simulated clock); ``now_ms`` is always passed in.
"""

from __future__ import annotations

from pytest_k8sflow.engine.timeutil import parse_time

_SECOND = 1000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_GO_ZERO_TIME = parse_time("0001-01-01T00:00:00Z")


def _trunc_div(a: int, b: int) -> int:
    """Go's integer division (truncates toward zero), for possibly negative durations."""
    q = abs(a) // b
    return q if a >= 0 else -q


def human_duration(ms: int) -> str:
    """apimachinery pkg/util/duration HumanDuration: ``0s``, ``119s``, ``3m10s``, ``2y1d``.

    Precision follows the upstream function: seconds below 2 minutes, minutes+seconds below
    10 minutes, whole minutes below 3 hours, and so on. A duration of -2s or less is
    ``<invalid>``; a slightly negative one (clock skew) is ``0s``.
    """
    seconds = _trunc_div(ms, _SECOND)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = ms // _MINUTE
    if minutes < 10:
        s = (ms // _SECOND) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = ms // _HOUR
    if hours < 8:
        m = (ms // _MINUTE) % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(ms: int) -> str:
    """apimachinery pkg/util/duration ShortHumanDuration: one unit (``59s``, ``1m``, ``23h``)."""
    seconds = _trunc_div(ms, _SECOND)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60:
        return f"{seconds}s"
    minutes = ms // _MINUTE
    if minutes < 60:
        return f"{minutes}m"
    hours = ms // _HOUR
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{hours // 24 // 365}y"


def time_ms(value: object) -> int | None:
    """A metav1.Time / MicroTime value (RFC 3339 text) in ms; None when unset."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    at = parse_time(str(value))
    # Go's zero time.Time (0001-01-01T00:00:00Z) counts as unset (metav1.Time.IsZero)
    return None if at == _GO_ZERO_TIME else at


def translate_timestamp_since(value: object, now_ms: int) -> str:
    """printers.go translateTimestampSince: HumanDuration(now - t), ``<unknown>`` when t is zero."""
    at = time_ms(value)
    if at is None:
        return "<unknown>"
    return human_duration(now_ms - at)


def translate_timestamp_until(value: object, now_ms: int) -> str:
    """printers.go translateTimestampUntil: HumanDuration(t - now), ``<unknown>`` when t is zero."""
    at = time_ms(value)
    if at is None:
        return "<unknown>"
    return human_duration(at - now_ms)


# -- resource.Quantity.String() -----------------------------------------------------------------

_DECIMAL_SUFFIX = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P",
                   18: "E"}
_BINARY_SUFFIX = {0: "", 1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei"}


def _quantity_format(text: str) -> str:
    """The format a quantity keeps from how it was written (apimachinery ParseQuantity)."""
    body = text.strip().lstrip("+-")
    if body[-2:] in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"):
        return "BinarySI"
    if "e" in body or "E" in body:
        return "DecimalExponent"
    return "DecimalSI"


def canonical_quantity(value: object) -> str:
    """resource.Quantity.String(): the canonical text of a quantity (``1024Mi`` -> ``1Gi``,
    ``0.5`` -> ``500m``, ``1000`` -> ``1k``), keeping the binary/decimal/exponent format
    it was written in (apimachinery pkg/api/resource quantity.go CanonicalizeBytes).

    Values finer than 1n are rounded up to nano precision, as the Go parser does.
    """
    from fractions import Fraction

    from pytest_k8sflow.engine.quantity import parse_quantity

    if value is None:
        return "0"
    text = str(value)
    amount = parse_quantity(value)
    fmt = "DecimalSI" if isinstance(value, int | float) else _quantity_format(text)
    if amount == 0:
        return "0"
    sign = "-" if amount < 0 else ""
    mag = abs(amount)
    if fmt == "BinarySI":
        if mag < 1024 or mag.denominator != 1:
            fmt = "DecimalSI"
        else:
            number, exp = int(mag), 0
            while number % 1024 == 0 and exp < 6:
                number //= 1024
                exp += 1
            return f"{sign}{number}{_BINARY_SUFFIX[exp]}"
    # decimal: mantissa * 10^exponent with the exponent a multiple of 3
    scale = 0
    scaled = mag
    while scaled.denominator != 1 and scale < 9:
        scaled *= 10
        scale += 1
    if scaled.denominator != 1:  # round up to nano precision
        scaled = Fraction(-(-scaled.numerator // scaled.denominator))
    mantissa, exponent = int(scaled), -scale
    while mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    while exponent % 3 != 0:
        mantissa *= 10
        exponent -= 1
    if fmt == "DecimalSI" and exponent in _DECIMAL_SUFFIX:
        return f"{sign}{mantissa}{_DECIMAL_SUFFIX[exponent]}"
    return f"{sign}{mantissa}" + (f"e{exponent}" if exponent else "")
