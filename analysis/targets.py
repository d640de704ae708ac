"""The plan's 19 targets for 2025 (its 表 2), parsed from the plan text, with the plan's own
2020 baselines and the sentences that restate each target elsewhere in the text.

Layout of 表 2 in the plan text (tab-separated plain text):

- a title line starting ``表 2``;
- a header row ``指标类型 序号 数据类别 发展目标``;
- data rows ``<group> <row number> <indicator> <target>``, e.g. ``总体目标 1 三产增加值 830 亿元``;
  the group label (``总体目标``, ``产业培育``, ``重点举措``) is printed on the first row of its
  group only and carries down; a blank line may appear inside the table;
- the table ends at the next heading (a line starting with ``#``) or the next table title.

Every number in the output is read from the text: the targets from 表 2, the baselines and the
restating sentences through the quote templates of ``analysis/plan_quotes.yml``
(:mod:`analysis.quotes`). A template that does not match the text stops with a
:class:`~analysis.errors.RawDataError`; nothing is filled in by hand.

Each row's bilingual labels, id and text links are data, in ``analysis/plan_targets.yml``
(:func:`target_labels`, schema checked on loading), because ``analysis/indicators.yml`` holds the
statistical indicators only; the targets that measure a catalogued indicator carry its id
(``tertiary_value_added`` …).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import catalogue, provenance, words
from analysis.errors import RawDataError
from analysis.files import read_utf8_text
from analysis.paths import PLAN_QUOTES, PLAN_TARGET_LABELS, PLAN_TEXT, relative
from analysis.quotes import NUMBER_PATTERN, Quote, find_quote, placeholders, plan_quote, registry, squash
from analysis.yaml_files import load_yaml

# --------------------------------------------------------------------------- 表 2 layout
TABLE_TITLE = "表 2"
HEADER = ("指标类型", "序号", "数据类别", "发展目标")
GROUPS_EN = {"总体目标": "Overall targets", "产业培育": "Industry development", "重点举措": "Key measures"}
UNITS = ("亿人次", "万人次", "亿美元", "亿元", "万元", "%", "家", "个")
TARGET_CELL = re.compile(rf"^(?P<value>{NUMBER_PATTERN})\s*(?P<unit>{'|'.join(map(re.escape, UNITS))}|％)$")

KINDS = ("level", "share_of_gdp", "share", "average_growth_rate", "count_per_year", "count_per_county", "count")
QUALIFIERS = {"以上": "at_least", "左右": "approximately", "突破": "more_than", "超过": "more_than", "不低于": "at_least"}

_LABEL_KEYS = {"id", "en", "numerator", "sentence", "baseline", "may_be_five_year_total", "observed_as"}
_LINK_KEYS = {"sentence": ({"quote", "number"}, {"unique"}), "baseline": ({"quote", "number", "year"}, set())}


def _check_label(label: str, meta: dict, name: str) -> None:
    """The schema of one entry of ``analysis/plan_targets.yml`` (see the comment at its top)."""
    def bad(message: str) -> RawDataError:
        return RawDataError(name, f"{label}: {message}", column=label)

    if not isinstance(meta, dict) or not set(meta) <= _LABEL_KEYS or not re.fullmatch(r"[a-z][a-z0-9_]*", str(meta.get("id"))):
        raise bad(f"expected a snake_case id and only the keys {sorted(_LABEL_KEYS)}, found {meta!r}")
    indicators = catalogue.catalogue()["indicators"]
    if meta["id"] not in indicators and not meta.get("en"):
        raise bad(f"{meta['id']!r} is not a catalogue indicator, so an English label 'en' is required")
    if "numerator" in meta and meta["numerator"] not in indicators:
        raise bad(f"numerator {meta['numerator']!r} is not a catalogue indicator")
    if "observed_as" in meta and meta["observed_as"] not in words.catalogue():
        raise bad(f"observed_as {meta['observed_as']!r} is not a message of analysis/messages/*.yml")
    for link, (required, optional) in _LINK_KEYS.items():
        if link not in meta:
            continue
        spec = meta[link]
        if not isinstance(spec, dict) or not required <= set(spec) <= required | optional:
            raise bad(f"{link}: expected the keys {sorted(required)} (and optionally {sorted(optional)}), found {spec!r}")
        template = registry().get(spec["quote"])
        if template is None:
            raise bad(f"{link}: no quote {spec['quote']!r} in {relative(PLAN_QUOTES)}")
        missing = {spec[k] for k in required - {"quote"}} - placeholders(template)
        if missing:
            raise bad(f"{link}: the quote {spec['quote']!r} has no placeholder {sorted(missing)}")


@lru_cache(maxsize=1)
def target_labels() -> dict[str, dict]:
    """Labels and text links of each 表 2 row, keyed by the printed indicator (white space removed),
    from ``analysis/plan_targets.yml``; every entry's schema is checked."""
    labels = load_yaml(PLAN_TARGET_LABELS)
    for label, meta in labels.items():
        _check_label(label, meta, relative(PLAN_TARGET_LABELS))
    return labels


