"""Units: the one conversion table and the conversions through it.

Every number is stored in its indicator's canonical unit from ``analysis/indicators.yml``
(亿元 = CNY 100 million, 万人次 = 10 000 person-trips, % = percent, 亿美元 = USD 100 million,
元 = yuan). A printed unit becomes canonical only through :data:`UNIT_CONVERSIONS`; currencies
are never converted into each other (trade in 亿元 is the separate indicator
``goods_trade_total_cny``).
"""
from __future__ import annotations

from decimal import Decimal

from analysis.printed import CellError

__all__ = ["UNIT_CONVERSIONS", "to_canonical", "convert_units", "converts_to"]

#: (unit as printed, without bracket comments) → {canonical unit: factor}. The factor multiplies
#: the printed number. A unit or a pair not listed here is an error: no other conversion exists.
#: Currencies are never converted (亿元 ↔ 亿美元 is not in the table on purpose).
UNIT_CONVERSIONS: dict[str, dict[str, str]] = {
    "亿元": {"亿元": "1"},
    "万元": {"亿元": "0.0001"},            # 1 万元 = 0.0001 亿元
    "万亿元": {"亿元": "10000"},           # 1 万亿元 = 10 000 亿元
    "billion yuan": {"亿元": "10"},        # 1 billion = 10 亿
    "trillion yuan": {"亿元": "10000"},    # 1 trillion = 10 000 亿
    "元": {"元": "1"},
    "yuan": {"元": "1"},
    "亿美元": {"亿美元": "1"},
    "万人次": {"万人次": "1"},
    "亿人次": {"万人次": "10000"},         # 1 亿人次 = 10 000 万人次
    "million": {"万人次": "100"},          # visitors: 1 million = 100 万人次
    "million visitors": {"万人次": "100"},
    "%": {"%": "1"},
    "比例": {"%": "1"},                    # a structure a:b:c of percentage shares
}


def converts_to(unit: str, canonical: str) -> bool:
    """Whether a number printed in ``unit`` can be expressed in ``canonical``.

    >>> converts_to("亿人次", "万人次"), converts_to("亿美元", "亿元")
    (True, False)
    """
    return canonical in UNIT_CONVERSIONS.get(unit, {})


def to_canonical(number: Decimal, unit: str, canonical: str) -> tuple[Decimal, Decimal]:
    """Convert ``number`` printed in ``unit`` into ``canonical``; return ``(value, factor)``.

    The only unit conversion of printed numbers, by the explicit table :data:`UNIT_CONVERSIONS`.
    Decimal arithmetic, so printed decimals stay exact. Raises :class:`~analysis.printed.CellError`
    (column ``unit``) for an unknown unit or a pair with no conversion.

    >>> to_canonical(Decimal("44.014"), "billion yuan", "亿元")
    (Decimal('440.140'), Decimal('10'))
    >>> to_canonical(Decimal("2.65"), "亿人次", "万人次")[0]
    Decimal('26500.00')
    >>> to_canonical(Decimal("2915100"), "万元", "亿元")[0]
    Decimal('291.5100')
    """
    table = UNIT_CONVERSIONS.get(unit)
    if table is None:
        raise CellError(f"unknown unit {unit!r}; expected one of {', '.join(UNIT_CONVERSIONS)} "
                        "(add a conversion to analysis.units.UNIT_CONVERSIONS if it is real)", "unit")
    if canonical not in table:
        raise CellError(f"unit {unit!r} cannot be converted to {canonical!r} (the indicator's unit); "
                        f"known conversions from {unit!r}: {', '.join(table) or 'none'}", "unit")
    factor = Decimal(table[canonical])
    return number * factor, factor


def convert_units(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``, through :data:`UNIT_CONVERSIONS`.

    Both units must convert to the same canonical unit (万人次 and 亿人次 → 万人次; 万元 and 亿元 →
    亿元); currencies and kinds never mix.

    >>> convert_units(2800, "万人次", "亿人次")
    0.28
    """
    if from_unit == to_unit:
        return value
    common = set(UNIT_CONVERSIONS.get(from_unit, {})) & set(UNIT_CONVERSIONS.get(to_unit, {}))
    if not common:
        raise ValueError(f"cannot convert {from_unit} to {to_unit}: no common unit in UNIT_CONVERSIONS")
    canonical = min(common)  # not set.pop(): its choice follows the string hash seed
    return value * float(UNIT_CONVERSIONS[from_unit][canonical]) / float(UNIT_CONVERSIONS[to_unit][canonical])
