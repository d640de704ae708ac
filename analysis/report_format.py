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


def fmt_amount(value, unit, language: str, decimals: int = 2) -> str:
    """A value with its unit as plain text, written as :meth:`Writer.amount` writes it
    (``830 亿元`` / ``830 (CNY 100 million)``, ``30.23%``); a missing value is ``—``."""
    if is_missing(value):
        return "—"
    if unit == "%":
        return words.text("amount.percent", language, value=fmt_number(value, decimals))
    return words.text("amount.unit", language, value=fmt_number(value, decimals), unit=unit_name(unit, language))


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

    # words
    def t(self, key: str, **params) -> Markup:
        """The message ``key`` with ``params`` escaped (Markup params are kept as markup)."""
        words.text(key, self.lang, **{k: "" for k in params})  # names a missing key or parameter
        template = words.catalogue()[key][self.lang]
        return Markup(escape(template)).format(**{k: self.value(v) for k, v in params.items()})

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

    def unit(self, unit) -> str:
        return unit_name(unit, self.lang)

    def amount(self, value, unit, decimals: int = 2) -> Markup:
        """A value with its unit in the reader's language (``830 亿元`` / ``830 (CNY 100 million)``):
        :func:`fmt_amount`, escaped (Chinese marked in the English edition)."""
        return self.foreign(fmt_amount(value, unit, self.lang, decimals))

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
        """Readable citations of ``source_ids`` (in order, once each), recording ``where`` they are used."""
        out = []
        for sid in dict.fromkeys(s for s in source_ids if isinstance(s, str) and s):
            src = self.sources.get(sid)
            if src is None:
                raise KeyError(f"source {sid!r} is not in data/raw/provenance.yml")
            self.used_by.setdefault(sid, [])
            if where not in self.used_by[sid]:
                self.used_by[sid].append(where)
            out.append({"anchor": f"source-{sid}", "text": self.citation(sid)})
        return out

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
            text = re.sub(rf"(\d) ?{re.escape(unit)}", rf"\1 ({english})", text)  # 830 亿元 → 830 (CNY 100 million)
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
