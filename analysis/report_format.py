"""How the report writes: words from the catalogue in one language, values formatted and escaped,
Chinese marked as quotations of the original in the English edition, figures and tables numbered,
citations recorded; and the blocks the templates print (paragraph, list, figure, table).

:class:`Writer` is created once per edition by :func:`analysis.report_context.build_context` (and
the final report's builder, :mod:`analysis.final_report`); the section builders there say *what*
the report says, this module *how* a value, a unit, a note or a citation is shown. Numbers are
formatted here, never computed: fractions (0.0931) are shown as percentages (``9.3%``), missing
values as ``—``.
"""
from __future__ import annotations

import math
import re

import pandas as pd
from markupsafe import Markup, escape

from analysis import catalogue, labels, words
from analysis.bureau_table import REGION_CODES

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》〔〕]+(?:[\s\d.,%·()（）:：\-–]*[\u3400-\u9fff“”《》〔〕]+)*")
HAS_CJK = re.compile(r"[\u3400-\u9fff]")
_SERIES_SOURCE = re.compile(r"(?P<year>\d{4}):(?P<source>[\w.-]+)\((?P<quality>\w+),(?P<qualifier>\w+)\)")


def is_missing(x) -> bool:
    """Whether a cell is empty: None, NaN or a pandas missing value (an empty string is not)."""
    return x is None or (isinstance(x, float) and math.isnan(x)) or (not isinstance(x, str) and pd.isna(x))


def fmt_number(value, decimals: int = 2) -> str:
    """A number with thousands separators; a missing value is ``—``.

    >>> fmt_number(563.51), fmt_number(float("nan")), fmt_number(1500, 0)
    ('563.51', '—', '1,500')
    """
    return "—" if is_missing(value) else f"{float(value):,.{decimals}f}"


def fmt_pct(fraction, decimals: int = 1) -> str:
    """A fraction (0.0931) as a percentage (``9.3%``); a missing value is ``—``."""
    return "—" if is_missing(fraction) else f"{float(fraction) * 100:.{decimals}f}%"


def unit_name(unit, language: str) -> str:
    """A unit as the reader's language writes it (``亿元`` / ``CNY 100 million``); ``""`` if missing."""
    return "" if is_missing(unit) else labels.unit(str(unit), language)