COLUMNS = [
    "target_id", "group_zh", "group_en", "indicator_zh", "indicator_en", "indicator_id", "numerator_id",
    "target_value", "target_text", "unit", "kind", "direction", "base_year", "target_year",
    "baseline_2020", "baseline_source", "baseline_line", "plan_sentence", "plan_sentence_line",
    "plan_sentence_value", "plan_sentence_agrees", "plan_qualifier_zh", "plan_qualifier",
    "may_be_five_year_total", "observed_as", "source_line",
]


def infer_kind(label: str, unit: str) -> str:
    """What sort of target a 表 2 row is, from its wording and unit (one of :data:`KINDS`).

    ``…增长率`` / ``…增幅`` in % → ``average_growth_rate``; ``占 GDP …`` in % → ``share_of_gdp``;
    other % → ``share``; ``每个县(市)…`` → ``count_per_county``; ``每年…`` / ``年均新增…`` →
    ``count_per_year``; 家 / 个 → ``count``; anything else (亿元, 万元, 亿人次) → ``level``.
    """
    key = squash(label)
    if unit == "%":
        if re.search(r"增长率|增幅|增速", key):
            return "average_growth_rate"
        if "占GDP" in key or "占地区生产总值" in key:
            return "share_of_gdp"
        return "share"
    if key.startswith("每个县"):
        return "count_per_county"
    if key.startswith("每年") or key.startswith("年均新增"):
        return "count_per_year"
    if unit in ("家", "个"):
        return "count"
    return "level"


def plan_period(text: str, file: str) -> tuple[int, int]:
    """``(base_year, target_year)`` from the plan period sentence (``规划期限为2021-2025年`` → 2020, 2025)."""
    q = find_quote(text, plan_quote("plan_period"), file, "plan period")
    start, end = int(q.value("start")), int(q.value("end"))
    if end <= start:
        raise RawDataError(file, f"plan period {start}-{end} does not run forward", row=q.line)
    return start - 1, end


def _qualifier(quote: Quote, number: str) -> str | None:
    """The qualifier printed next to the placeholder ``number`` in a restating sentence (以上, 左右, 突破)."""
    a, b = quote.span_of(number)
    after = quote.text[b:b + 6]
    before = quote.text[max(0, a - 4):a]
    for word in QUALIFIERS:
        if word in after or word in before:
            return word
    return None


def _find_table(lines: list[str], file: str) -> tuple[int, int]:
    """Indices of the title line and the header line of 表 2."""
    title_idx = next((i for i, s in enumerate(lines) if squash(s).startswith(squash(TABLE_TITLE))), None)
    if title_idx is None:
        raise RawDataError(file, f"no line starting with '{TABLE_TITLE}' (the targets table)")
    header_idx = next((i for i in range(title_idx + 1, len(lines)) if lines[i].strip()), None)
    if header_idx is None:
        raise RawDataError(file, f"'{TABLE_TITLE}' has no header row", row=title_idx + 1)
    cells = tuple(c.strip() for c in lines[header_idx].split("\t"))
    if cells[:len(HEADER)] != HEADER:
        raise RawDataError(file, f"expected the header {' / '.join(HEADER)} (tab-separated), found {' / '.join(cells)}",
                           row=header_idx + 1)
    return title_idx, header_idx


