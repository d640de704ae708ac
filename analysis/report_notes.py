"""The scoreboard's English notes (``target_progress.csv``), as catalogue messages.

The CSVs keep an English ``note`` column for people reading the data; the report never shows it.
Growth and scenario reasons are already catalogue messages (:class:`analysis.words.Message`,
stored as JSON beside the English notes). The scoreboard (``analysis/evaluation.py``) still
writes English sentences: each ``; ``-separated part is matched here to a catalogue key with its
parameters, and the report renders that key in its own language. This table is the one place
that knows those wordings until the scoreboard returns messages itself;
``tests/test_report_context.py`` checks that every note of a fresh build is matched (a new
wording fails there, naming it).
"""
from __future__ import annotations

import re

_NUM = r"[-\d.,]+"

#: (pattern, catalogue key); named groups become the message's parameters
PATTERNS: tuple[tuple[str, str], ...] = (
    # analysis/evaluation.py
    (rf"computed as (?P<numerator>\w+) / gdp of the same year \((?P<a>{_NUM}) / (?P<b>{_NUM})\)", "note.share_computed"),
    (r"numerator \((?P<numerator>\w+)\) from (?P<source_a>\S+) but GDP from (?P<source_b>\S+): different sources, "
     r"so coverage or revision vintage may differ", "note.share_mixed_sources"),
    (r"inputs are (?P<qualifier>\w+), so the share is approximate", "note.share_approximate"),
    (rf"published share (?P<share>{_NUM})% not used", "note.published_share_unused"),
    (r"years missing: (?P<years>[\d, ]+)", "note.years_missing"),
    (rf"(?P<start>\d{{4}})–(?P<end>\d{{4}}): (?P<total>{_NUM}) (?P<unit>\S+) in total, (?P<per_year>{_NUM}) a year "
     rf"against (?P<target>{_NUM}) a year", "note.count_total"),
    (r"latest usable value is for (?P<year>\d{4}); compared with the time elapsed by then \((?P<elapsed>\d+%)\)", "note.stale_year"),
    (r"the value is a lower bound [^;]*", "note.lower_bound"),
    (r"the value is approximate [^;]*", "note.approximate"),
    (rf"(?P<year>\d{{4}}) value in the plan \((?P<plan>{_NUM})\) differs from the observed one \((?P<observed>{_NUM})\); "
     r"the (?P<origin>plan text|observations) value is used", "note.baseline_differs"),
    (rf"realised (?P<realised>{_NUM}%) a year (?P<start>\d{{4}})–(?P<end>\d{{4}}) against (?P<rate>{_NUM}%); "
     rf"the target rate gives (?P<implied>{_NUM}) (?P<unit>\S+) by (?P<year>\d{{4}})", "note.realised_rate"),
    (rf"maintain-type target: the (?P<year>\d{{4}}) value (?P<value>{_NUM}) already met it; it counts only while it still holds",
     "note.maintain"),
    (r"counted from the start of the plan period \(the plan states no (?P<year>\d{4}) number\)", "note.counted_from_start"),
    (r"observation must be the (?P<what>[^;]+(?:, [^;]+)*)", "note.observed_as"),
    (r"the plan's sentence says (?P<qualifier>\S+) \(about\); read as a floor", "note.about_as_floor"),
)
# A part ends at "; " or at the end (some reasons hold "; " themselves: the longest match wins).
_COMPILED = tuple((re.compile(rf"(?:{p})(?=; |$)"), key) for p, key in PATTERNS)


def message(part: str) -> tuple[str, dict] | None:
    """The catalogue message ``(key, params)`` for one whole English note part, or ``None`` if unknown.

    >>> message("years missing: 2021, 2022")
    ('note.years_missing', {'years': '2021, 2022'})
    """
    found = _longest(part)
    return found[0] if found and found[1] == len(part) else None


def _longest(text: str):
    best = None
    for pattern, key in _COMPILED:
        m = pattern.match(text)
        if m and (best is None or m.end() > best[1]):
            best = ((key, {k: v for k, v in m.groupdict().items() if v is not None}), m.end())
    return best


def messages(note) -> list[tuple[str, dict]]:
    """Every part of a ``; ``-joined ``note`` as a message, in order (none for a missing value).

    A part no pattern knows raises ``KeyError`` naming it.
    """
    if not isinstance(note, str):
        return []
    out, rest = [], note.strip()
    while rest:
        found = _longest(rest)
        if found is None:
            raise KeyError(f"note {rest.split('; ')[0]!r} has no catalogue message: add a pattern to analysis/report_notes.py")
        out.append(found[0])
        rest = rest[found[1]:].removeprefix("; ").strip()
    return out
