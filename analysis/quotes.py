"""Finding the plan's own words: quote templates, matched verbatim in the plan text, and the one
registry of the quotes the project reads (``analysis/plan_quotes.yml``).

A *quote template* is the plan's wording with ``{name}`` where a number stands and ``…`` for any
text on the same line (:func:`compile_quote`). :func:`find_quote` returns the one place it matches,
with the numbers as printed; a template not found (or found twice) stops with a
:class:`~analysis.errors.RawDataError`. Nothing is filled in by hand: every figure taken from the
plan is read through a quote. :mod:`analysis.targets` (表 2's baselines and sentences) and
:mod:`analysis.audit` (the consistency checks) take their templates from the registry by id
(:func:`plan_quote`), so a wording is written once.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

from analysis.errors import RawDataError
from analysis.paths import PLAN_QUOTES, relative
from analysis.yaml_files import load_yaml

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


@lru_cache(maxsize=1)
def registry() -> dict[str, str]:
    """Quote id → template, from ``analysis/plan_quotes.yml`` (an entry ``{quote, before, after}``
    expanded to its full wording). An unknown reference or a malformed entry is an error."""
    raw = load_yaml(PLAN_QUOTES)
    name = relative(PLAN_QUOTES)
    out: dict[str, str] = {}
    for quote_id, entry in raw.items():
        if isinstance(entry, str):
            out[quote_id] = entry
        elif isinstance(entry, dict) and set(entry) <= {"quote", "before", "after"} and isinstance(raw.get(entry.get("quote")), str):
            out[quote_id] = entry.get("before", "") + raw[entry["quote"]] + entry.get("after", "")
        else:
            raise RawDataError(name, f"quote {quote_id!r}: expected a template or {{quote: <id of a template>, before: …, "
                                     f"after: …}}, found {entry!r}")
    return out


def placeholders(template: str) -> set[str]:
    """The ``{name}`` placeholders of a template.

    >>> sorted(placeholders("规划期限为{start}-{end}年"))
    ['end', 'start']
    """
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def plan_quote(quote_id: str) -> str:
    """The template registered under ``quote_id`` in ``analysis/plan_quotes.yml``.

    >>> plan_quote("finance_13th_rate").startswith(plan_quote("finance_13th"))
    True
    """
    quotes = registry()
    if quote_id not in quotes:
        raise KeyError(f"no quote {quote_id!r} in {relative(PLAN_QUOTES)}")
    return quotes[quote_id]