def _table_rows(lines: list[str], header_idx: int, file: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each data row, up to the next heading or table title."""
    rows = []
    for idx in range(header_idx + 1, len(lines)):
        raw = lines[idx]
        if not raw.strip():
            continue  # blank lines may appear inside the table
        if raw.lstrip().startswith("#") or squash(raw).startswith("表"):
            break
        cells = [c.strip() for c in raw.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) != len(HEADER):
            raise RawDataError(file, f"expected {len(HEADER)} tab-separated cells ({', '.join(HEADER)}), found {len(cells)}: "
                                     f"{raw.strip()!r}", row=idx + 1)
        rows.append((idx + 1, cells))
    if not rows:
        raise RawDataError(file, f"'{TABLE_TITLE}' has a header but no rows", row=header_idx + 1)
    return rows


def _row_group(group_cell: str, group: str | None, file: str, line_no: int) -> str:
    """The row's group (指标类型): its own cell, else the group of the rows above it."""
    if group_cell:
        if group_cell not in GROUPS_EN:
            raise RawDataError(file, f"unknown group {group_cell!r}; expected one of {', '.join(GROUPS_EN)}",
                               row=line_no, column=HEADER[0])
        return group_cell
    if group is None:
        raise RawDataError(file, "the first row must name its group", row=line_no, column=HEADER[0])
    return group


def _check_row_number(id_cell: str, expected_id: int, file: str, line_no: int) -> None:
    """序号 runs 1, 2, 3, … with no row missing or repeated."""
    if not re.fullmatch(r"\d+", id_cell):
        raise RawDataError(file, f"expected the row number {expected_id}, found {id_cell!r}", row=line_no, column=HEADER[1])
    if int(id_cell) != expected_id:
        raise RawDataError(file, f"row number {id_cell} out of sequence: expected {expected_id} (a row is missing or repeated)",
                           row=line_no, column=HEADER[1])


def _new_label(label: str, seen: dict[str, int], file: str, line_no: int) -> str:
    """The indicator name as the label catalogue keys it; an empty or repeated name is an error."""
    if not label:
        raise RawDataError(file, "indicator name is empty", row=line_no, column=HEADER[2])
    key = squash(label)
    if key in seen:
        raise RawDataError(file, f"indicator {label!r} appears twice (also line {seen[key]})", row=line_no, column=HEADER[2])
    seen[key] = line_no
    return key


def parse_targets(text: str, file: str, link_text: bool = True) -> pd.DataFrame:
    """Parse 表 2 of the plan text into one row per target (columns :data:`COLUMNS`).

    Parameters
    ----------
    text : the plan text (UTF-8 decoded).
    file : the file name, used in error messages.
    link_text : also read the plan period, the plan's 2020 baselines and the sentences that restate
        each target (all quote templates must then be found). ``False`` parses the table alone
        (``base_year``, ``target_year`` and the text columns are then missing).

    Returns
    -------
    DataFrame, one row per target in table order: ``target_value`` is the number printed in
    ``target_text`` (in ``unit``: 亿元 = CNY 100 million, 万元 = CNY 10 000, 亿人次 = 100 million
    person-trips, % = percent, 家 / 个 = count); ``kind`` from :func:`infer_kind`; ``direction``
    ``at_least`` (表 2 lists floors; the restating sentence's own qualifier — 以上, 左右, 突破 — is in
    ``plan_qualifier_zh`` / ``plan_qualifier``); ``baseline_2020`` only where the plan text
    states the value (missing otherwise), with ``baseline_source`` (the quote) and its line.

    Raises
    ------
    RawDataError naming file, line and column (指标类型 / 序号 / 数据类别 / 发展目标) for a row that
    is not as expected, and naming the template for a quote not found.
    """
    lines = text.splitlines()
    _, header_idx = _find_table(lines, file)
    base_year = target_year = None
    if link_text:
        base_year, target_year = plan_period(text, file)

    records = []
    group = None
    expected_id = 1
    seen: dict[str, int] = {}
    for line_no, (group_cell, id_cell, label, target_cell) in _table_rows(lines, header_idx, file):
        group = _row_group(group_cell, group, file, line_no)
        _check_row_number(id_cell, expected_id, file, line_no)
        expected_id += 1
        key = _new_label(label, seen, file, line_no)
        meta = target_labels().get(key)
        if meta is None:
            raise RawDataError(file, f"unknown indicator {label!r}: add its labels to analysis/plan_targets.yml",
                               row=line_no, column=HEADER[2])
        m = TARGET_CELL.match(target_cell.strip())
        if m is None:
            raise RawDataError(file, f"expected a number and a unit (like 830 亿元, 40%, 10 家; units {', '.join(UNITS)}), "
                                     f"found {target_cell!r}", row=line_no, column=HEADER[3])
        unit = "%" if m.group("unit") == "％" else m.group("unit")
        ind_id = meta["id"]
        try:
            cat = catalogue.indicator(ind_id)
        except KeyError:
            cat = None
        indicator_en = meta.get("en") or (cat["name_en"] if cat else None)
        if indicator_en is None:
            raise RawDataError(file, f"no English label for {label!r}: add 'en' to analysis/plan_targets.yml", row=line_no, column=HEADER[2])
        rec = {
            "target_id": int(id_cell), "group_zh": group, "group_en": GROUPS_EN[group],
            "indicator_zh": label, "indicator_en": indicator_en, "indicator_id": ind_id,
            "numerator_id": meta.get("numerator"),
            "target_value": float(m.group("value")), "target_text": target_cell, "unit": unit,
            "kind": infer_kind(label, unit), "direction": "at_least",
            "base_year": base_year, "target_year": target_year,
            "baseline_2020": float("nan"), "baseline_source": None, "baseline_line": None,
            "plan_sentence": None, "plan_sentence_line": None, "plan_sentence_value": float("nan"),
            "plan_sentence_agrees": None, "plan_qualifier_zh": None, "plan_qualifier": None,
            "may_be_five_year_total": bool(meta.get("may_be_five_year_total", False)),
            "observed_as": meta.get("observed_as"), "source_line": line_no,
        }
        if link_text:
            _link(rec, meta, text, file, base_year)
        records.append(rec)
    df = pd.DataFrame.from_records(records, columns=COLUMNS)
    for col in ("baseline_line", "plan_sentence_line", "base_year", "target_year"):
        df[col] = df[col].astype("Int64")
    return df


def _link(rec: dict, meta: dict, text: str, file: str, base_year: int) -> None:
    """Fill the baseline and the restating sentence of one target from the text."""
    label = rec["indicator_zh"]
    if "baseline" in meta:
        link = meta["baseline"]
        q = find_quote(text, plan_quote(link["quote"]), file, f"{base_year} baseline of {label}")
        if int(q.value(link["year"])) != base_year:
            raise RawDataError(file, f"baseline quote for {label} gives the year {q.printed[link['year']]}, but the plan's base "
                                     f"year is {base_year}: «{q.text}»", row=q.line)
        rec["baseline_2020"] = q.value(link["number"])
        rec["baseline_source"] = q.text
        rec["baseline_line"] = q.line
    if "sentence" in meta:
        link = meta["sentence"]
        q = find_quote(text, plan_quote(link["quote"]), file, f"sentence restating target {rec['target_id']} {label}",
                       unique=link.get("unique", True))
        rec["plan_sentence"] = q.text
        rec["plan_sentence_line"] = q.line
        rec["plan_sentence_value"] = q.value(link["number"])
        rec["plan_sentence_agrees"] = q.value(link["number"]) == rec["target_value"]
        word = _qualifier(q, link["number"])
        rec["plan_qualifier_zh"] = word
        rec["plan_qualifier"] = QUALIFIERS.get(word) if word else None


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """Verify the plan file against its provenance record, read it and :func:`parse_targets` it."""
    path = PLAN_TEXT if path is None else path
    provenance.verify_raw_file(path)
    return parse_targets(read_utf8_text(path), relative(path))
