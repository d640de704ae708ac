"""Names in the reader's language: units, regions, indicators, quality flags and statuses.

Every label comes from a catalogue: the words from ``analysis/messages/*.yml`` (through
:mod:`analysis.words`), the indicator and region names from ``analysis/indicators.yml``. Units
are keyed by the canonical unit the data carries (its own Chinese label, e.g. ``亿元``); an
English reader sees "CNY 100 million" — the same number, never converted (亿 = 10⁸).
"""
from __future__ import annotations

from analysis import catalogue, words

#: canonical unit as the data writes it → catalogue key of its name
UNIT_KEYS = {
    "亿元": "unit.cny_100m",
    "万元": "unit.cny_10k",
    "元": "unit.cny",
    "亿美元": "unit.usd_100m",
    "万人次": "unit.visits_10k",
    "亿人次": "unit.visits_100m",
    "%": "unit.percent",
    "家": "unit.enterprises",
    "个": "unit.items",
}
#: units that count whole things (enterprises, items): their values print without decimals
COUNT_UNITS = ("家", "个")
#: How an English reader counts an amount the plan writes in a Chinese unit: the unit's size in its
#: base unit (亿 = 10⁸, 万 = 10⁴), the catalogue key writing the scaled amount in prose, and the unit
#: (catalogue key) and factor of the English tables. Chinese text keeps the plan's own unit.
SCALED_UNITS = {
    "亿元": (1e8, "amount.scaled.cny", "unit.table.cny_billion", 0.1),
    "万元": (1e4, "amount.scaled.cny", "unit.table.cny_million", 0.01),
    "元": (1.0, "amount.scaled.cny", "unit.cny", 1.0),
    "亿美元": (1e8, "amount.scaled.usd", "unit.table.usd_million", 100.0),
    "万人次": (1e4, "amount.scaled.visits", "unit.table.visits_million", 0.01),
    "亿人次": (1e8, "amount.scaled.visits", "unit.table.visits_million", 100.0),
}
QUALITY_FLAGS = ("official", "official_reprint", "media", "encyclopedia_blog")
STATUSES = ("achieved", "faster", "on_track", "lagging", "no_data")


def unit(name: str, language: str) -> str:
    """The unit ``name`` (as the data writes it: 亿元, 亿美元, 万人次, %) in ``language``.

    >>> unit("亿元", "en"), unit("万人次", "en"), unit("亿元", "zh")
    ('CNY 100 million', '10,000 visits', '亿元')
    """
    if name not in UNIT_KEYS:
        raise KeyError(f"unit {name!r} has no name in the catalogue: add it to analysis.labels.UNIT_KEYS")
    return words.text(UNIT_KEYS[name], language)


def region(code: str, language: str, full: bool = False) -> str:
    """A region's short (昌吉州 / Changji) or full name in ``language``."""
    meta = catalogue.region(str(code))
    return meta[("name_" if full else "short_") + language]


def indicator(indicator_id: str, language: str) -> str:
    """An indicator's name in ``language`` (from ``analysis/indicators.yml``)."""
    return catalogue.indicator(indicator_id)["name_" + language]


def quality(flag: str, language: str) -> str:
    """A source quality flag in words (官方 / 官方转载 / 媒体 / 百科或博客)."""
    if flag not in QUALITY_FLAGS:
        raise KeyError(f"quality flag {flag!r}: expected one of {', '.join(QUALITY_FLAGS)}")
    return words.text(f"quality.{flag}", language)


def grade(flag: str, language: str) -> str:
    """The data grade of a quality flag (A official … D encyclopedia or blog), defined once under the
    report's results table."""
    if flag not in QUALITY_FLAGS:
        raise KeyError(f"quality flag {flag!r}: expected one of {', '.join(QUALITY_FLAGS)}")
    return words.text(f"grade.{flag}", language)


#: how the report says a level to maintain (its 2020 value already met the target) that has fallen below it:
#: not "behind schedule", which would suggest time can close the gap (analysis/progress.py calls it ``lagging``)
MAINTAIN_BELOW = "maintain_below"


def shown_status(code: str, method: str | None) -> str:
    """The status a target is reported under: :data:`MAINTAIN_BELOW` for a level to maintain (``method``
    ``maintain``) that is ``lagging``, its own ``code`` otherwise."""
    return MAINTAIN_BELOW if method == "maintain" and code == "lagging" else code


def shown_statuses(frame) -> list[str]:
    """:func:`shown_status` of every row of a table with ``status`` (and ``method``, when it has one) columns."""
    methods = frame["method"] if "method" in frame else [None] * len(frame)
    return [shown_status(s, m) for s, m in zip(frame["status"], methods)]


def shown_status_word(code: str, method: str | None, language: str) -> str:
    """:func:`shown_status` in words."""
    shown = shown_status(code, method)
    return words.text("assessment.status.maintain_below", language) if shown == MAINTAIN_BELOW else status(shown, language)


def status(code: str, language: str) -> str:
    """A 序时进度 status (``achieved``, ``faster``, ``on_track``, ``lagging``, ``no_data``) in words."""
    if code not in STATUSES:
        raise KeyError(f"status {code!r}: expected one of {', '.join(STATUSES)}")
    return words.text(f"status.{code}", language)
