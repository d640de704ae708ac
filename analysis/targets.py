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
restating sentences through *quote templates* (see :func:`compile_quote`): fixed wording with
``{name}`` placeholders where the numbers stand. A template that does not match the text stops
with a :class:`~analysis.errors.RawDataError`; nothing is filled in by hand.

Only the bilingual labels and ids of the indicators live in this module (:data:`TARGET_LABELS`),
because ``analysis/indicators.yml`` holds the statistical indicators only; the targets that
measure a catalogued indicator carry its id (``tertiary_value_added`` …).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import catalogue, provenance
from analysis.errors import RawDataError
from analysis.files import read_utf8_text
from analysis.paths import PLAN_TEXT, relative

# --------------------------------------------------------------------------- quote templates
NUMBER_PATTERN = r"\d+(?:\.\d+)?"
_GAP = r"[ \t]*"          # quotes stay on one line; spacing in the source is irregular
_ANY = r"[^\n]*?"         # ``…`` in a template: any text on the same line
_EQUIVALENT = {           # half- and full-width punctuation are used interchangeably in the plan
    ",": "[,，]", "，": "[,，]", "(": "[(（]", "（": "[(（]", ")": "[)）]", "）": "[)）]",
    ":": "[:：]", "：": "[:：]", ";": "[;；]", "；": "[;；]", "%": "[%％]", "％": "[%％]",
    "-": "[-－–—]",
}


def compile_quote(template: str) -> re.Pattern:
    """Regex for a quote template.

    A template is the plan's wording with ``{name}`` where a number stands and ``…`` for any
    text in between (same line). White space in the template is ignored and any run of spaces
    or tabs is allowed between characters, so ``A级`` matches ``A 级`` and ``2020年`` matches
    ``2020 年``; half- and full-width punctuation match each other. A match never crosses a line
    break, so what is found is a verbatim span of one line of the document.
    """
    parts: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "{":
            j = template.index("}", i)
            parts.append(f"(?P<{template[i + 1:j]}>{NUMBER_PATTERN})")
            i = j + 1
            continue
        if ch == "…":
            parts.append(_ANY)
        elif not ch.isspace():
            parts.append(_EQUIVALENT.get(ch, re.escape(ch)))
        i += 1
    return re.compile(_GAP.join(parts))


@dataclass(frozen=True)
class Quote:
    """A quote template matched in the document."""

    template: str
    text: str                   # the matched span, verbatim
    line: int                   # 1-based line number in the document
    printed: dict[str, str]     # placeholder → number as printed ("563.51")
    start: int = 0              # character offsets of the match in the document
    end: int = 0

    @property
    def values(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.printed.items()}

    def value(self, name: str) -> float:
        return float(self.printed[name])

    def decimals(self, name: str) -> int:
        """Decimals shown in the printed number (rounding half-unit = 0.5 × 10^-decimals)."""
        p = self.printed[name]
        return len(p.split(".")[1]) if "." in p else 0

    def span_of(self, name: str) -> tuple[int, int]:
        """Offsets of a placeholder's number inside :attr:`text`."""
        m = compile_quote(self.template).fullmatch(self.text)
        return m.span(name)


def find_quotes(text: str, template: str) -> list[Quote]:
    """Every match of ``template`` in ``text`` (possibly none)."""
    out = []
    for m in compile_quote(template).finditer(text):
        out.append(Quote(template=template, text=m.group(0), line=text.count("\n", 0, m.start()) + 1,
                         printed={k: v for k, v in m.groupdict().items() if v is not None},
                         start=m.start(), end=m.end()))
    return out


def find_quote(text: str, template: str, file: str, purpose: str = "", unique: bool = True) -> Quote:
    """The match of ``template`` in ``text``; a :class:`RawDataError` if it is not there.

    With ``unique=True`` a template found more than once is an error too (which number would be
    meant?); with ``unique=False`` the first occurrence is returned.
    """
    found = find_quotes(text, template)
    what = f" ({purpose})" if purpose else ""
    if not found:
        raise RawDataError(file, f"quote not found{what}: expected text matching «{template}» "
                                 "({name} stands for a number, … for any text on the same line)")
    if unique and len(found) > 1:
        lines = ", ".join(str(q.line) for q in found)
        raise RawDataError(file, f"quote found {len(found)} times (lines {lines}){what}: «{template}»; "
                                 "make the template longer so it names one place", row=found[1].line)
    return found[0]


def squash(s: str) -> str:
    """Text without white space, with full-width brackets as ASCII (a label key)."""
    return re.sub(r"\s+", "", s).replace("（", "(").replace("）", ")")


# --------------------------------------------------------------------------- 表 2 layout
TABLE_TITLE = "表 2"
HEADER = ("指标类型", "序号", "数据类别", "发展目标")
GROUPS_EN = {"总体目标": "Overall targets", "产业培育": "Industry development", "重点举措": "Key measures"}
UNITS = ("亿人次", "万人次", "亿美元", "亿元", "万元", "%", "家", "个")
TARGET_CELL = re.compile(rf"^(?P<value>{NUMBER_PATTERN})\s*(?P<unit>{'|'.join(map(re.escape, UNITS))}|％)$")