def compact_amount(number: float) -> str:
    """A count in words to three significant figures (Babel, English): ``70.4 billion``,
    ``547 million``, ``42.3 million``; below a million written in full (``83,036``).

    >>> compact_amount(70_411_000_000), compact_amount(547_000_000), compact_amount(42_266_400), compact_amount(83_036)
    ('70.4 billion', '547 million', '42.3 million', '83,036')
    """
    from babel.numbers import format_compact_decimal, format_decimal

    if abs(number) < 1e6:
        return format_decimal(round(number), locale="en")
    exponent = 3 * (int(math.floor(math.log10(abs(number)))) // 3)  # thousands, millions, billions
    mantissa = abs(number) / 10 ** exponent
    digits = max(0, 2 - int(math.floor(math.log10(mantissa))))  # three significant figures
    return format_compact_decimal(number, format_type="long", locale="en", fraction_digits=digits)


def fmt_amount(value, unit, language: str, decimals: int = 2) -> str:
    """A value with its unit as plain text, written as :meth:`Writer.amount` writes it: in Chinese
    in the plan's unit (``830 亿元``, ``30.23%``); in English scaled as an English reader counts,
    to three significant figures (``CNY 83 billion``, ``42.3 million visits``, ``USD 547 million``;
    :data:`labels.SCALED_UNITS`). ``decimals`` applies to the Chinese form and to percentages. A missing
    value is ``—``.

    >>> fmt_amount(704.11, "亿元", "zh"), fmt_amount(704.11, "亿元", "en"), fmt_amount(4226.64, "万人次", "en")
    ('704.11 亿元', 'CNY 70.4 billion', '42.3 million visits')
    """
    if is_missing(value):
        return "—"
    if unit == "%":
        return words.text("amount.percent", language, value=fmt_number(value, decimals))
    if language == "en" and unit in labels.SCALED_UNITS:
        size, key, _, _ = labels.SCALED_UNITS[unit]
        return words.text(key, language, amount=compact_amount(float(value) * size))
    return words.text("amount.unit", language, value=fmt_number(value, decimals), unit=unit_name(unit, language))


def exact_amount(number: str, unit: str) -> str:
    """An amount printed in a Chinese unit (``307.3`` 亿元) written in English without losing a digit
    (``CNY 30.73 billion``): the plan's arithmetic in the audit must stay checkable to its last digit.

    >>> exact_amount("307.3", "亿元"), exact_amount("1,386.5", "亿元"), exact_amount("0.20", "亿人次"), exact_amount("5.47", "亿美元")
    ('CNY 30.73 billion', 'CNY 138.65 billion', '20 million visits', 'USD 547 million')
    """
    from decimal import Decimal

    from babel.numbers import format_compact_decimal, format_decimal

    size, key, _, _ = labels.SCALED_UNITS[unit]
    count = Decimal(number.replace(",", "")) * Decimal(str(size))
    if abs(count) < Decimal(10) ** 6:
        return words.text(key, "en", amount=format_decimal(count.normalize(), locale="en"))
    exponent = 3 * ((len(str(int(abs(count)))) - 1) // 3)
    digits = max(0, -(count / Decimal(10) ** exponent).normalize().as_tuple().exponent)
    return words.text(key, "en", amount=format_compact_decimal(count, format_type="long", locale="en", fraction_digits=digits))


def fmt_amount_exact(value, unit, language: str, decimals: int = 2) -> str:
    """An amount to the digit, for a researcher comparing scenarios (the explorer): in Chinese as
    :func:`fmt_amount`; in English scaled without rounding (704.11 亿元 → ``CNY 70.411 billion``).

    >>> fmt_amount_exact(704.11, "亿元", "en"), fmt_amount_exact(704.11, "亿元", "zh")
    ('CNY 70.411 billion', '704.11 亿元')
    """
    if language == "en" and unit in labels.SCALED_UNITS and not is_missing(value):
        return exact_amount(fmt_number(value, decimals), unit)
    return fmt_amount(value, unit, language, decimals)


def fmt_number_exact(value, unit, language: str, decimals: int = 2) -> str:
    """A number in the unit :func:`fmt_amount_exact` writes it in (English: the scaled unit's count, to the digit).

    >>> fmt_number_exact(754.45, "亿元", "en"), fmt_number_exact(754.45, "亿元", "zh")
    ('75.445', '754.45')
    """
    if language == "en" and unit in labels.SCALED_UNITS and not is_missing(value):
        from decimal import Decimal

        size = Decimal(str(labels.SCALED_UNITS[unit][0]))
        count = Decimal(fmt_number(value, decimals).replace(",", "")) * size
        top = Decimal(10) ** (9 if abs(count) >= 10 ** 9 else 6 if abs(count) >= 10 ** 6 else 0)
        return f"{(count / top).normalize():,f}"
    return fmt_number(value, decimals)


#: an amount the English words still write in the plan's unit, "307.3 (CNY 100 million)" (a stored note or
#: audit message); ``english_amounts`` rewrites it as :func:`exact_amount` does
_PLAN_UNIT_AMOUNT = re.compile(r"(?P<number>\d[\d,]*(?:\.\d+)?) \((?P<unit>[^()]+)\)")


def english_amounts(text: str) -> str:
    """English text with every ``number (plan unit)`` written as an English reader counts, to the digit
    (:func:`exact_amount`); other parentheses are left alone.

    >>> english_amounts("reaches only 307.3 (CNY 100 million) (by 2025)")
    'reaches only CNY 30.73 billion (by 2025)'
    """
    names = {labels.unit(u, "en"): u for u in labels.SCALED_UNITS if u in labels.UNIT_KEYS}

    def scaled(m: re.Match) -> str:
        unit = names.get(m["unit"])
        return exact_amount(m["number"], unit) if unit else m.group(0)
    # once scaled, the plan's "0.20 亿人次（2,000 万人次）" says the same amount twice: said once
    return _SAID_TWICE.sub(r"\g<amount>\g<per>", _PLAN_UNIT_AMOUNT.sub(scaled, text))


#: an English amount followed (after "a year") by itself in parentheses
_SAID_TWICE = re.compile(r"(?P<amount>(?:(?:CNY|USD) )?\d[\d,.]*(?: (?:billion|million))?(?: visits)?)(?P<per> a year)? \((?P=amount)\)")


def fmt_amount_range(low, high, unit, language: str) -> str:
    """A range of amounts in prose: ``750–940 亿元`` / ``CNY 75–94 billion`` (both ends on the scale
    of the upper one, three significant figures at most); ``—`` if either end is missing.

    >>> fmt_amount_range(750, 940, "亿元", "zh"), fmt_amount_range(750, 940, "亿元", "en")
    ('750–940 亿元', 'CNY 75–94 billion')
    """
    from babel.numbers import format_decimal

    if is_missing(low) or is_missing(high):
        return "—"
    if language == "en" and unit in labels.SCALED_UNITS:
        size, key, _, _ = labels.SCALED_UNITS[unit]
        top = compact_amount(float(high) * size)
        word = top.split(" ")[-1] if " " in top else ""
        scale = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}.get(word, 1.0)
        low_text = format_decimal(float(low) * size / scale, format="#,##0.##", locale="en")
        return words.text(key, language, amount=f"{low_text}–{top}")
    d = max(decimals_of(low), decimals_of(high))
    both = words.text("range", language, low=fmt_number(low, d), high=fmt_number(high, d))
    if unit == "%":
        return words.text("amount.percent", language, value=both)
    return words.text("amount.unit", language, value=both, unit=unit_name(unit, language))


def fmt_date(value, language: str) -> str:
    """An ISO date, day or month (``2022-09-26``, ``2026-11``), as the language writes dates
    (``2022年9月26日`` / ``September 26, 2022``; ``2026年11月`` / ``November 2026``); anything else as is."""
    import datetime

    from babel.dates import format_skeleton

    text = str(value)
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text):
        return text
    day = datetime.date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    return format_skeleton("yMMMMd" if len(text) == 10 else "yMMMM", day, locale="zh" if language == "zh" else "en")


