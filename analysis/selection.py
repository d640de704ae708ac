"""Choosing one row among published figures for the same thing.

Several pages often give the same region, indicator, year and period (a bulletin, a reprint, a
yearbook revision, an encyclopedia). Exactly one row of each such group is ``selected`` by the
ordered :data:`CRITERIA`: the first criterion on which two rows differ decides. Each criterion
carries its short name (quoted in ``selection_note``), its description (:data:`SELECTION_RULE`,
printed in the notebooks and the report) and its sort key (smaller is better), so the three can
never drift apart. The rows not selected stay in the table with a note saying which row was
preferred and by which criterion.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from analysis.provenance import QUALITY_FLAGS

__all__ = ["Criterion", "CRITERIA", "SELECTION_RULE", "QUALITY_ORDER", "GROUP_KEY", "select_rows"]

#: best first; the order of :data:`analysis.provenance.QUALITY_FLAGS`
QUALITY_ORDER = tuple(QUALITY_FLAGS)
#: the columns that make rows figures for the same thing
GROUP_KEY = ("region_code", "indicator_id", "year", "period", "period_note")

_STATUS_RANK = {"revised": 0, "final": 0, "preliminary_estimate": 1}
_REVISION_RANK = {"revised": 0, "final": 1, "preliminary_estimate": 1}
_QUALIFIER_RANK = {"exact": 0, "approximate": 1, "lower_bound": 2}


@dataclass(frozen=True)
class Criterion:
    """One step of the selection rule.

    ``sort_key(record, corroborated_rank)`` orders records (smaller is better);
    ``corroborated_rank`` is the record's quality rank after corroboration
    (:func:`_corroborated_quality`).
    """

    short: str
    description: str
    sort_key: Callable[[dict, int], object]


CRITERIA: tuple[Criterion, ...] = (
    Criterion("has a value", "a row with a value before a growth-only row",
              lambda rec, _: 0 if rec["_value"] is not None else 1),
    Criterion("not a preliminary estimate",
              "a final or revised figure before a preliminary estimate (预计数: made before the year's statistics existed)",
              lambda rec, _: _STATUS_RANK[rec["status"]]),
    Criterion("better (or corroborated) source quality",
              "better source quality (official > official_reprint > media > encyclopedia_blog); a more precise figure "
              "that agrees, within half a unit of the last printed digit, with a rounder exact or approximate figure "
              "from a better source takes that source's quality (it is corroborated by it)",
              lambda _, corroborated: corroborated),
    Criterion("revised yearbook figure",
              "a revised yearbook figure before the first release (revisions add later information, e.g. the economic census)",
              lambda rec, _: _REVISION_RANK[rec["status"]]),
    Criterion("exact rather than approximate / lower bound", "exact before approximate before lower_bound",
              lambda rec, _: _QUALIFIER_RANK.get(rec["qualifier"], 3)),
    Criterion("finer printed precision", "finer printed precision (more decimals, measured in the canonical unit)",
              lambda rec, _: rec["_step"] if rec["_step"] is not None else Decimal("Infinity")),
    Criterion("own source quality", "own source quality before quality taken from a corroborating source",
              lambda rec, _: QUALITY_ORDER.index(rec["quality"])),
    Criterion("source_id / file order", "source_id alphabetically, then file and line (deterministic)",
              lambda rec, _: (rec["source_id"], rec["raw_file"], rec["raw_row"])),
)

#: the rule as text, one numbered line per criterion, in the order they are applied
SELECTION_RULE: tuple[str, ...] = tuple(f"{i} {c.description}" for i, c in enumerate(CRITERIA, start=1))

_PERIOD_PREFIX = {"partial": "partial period, not an annual value: ",
                  "five_year_total": "five-year total, not an annual value: "}


def _sort_key(rec: dict, corroborated: int) -> tuple:
    return tuple(c.sort_key(rec, corroborated) for c in CRITERIA)


def _corroborated_quality(rec: dict, group: list[dict]) -> tuple[int, dict | None]:
    """Criterion 3: the best quality rank of ``rec`` itself or of a rounder figure agreeing with it,
    and the record that lent it (``None`` if its own)."""
    best, by = QUALITY_ORDER.index(rec["quality"]), None
    if rec["_value"] is None or rec["qualifier"] != "exact" or rec["status"] == "preliminary_estimate":
        return best, by
    for other in group:
        if other is rec or other["_value"] is None or other["status"] == "preliminary_estimate":
            continue
        if other["qualifier"] not in ("exact", "approximate") or other["_step"] < rec["_step"]:
            continue
        rank = QUALITY_ORDER.index(other["quality"])
        if rank < best and abs(rec["_value"] - other["_value"]) <= other["_step"] / 2:
            best, by = rank, other
    return best, by


def _deciding_criterion(a: tuple, b: tuple) -> int:
    """Index of the first criterion on which two sort keys differ (the last one if none does)."""
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), len(a) - 1)


def _criterion_text(index: int) -> str:
    return f"rule {index + 1} ({CRITERIA[index].short})"


def select_rows(records: list[dict]) -> None:
    """Mark exactly one record ``selected`` per :data:`GROUP_KEY` by :data:`CRITERIA`, and write
    every record's ``selection_note``.

    Works in place on the records of :func:`analysis.observations.build_observations`: besides
    the output columns they carry the exact value (``_value``, Decimal or ``None``) and the printed
    precision in the canonical unit (``_step``).
    """
    groups: dict[tuple, list[dict]] = {}
    for rec in records:
        groups.setdefault(tuple(rec[k] for k in GROUP_KEY), []).append(rec)
    for group in groups.values():
        _select_in_group(group)


def _select_in_group(group: list[dict]) -> None:
    corroboration = {id(r): _corroborated_quality(r, group) for r in group}
    keys = {id(r): _sort_key(r, corroboration[id(r)][0]) for r in group}
    ranked = sorted(group, key=lambda r: keys[id(r)])
    best = ranked[0]
    best["selected"] = True
    prefix = _PERIOD_PREFIX.get(best["period"], "")
    rank, lender = corroboration[id(best)]
    lent = ""
    if lender is not None:
        lent = (f"; takes quality {QUALITY_ORDER[rank]} from {lender['obs_id']} ({lender['source_id']}), "
                "which agrees to its printed precision")
    if len(group) == 1:
        best["selection_note"] = prefix + "only figure for this region, indicator, year and period" + lent
        return
    deciding = _deciding_criterion(keys[id(best)], keys[id(ranked[1])])
    best["selection_note"] = (f"{prefix}selected over {len(group) - 1} other row(s) by "
                              f"{_criterion_text(deciding)}{lent}")
    for other in ranked[1:]:
        deciding = _deciding_criterion(keys[id(best)], keys[id(other)])
        same = " (same value)" if other["_value"] is not None and other["_value"] == best["_value"] else ""
        other["selection_note"] = (f"{prefix}not selected: {best['obs_id']} ({best['source_id']}, {best['quality']}) "
                                   f"preferred by {_criterion_text(deciding)}{same}")