#: The plan period (``规划期限为2021-2025年``): target year = its end, base year = the year before its start.
PLAN_PERIOD_QUOTE = "规划期限为{start}-{end}年"

KINDS = ("level", "share_of_gdp", "share", "average_growth_rate", "count_per_year", "count_per_county", "count")
QUALIFIERS = {"以上": "at_least", "左右": "approximately", "突破": "more_than", "超过": "more_than", "不低于": "at_least"}

#: Labels and text links of each 表 2 row, keyed by the printed indicator (white space removed).
#: ``id``: the catalogue indicator measured (or the target's own snake_case id);
#: ``en``: English label (default: the catalogue's ``name_en``);
#: ``sentence``: template of the sentence restating the target (``{value}`` = this target's number);
#: ``baseline``: template of the plan's own 2020 value (``{value}`` and ``{year}``);
#: ``numerator``: for a share of GDP, the indicator divided by GDP;
#: ``may_be_five_year_total``: the wording allows reading the target as a 2021–2025 total;
#: ``observed_as``: what an observation of this target must measure (for ``data_needed``).
#: No numbers here: every figure is read from the text.
TARGET_LABELS: dict[str, dict] = {
    "三产增加值": {
        "id": "tertiary_value_added",
        "sentence": "服务业增加值达到{value}亿元以上,增速保持年均{other}%左右",
        "baseline": "三产增加值由{y0}年的{v0}亿元增长到{year}年的{value}亿元",
    },
    "三产增加值占GDP增加值比重": {
        "id": "tertiary_share_of_gdp", "numerator": "tertiary_value_added",
        "sentence": "占地区生产总值比重持续保持{value}%以上",
        "baseline": "截止{year}年，昌吉州三产增加值比重为{value}%",
    },
    "服务业税收年平均增幅": {
        "id": "services_tax_revenue", "en": "Tax revenue from services, average annual growth",
        "sentence": "税收增长{value}%以上",
        "observed_as": "tax revenue from the services sector, 亿元, annual",
    },
    "三产就业人口占总就业人口比重": {
        "id": "tertiary_employment_share", "en": "Tertiary-sector employment, share of total employment",
        "sentence": "三产就业人口占总就业人口比重达到{value}%以上",
    },
    "年均新增规模以上服务企业": {
        "id": "new_above_scale_service_firms", "en": "New above-designated-size service enterprises per year",
        "sentence": "力争全州每年新增规模以上服务企业{value}家以上",
        "sentence_unique": False,
        "observed_as": "number of service enterprises newly entering the above-designated-size register in the year",
    },
    "数字经济增加值占服务业增加值比重": {
        "id": "digital_economy_share_of_services", "en": "Digital-economy value added, share of services value added",
        "sentence": "数字经济增加值占服务业增加值比重达到{value}%以上",
    },
    "旅游接待人数": {
        "id": "tourism_visits", "may_be_five_year_total": True,
        "sentence": "旅游接待人数{value}亿人次，旅游总收入突破{other}亿元",
    },
    "旅游总收入": {
        "id": "tourism_revenue", "may_be_five_year_total": True,
        "sentence": "旅游接待人数{other}亿人次，旅游总收入突破{value}亿元",
    },
    "培育或引进A级物流企业": {
        "id": "a_grade_logistics_firms", "en": "A-grade (or higher) logistics enterprises",
        "sentence": "A级物流企业达到{value}家以上",
        "baseline": "截止{year}年，…（A级以上物流企业{value}家）",
        "observed_as": "number of logistics enterprises rated A-grade or higher (stock at year end)",
    },
    "社会消费品零售总额": {
        "id": "retail_sales_total",
        "sentence": "社会消费品零售总额达到{value}亿元以上，年均增长达到{other}%以上",
        "baseline": "{year}年，面对新冠肺炎疫情的严重冲击，…实现社会消费品零售总额{value}亿元",
    },
    "社会消费品零售年均增长率": {
        "id": "retail_sales_total", "en": "Total retail sales of consumer goods, average annual growth",
        "sentence": "社会消费品零售总额达到{other}亿元以上，年均增长达到{value}%以上",
    },
    "全州金融业增加值": {
        "id": "finance_value_added",
        "sentence": "全州金融业增加值达到{value}亿元以上，占GDP比重达到{other}%左右",
        "baseline": "金融业增加值从{y0}年的{v0}亿元增加到{year}年的{value}亿元",
    },
    "全州金融业占GDP比重": {
        "id": "finance_share_of_gdp", "numerator": "finance_value_added",
        "sentence": "全州金融业增加值达到{other}亿元以上，占GDP比重达到{value}%左右",
        "baseline": "金融业增加值占GDP的比重由{y0}年的{v0}%增加到{year}年的{value}%",
    },
    "组建新型研发服务机构": {
        "id": "new_rd_service_institutions", "en": "New-type R&D service institutions established",
        "sentence": "组建新型研发服务机构（创新联合体）{value}个",
        "observed_as": "cumulative number of new-type R&D service institutions (innovation consortia) set up since the plan began",
    },
    "技术市场服务成交金额": {
        "id": "technology_market_turnover", "en": "Technology-market transaction value",
        "sentence": "技术市场服务成交金额达到{value}万以上",
    },
    "每个县(市)群众体育服务品牌": {
        "id": "mass_sports_brands_per_county", "en": "Mass-sports service brands in each county/city",
        "sentence": "每个县（市）至少有{value}个以上群众体育服务品牌",
        "observed_as": "number of mass-sports service brands in the county/city that has the fewest",
    },
    "每年开工建设投资亿元以上服务业项目": {
        "id": "services_projects_started", "en": "Services projects of CNY 100 million or more started per year",
        "sentence": "力争每年开工建设投资亿元以上服务业项目{value}个左右",
        "observed_as": "number of services projects with investment of 亿元 or more started in the year",
    },
    "每个县(市)建成重点特色服务街区": {
        "id": "featured_service_streets_per_county", "en": "Featured service streets built in each county/city",
        "sentence": "每个县市建成{value}个以上重点特色街区和服务业类小微企业园区",
        "observed_as": "number of featured service streets built since 2021 in the county/city that has the fewest",
    },
    "每个县(市)建成服务业类小微企业园区": {
        "id": "services_smb_parks_per_county", "en": "Service-sector small and micro enterprise parks in each county/city",
        "sentence": "每个县市建成{value}个以上重点特色街区和服务业类小微企业园区",
        "observed_as": "number of service-sector small/micro enterprise parks built since 2021 in the county/city that has the fewest",
    },
}

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
    q = find_quote(text, PLAN_PERIOD_QUOTE, file, "plan period")
    start, end = int(q.value("start")), int(q.value("end"))
    if end <= start:
        raise RawDataError(file, f"plan period {start}-{end} does not run forward", row=q.line)
    return start - 1, end


