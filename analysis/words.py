"""The report's words: one catalogue of messages, each in Chinese (``zh``) and English (``en``).

The catalogue is the YAML files in ``analysis/messages/`` (one per area: ``report.yml``,
``explorer.yml``, …), each mapping a dotted key to ``{zh: …, en: …}`` with ``{name}``
placeholders (``str.format`` syntax). YAML rather than gettext ``.po``: both languages of a key
sit side by side, so a reviewer sees at once whether they say the same thing, and placeholders
can be checked per key without a compile step.

Analysis functions never build sentences: they return a *message*, a key or a ``(key, params)``
pair, and the report renders it in its language with :func:`render`.
"""
from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from analysis.errors import RawDataError
from analysis.yaml_files import load_yaml

LANGUAGES = ("zh", "en")
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Every message, ``{key: {"zh": …, "en": …}}``, from all files in ``analysis/messages/``.

    A key defined in two files, or an entry without both languages, is an error naming the file.
    """
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for path in sorted(MESSAGES_DIR.glob("*.yml")):
        entries = load_yaml(path) or {}
        for key, entry in entries.items():
            if key in merged:
                raise RawDataError(path.name, f"message {key!r} is also defined in {origin[key]}")
            if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
                raise RawDataError(path.name, f"message {key!r} must have exactly the keys zh and en")
            merged[key], origin[key] = {lang: str(entry[lang]) for lang in LANGUAGES}, path.name
    return merged


def placeholders(template: str) -> set[str]:
    """The ``{name}`` placeholders of a message template.

    >>> sorted(placeholders("{n} 个点，{k} 个参数"))
    ['k', 'n']
    """
    return {field.split(".")[0].split("[")[0]
            for _, field, _, _ in string.Formatter().parse(template) if field}


def text(key: str, language: str, **params) -> str:
    """The message ``key`` in ``language`` with ``params`` filled in.

    A missing key or language, or a missing parameter, raises ``KeyError`` naming it.
    """
    if language not in LANGUAGES:
        raise KeyError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")
    try:
        template = catalogue()[key][language]
    except KeyError:
        raise KeyError(f"message {key!r} is not in the catalogue (analysis/messages/*.yml)") from None
    try:
        return template.format(**params)
    except KeyError as exc:
        raise KeyError(f"message {key!r} ({language}) needs parameter {exc.args[0]!r}") from None


def render(message, language: str) -> str:
    """Render a message returned by an analysis function: a key, or a ``(key, params)`` pair."""
    if isinstance(message, str):
        return text(message, language)
    key, params = message
    return text(key, language, **dict(params))


def problems() -> list[str]:
    """Every catalogue entry whose languages use different placeholders (empty when all agree)."""
    found = []
    for key, entry in catalogue().items():
        zh, en = placeholders(entry["zh"]), placeholders(entry["en"])
        if zh != en:
            found.append(f"{key}: zh uses {sorted(zh)}, en uses {sorted(en)}")
    return found
