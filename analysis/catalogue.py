"""Bilingual indicator and region labels, read from ``analysis/indicators.yml``."""
from __future__ import annotations

import re
from functools import lru_cache

from analysis.paths import INDICATORS, relative
from analysis.yaml_files import parse_yaml

#: the region the plan is about (GB/T 2260 code of 昌吉回族自治州); the others are its comparators
SUBJECT_REGION = "652300"

_UNIT_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


@lru_cache(maxsize=1)
def catalogue() -> dict:
    """The parsed catalogue: ``{"regions": {code: {...}}, "indicators": {id: {...}}}``."""
    return parse_yaml(INDICATORS.read_text(encoding="utf-8"), relative(INDICATORS))


def normalise_label(label: str) -> str:
    """A label as the catalogue keys it: unit brackets and all white space removed."""
    return re.sub(r"\s+", "", _UNIT_BRACKETS.sub("", label))


def indicator(indicator_id: str) -> dict:
    """Metadata of one indicator (``name_zh``, ``name_en``, ``unit``, ``kind``, …)."""
    return catalogue()["indicators"][indicator_id]


def indicator_id_for_label(label: str) -> str | None:
    """The indicator id whose ``labels_zh`` contains ``label`` (normalised), or ``None``."""
    key = normalise_label(label)
    for ind_id, meta in catalogue()["indicators"].items():
        if key in {normalise_label(x) for x in meta.get("labels_zh", [])}:
            return ind_id
    return None


def region(code: str) -> dict:
    """Metadata of a region by its GB/T 2260 code (``"652300"``, ``"650100"``, ``"650000"``)."""
    return catalogue()["regions"][str(code)]


def region_code_for_name(name: str) -> str | None:
    """GB/T 2260 code for a Chinese region name or alias (``全疆`` → ``"650000"``), else ``None``."""
    key = re.sub(r"\s+", "", name)
    for code, meta in catalogue()["regions"].items():
        if key in meta["aliases"] or key in (meta["name_zh"], meta["short_zh"]):
            return code
    return None