def _latest_access(provenance: dict) -> str | None:
    """The latest access date of the registered sources (``accessed``, ISO day or month), None if none."""
    dates = [str(s.get("accessed")) for s in provenance.get("sources", {}).values() if s.get("accessed")]
    return max((d for d in dates if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", d)), default=None)


def cutoff_year(provenance: dict) -> int | None:
    """The year of the data cut-off (:func:`data_cutoff`), None without access dates."""
    latest = _latest_access(provenance)
    return int(latest[:4]) if latest else None


#: recommendations that look to the plan's own mid-term adjustment, and what they become when the sources
#: were collected after the plan period ended (:attr:`Writer.plan_over`): they look to the final evaluation
#: and the next five-year plan instead
AFTER_THE_PLAN = {
    "recommendation.below": "recommendation.below.after_plan",
    "recommendation.pace_gap": "recommendation.pace_gap.after_plan",
    "recommendation.target_conflict": "recommendation.target_conflict.after_plan",
    "recommendation.audit.plan_inconsistent": "recommendation.audit.plan_inconsistent.after_plan",
    "recommendation.audit.retail_target_rate": "recommendation.audit.retail_target_rate.after_plan",
    "recommendation.audit.plan_ambiguous": "recommendation.audit.plan_ambiguous.after_plan",
    "recommendation.plan_inconsistent": "recommendation.plan_inconsistent.after_plan",
    "recommendation.plan_ambiguous": "recommendation.plan_ambiguous.after_plan",
    "recommendation.audit.finance_growth_13th": "recommendation.audit.finance_growth_13th.after_plan",
    "recommendation.audit.finance_target_gdp": "recommendation.audit.finance_target_gdp.after_plan",
    "recommendation.audit.tourism_reading": "recommendation.audit.tourism_reading.after_plan",
}


def data_cutoff(provenance: dict, language: str) -> str:
    """The data cut-off: the latest access date of the registered sources (``accessed``, a month or a
    day), written as :func:`fmt_date` writes it; ``—`` if none."""
    latest = _latest_access(provenance)
    return fmt_date(latest, language) if latest else "—"


def cutoff_words(provenance: dict, latest, year: int, language: str) -> str:
    """The cover's data cut-off line: the cut-off (:func:`data_cutoff`), the latest full-year year found
    (``latest``, ``None`` when none) and what that means for the evaluated ``year``: newer figures left
    out, or none found after it, or none yet for the years up to it."""
    date = data_cutoff(provenance, language)
    if latest is None or is_missing(latest):
        return words.text("report.meta.cutoff.none", language, date=date, year=year)
    latest = int(latest)
    key = "report.meta.cutoff" if latest > year else "report.meta.cutoff.latest" if latest == year \
        else "report.meta.cutoff.short_one" if latest + 1 == year else "report.meta.cutoff.short"
    return words.text(key, language, date=date, latest=latest, next=latest + 1, year=year)


def table_unit(unit, language: str) -> str:
    """The unit a table column states: the plan's unit in Chinese; in English the scaled unit of
    :data:`labels.SCALED_UNITS` (``CNY billion``, ``million visits``), else the unit's English name."""
    if is_missing(unit):
        return ""
    if language == "en" and unit in labels.SCALED_UNITS:
        return words.text(labels.SCALED_UNITS[unit][2], language)
    return unit_name(unit, language)


def table_number(value, unit, language: str, decimals: int = 2) -> str:
    """A table cell in :func:`table_unit`'s unit: as is in Chinese; scaled in English (704.11 亿元
    → ``70.41`` CNY billion), keeping ``decimals`` (a whole scaled number, as a target, has none).

    >>> table_number(704.11, "亿元", "en"), table_number(830, "亿元", "en", 0), table_number(1, "亿人次", "en", 0)
    ('70.41', '83', '100')
    """
    if is_missing(value):
        return "—"
    if language == "en" and unit in labels.SCALED_UNITS:
        scaled = round(float(value) * labels.SCALED_UNITS[unit][3], 10)
        return fmt_number(scaled, decimals_of(scaled) if decimals == 0 else decimals)
    return fmt_number(value, decimals)


def fmt_year(value) -> str:
    """A year read from a table (``2023.0`` → ``2023``); a missing value is ``—``."""
    return "—" if is_missing(value) else str(int(value))


class Writer:
    """Catalogue text in one language, with escaping and numbering of figures and tables."""

    def __init__(self, language: str, provenance: dict):
        if language not in words.LANGUAGES:
            raise ValueError(f"language {language!r}: allowed values are {', '.join(words.LANGUAGES)}")
        self.lang = language
        self.sources = provenance.get("sources", {})
        self.figures = 0
        self.tables = 0
        self.used_by: dict[str, list[str]] = {}   # source id → ["Figure 3", "Table 2", …]
        self.numbers: dict[str, set[str]] = {}    # source id → {"Tertiary value added 2023", …}
        self.source_numbers: dict[str, int] = {}  # source id → [n], in the order of first citation
        self.notes: dict[str, int] = {}           # a note's text → its number (①), once per report
        self._pending_notes: list[tuple[int, Markup]] = []
        self.plan_over = False  # the sources were collected after the plan period ended (set by the report)

    # words
    def t(self, key: str, **params) -> Markup:
        """The message ``key`` with ``params`` escaped (Markup params are kept as markup); a recommendation
        of :data:`AFTER_THE_PLAN` in its later form when :attr:`plan_over`."""
        if self.plan_over:
            key = AFTER_THE_PLAN.get(key, key)
        words.text(key, self.lang, **{k: "" for k in params})  # names a missing key or parameter
        template = words.catalogue()[key][self.lang]
        text = Markup(escape(template)).format(**{k: self.value(v) for k, v in params.items()})
        # an amount a stored message still writes in the plan's unit, written as the English reader counts
        return Markup(english_amounts(str(text))) if self.lang == "en" and "(" in text else text

    def value(self, v):
        """A parameter as shown: a nested message in this language; Chinese words in the English
        edition marked as quotations."""
        if isinstance(v, (words.Message, list)) or (isinstance(v, dict) and set(v) == {"$message"}):  # a list: joined per language
            return escape(words.param(v, self.lang))
        if isinstance(v, Markup) or not isinstance(v, str):
            return v
        return self.foreign(v)

    def foreign(self, text: str) -> Markup:
        """``text`` escaped; in the English edition its Chinese runs become ``<q lang="zh">``."""
        if self.lang == "zh" or not HAS_CJK.search(text):
            return escape(text)
        out, last = [], 0
        for m in _CJK.finditer(text):
            out.append(escape(text[last:m.start()]))
            out.append(Markup('<q lang="zh">{}</q>').format(m.group(0).strip("“”")))
            last = m.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)

    def render(self, message) -> Markup:
        key, params = (message, {}) if isinstance(message, str) else message
        return self.t(key, **dict(params))

    def join(self, items, key: str = "list.separator") -> Markup:
        return Markup(self.t(key)).join(items)

    def sentences(self, parts) -> Markup:
        """Sentences of the catalogue run together as the language does (Chinese: no space; English: one)."""
        return self.join([p for p in parts if p], "list.sentences")

    def in_sentence(self, name) -> Markup:
        """A name as it reads inside an English sentence: its capital lowered unless it starts an acronym
        (``Tertiary value added, share of GDP`` → ``tertiary value added, share of GDP``; ``GDP`` stays)."""
        text = str(name)
        first = re.split(r"[ -]", text)[0]
        if self.lang != "en" or not (first.isalpha() and first[0].isupper() and first[1:].islower()):
            return name if isinstance(name, Markup) else escape(text)  # GDP, R&D, A-grade keep their capitals
        return escape(text[0].lower() + text[1:])

    def unit(self, unit) -> str:
        return unit_name(unit, self.lang)

    def amount(self, value, unit, decimals: int = 2) -> Markup:
        """A value with its unit in the reader's language (``830 亿元`` / ``830 (CNY 100 million)``):
        :func:`fmt_amount`, escaped (Chinese marked in the English edition)."""
        return self.foreign(fmt_amount(value, unit, self.lang, decimals))

    def amount_range(self, low, high, unit) -> Markup:
        """:func:`fmt_amount_range`, escaped (Chinese marked in the English edition)."""
        return self.foreign(fmt_amount_range(low, high, unit, self.lang))

    def region(self, code, first: bool = False) -> Markup:
        """A region's name; in the English edition its first mention adds the Chinese name."""
        name = labels.region(code, self.lang, full=first)
        if first and self.lang == "en":
            return self.t("region.with_original", name=name, original=Markup('<q lang="zh" class="name">{}</q>').format(
                labels.region(code, "zh", full=True)))
        return escape(name)

    # numbering and citations
    def next_figure(self) -> tuple[int, Markup]:
        self.figures += 1
        return self.figures, self.t("figure.label", n=self.figures)

    def next_table(self) -> tuple[int, Markup]:
        self.tables += 1
        return self.tables, self.t("table.label", n=self.tables)

    def cite(self, source_ids, where: str) -> list[dict]:
        """Numbered references (``[3]``) to ``source_ids`` (in order, once each), recording ``where``
        they are used; a source's number is the order of its first citation in the report, and the
        sources annex lists them by it (the reference's ``title`` holds the readable citation)."""
        out = []
        for sid in dict.fromkeys(s for s in source_ids if isinstance(s, str) and s):
            src = self.sources.get(sid)
            if src is None:
                raise KeyError(f"source {sid!r} is not in data/raw/provenance.yml")
            self.used_by.setdefault(sid, [])
            if where not in self.used_by[sid]:
                self.used_by[sid].append(where)
            out.append({"anchor": f"source-{sid}", "text": self.reference(sid), "title": Markup(self.citation(sid)).striptags()})
        return out

    def reference(self, sid: str) -> Markup:
        """``[n]``: the source's number in the sources annex, given at its first citation."""
        n = self.source_numbers.setdefault(sid, len(self.source_numbers) + 1)
        return self.t("cite.reference", n=n)

    # numbered notes: each caveat is written once
    def note(self, text) -> Markup:
        """A link to the numbered note (①) holding ``text``: the same text always gets the same number,
        and is defined once, at the end of the section where it is first used (:meth:`flush_notes`)."""
        text = Markup(text)
        n = self.notes.get(str(text))
        if n is None:
            n = self.notes[str(text)] = len(self.notes) + 1
            self._pending_notes.append((n, text))
        return Markup('<a class="note-ref" href="#note-{}">{}</a>').format(n, note_mark(n))

    def flush_notes(self) -> list[dict]:
        """The notes first used since the last flush, as a ``notes`` block (none if there are none)."""
        if not self._pending_notes:
            return []
        items = [{"anchor": f"note-{n}", "mark": note_mark(n), "text": text} for n, text in self._pending_notes]
        self._pending_notes = []
        return [{"kind": "notes", "title": self.t("notes.title"), "items": items}]

    def citation(self, sid: str) -> Markup:
        src = self.sources[sid]
        date = str(src.get("date") or "")
        year = date[:4] if re.match(r"\d{4}", date) else self.t("cite.no_year")
        return self.t("cite.label", short=self.source_name(sid), year=year, quality=labels.quality(src["quality"], self.lang))

    def source_name(self, sid: str) -> Markup:
        """A source as a reader names it: its short name in this language; without one (a source just
        registered by ``make add-figure``) its publisher, then its title (Chinese edition) or English
        title; never the internal id."""
        src = self.sources[sid]
        if self.lang == "zh":
            candidates = (src.get("short_zh"), src.get("publisher_zh"), src.get("issuer"), src.get("title_zh"))
        else:
            candidates = (src.get("short_en"), src.get("publisher_en"), src.get("issuer_en"), src.get("title_en"))
        name = next((str(c) for c in candidates if isinstance(c, str) and c.strip()), None)
        return self.t("cite.unnamed") if name is None else self.foreign(name)


def note_mark(n: int) -> str:
    """The mark of note ``n``: ①…⑳, then ``(21)``.

    >>> note_mark(1), note_mark(20), note_mark(21)
    ('①', '⑳', '(21)')
    """
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"


_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9'’.,:;/&()\- ]*[A-Za-z0-9)]")


def mark_latin(text: str) -> Markup:
    """A Chinese original title whose Latin-script words (site names, English titles) are marked ``lang="en"``."""
    out, last = [], 0
    for m in _LATIN.finditer(text):
        if not re.search(r"[A-Za-z]{3,}", m.group(0)):
            continue
        out += [escape(text[last:m.start()]), Markup('<span lang="en">{}</span>').format(m.group(0))]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def table_cell(c):
    """A table cell: missing values (None, NaN, empty) are ``—``."""
    if c is None or (isinstance(c, str) and c.strip() in ("", "nan")) or (isinstance(c, float) and math.isnan(c)):
        return Markup("—")
    return c


def quoted(text: str, lang: str) -> Markup:
    return Markup('<q lang="{}">{}</q>').format(lang, text)


def cited_title(text: str, lang: str) -> Markup:
    return Markup('<cite lang="{}">{}</cite>').format(lang, text)


def series_sources(text) -> list[dict]:
    """The sources of a scenario series, from its ``series_sources`` column.

    >>> series_sources("2015:cj_plan_2022_97(official,exact);2023:yaliqi_x(encyclopedia_blog,exact)")[1]["source"]
    'yaliqi_x'
    """
    if not isinstance(text, str):
        return []
    return [m.groupdict() | {"year": int(m["year"])} for m in _SERIES_SOURCE.finditer(text)]


def paragraph_block(text) -> dict:
    return {"kind": "paragraph", "text": text}


def list_block(items) -> dict:
    return {"kind": "list", "items": list(items)}


def figure_block(w: Writer, file: str, caption, source_ids) -> dict:
    n, label = w.next_figure()
    return {"kind": "figure", "number": n, "label": label, "caption": caption, "file": file,
            "title": w.t("caption.numbered", label=label, caption=caption),
            "citations": w.cite(source_ids, str(label))}


def table_block(w: Writer, caption, columns, rows, source_ids, note=None) -> dict:
    n, label = w.next_table()
    return {"kind": "table", "number": n, "label": label, "caption": caption, "columns": columns,
            "title": w.t("caption.numbered", label=label, caption=caption),
            "rows": [[table_cell(c) for c in r] for r in rows],
            "citations": w.cite(source_ids, str(label)), "note": note}


def decimals_of(x) -> int:
    return 0 if not is_missing(x) and float(x) == int(float(x)) else 2 if is_missing(x) else len(f"{float(x):g}".split(".")[-1])


def years_list(w: Writer, value) -> Markup:
    """A comma-separated list of years as read from CSV (``2021`` is read as a number), or ``—``."""
    if is_missing(value) or str(value).strip() == "":
        return Markup("—")
    years = [str(int(float(y))) for y in str(value).split(",") if y.strip()]
    return w.join(years)


def note_param(w: Writer, name: str, value):
    """A parameter of a note in the reader's language: a unit, indicator or source by its name,
    Chinese words in the English edition in English where they are units or references."""
    if not isinstance(value, str):
        return value
    if name == "unit" and value in labels.UNIT_KEYS:
        return labels.unit(value, w.lang)
    if name in ("numerator", "indicator") and value in indicator_ids():
        return labels.indicator(value, w.lang)
    if name.startswith("source") and value in w.sources:
        return w.source_name(value)
    return english_units(value) if w.lang == "en" else value


def status_code(r: pd.Series, column: str) -> str:
    from_en = {words.text(f"status.{s}", "en"): s for s in labels.STATUSES}
    return from_en.get(r[column], "no_data")


def english_units(text: str) -> str:
    """Units, region names and references to the plan's tables written in Chinese inside an
    English data string, in English (what is left in Chinese is the plan's own wording)."""
    text = re.sub(r"表 ?([12])（第 ?(\d+) ?行）", r"Table \1 of the plan (line \2)", text)
    text = re.sub(r"表 ?([12])", r"Table \1 of the plan", text)
    text = re.sub(r"^正文：", "text: ", text)
    text = text.replace("：", ": ")
    for unit in sorted(labels.UNIT_KEYS, key=len, reverse=True):
        if unit != "%" and HAS_CJK.search(unit):
            english = labels.unit(unit, "en")
            # 830 亿元 → CNY 83 billion, as the English edition writes every amount (fmt_amount)
            text = re.sub(rf"(\d[\d,]*(?:\.\d+)?) ?{re.escape(unit)}",
                          lambda m, u=unit: fmt_amount(float(m.group(1).replace(",", "")), u, "en"), text)
            text = re.sub(rf"(?<= ){re.escape(unit)}", english, text)  # "亿元 or more", "…, 亿元, annual"
    for code in REGION_CODES:
        text = text.replace(labels.region(code, "zh"), labels.region(code, "en"))
    return text


def stored_message(w: Writer, stored, target_names=None) -> Markup:
    """Messages stored as JSON beside an English note (:func:`analysis.words.to_json`), in the reader's language;
    a message about a 表 2 target (``no``) names its indicator as ``target_names`` (target id → name) does."""
    parts = []
    for key, params in words.from_json(stored):
        if target_names is not None and "no" in params and "indicator" in params and params["no"] in target_names:
            params = params | {"indicator": target_names[params["no"]]}
        parts.append(note_text(w, key, params))
    return w.join(parts, "list.semicolon") if parts else Markup("—")


def note_text(w: Writer, key: str, params: dict) -> Markup:
    """One stored message; its parameters (nested messages too) as :func:`note_param` shows them."""
    def shown(name, value):
        if isinstance(value, dict) and set(value) == {"$message"}:
            return note_text(w, *value["$message"])
        return note_param(w, name, value)
    return w.t(key, **{k: shown(k, v) for k, v in dict(params).items()})


def indicator_ids() -> set[str]:
    return set(catalogue.catalogue()["indicators"])