def _qualifier(quote: Quote) -> str | None:
    """The qualifier printed next to the target's number in a restating sentence (以上, 左右, 突破)."""
    a, b = quote.span_of("value")
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
        if group_cell:
            if group_cell not in GROUPS_EN:
                raise RawDataError(file, f"unknown group {group_cell!r}; expected one of {', '.join(GROUPS_EN)}",
                                   row=line_no, column=HEADER[0])
            group = group_cell
        elif group is None:
            raise RawDataError(file, "the first row must name its group", row=line_no, column=HEADER[0])
        if not re.fullmatch(r"\d+", id_cell):
            raise RawDataError(file, f"expected the row number {expected_id}, found {id_cell!r}", row=line_no, column=HEADER[1])
        if int(id_cell) != expected_id:
            raise RawDataError(file, f"row number {id_cell} out of sequence: expected {expected_id} (a row is missing or repeated)",
                               row=line_no, column=HEADER[1])
        expected_id += 1
        if not label:
            raise RawDataError(file, "indicator name is empty", row=line_no, column=HEADER[2])
        key = squash(label)
        if key in seen:
            raise RawDataError(file, f"indicator {label!r} appears twice (also line {seen[key]})", row=line_no, column=HEADER[2])
        seen[key] = line_no
        meta = TARGET_LABELS.get(key)
        if meta is None:
            raise RawDataError(file, f"unknown indicator {label!r}: add its labels to TARGET_LABELS in analysis/targets.py",
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
            raise RawDataError(file, f"no English label for {label!r}: add 'en' to TARGET_LABELS", row=line_no, column=HEADER[2])
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
        q = find_quote(text, meta["baseline"], file, f"{base_year} baseline of {label}")
        if int(q.value("year")) != base_year:
            raise RawDataError(file, f"baseline quote for {label} gives the year {q.printed['year']}, but the plan's base "
                                     f"year is {base_year}: «{q.text}»", row=q.line)
        rec["baseline_2020"] = q.value("value")
        rec["baseline_source"] = q.text
        rec["baseline_line"] = q.line
    if "sentence" in meta:
        q = find_quote(text, meta["sentence"], file, f"sentence restating target {rec['target_id']} {label}",
                       unique=meta.get("sentence_unique", True))
        rec["plan_sentence"] = q.text
        rec["plan_sentence_line"] = q.line
        rec["plan_sentence_value"] = q.value("value")
        rec["plan_sentence_agrees"] = q.value("value") == rec["target_value"]
        word = _qualifier(q)
        rec["plan_qualifier_zh"] = word
        rec["plan_qualifier"] = QUALIFIERS.get(word) if word else None


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """Verify the plan file against its provenance record, read it and :func:`parse_targets` it."""
    path = PLAN_TEXT if path is None else path
    provenance.verify_raw_file(path)
    return parse_targets(read_utf8_text(path), relative(path))
