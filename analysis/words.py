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

import json
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


class Message(str):
    """A reason or note returned by analysis code: a catalogue key with its parameters.

    As a string it is the English text (what the CSVs' ``note`` columns and logs carry); the
    report renders ``key`` and ``params`` in its own language. Parameters are plain values
    (numbers, text) so that :func:`to_json` can store them beside the English note.

    >>> m = Message("reason.too_few_points", n=1)
    >>> m.key, m.params
    ('reason.too_few_points', {'n': 1})
    >>> str(m)
    'too few annual observations (1) to fit a trend, interval or stress scenario'
    >>> render(m, "zh")
    '年度观测值不足（1 个），无法拟合趋势、区间或压力情景'
    """

    key: str
    params: dict

    def __new__(cls, key: str, **params):
        params = {k: (v.item() if hasattr(v, "item") else v) for k, v in params.items()}  # numpy scalars → Python
        self = super().__new__(cls, text(key, "en", **{k: param(v, "en") for k, v in params.items()}))
        self.key, self.params = key, params
        return self

    def __reduce__(self):
        return (_message, (self.key, self.params))


def _message(key: str, params: dict) -> Message:
    return Message(key, **params)


def render(message, language: str) -> str:
    """Render a message returned by an analysis function: a :class:`Message`, a key, or a ``(key, params)`` pair."""
    if isinstance(message, Message):
        key, params = message.key, message.params
    elif isinstance(message, str):
        key, params = message, {}
    else:
        key, params = message
    return text(key, language, **{k: param(v, language) for k, v in dict(params).items()})


def param(value, language: str):
    """A parameter as shown in ``language``: a nested message (``Message`` or its JSON form) is rendered."""
    if isinstance(value, Message):
        return render(value, language)
    if isinstance(value, dict) and set(value) == {"$message"}:
        return render(tuple(value["$message"]), language)
    if isinstance(value, list):  # a list of years or names, joined as the language joins them (、 in Chinese)
        return text("list.separator", language).join(str(param(v, language)) for v in value)
    return value


def to_json(messages) -> str:
    """Messages as JSON (``[["key", {params}], …]``), the column a table keeps beside its English notes.

    A nested message parameter is stored as ``{"$message": ["key", {params}]}``.

    >>> to_json([Message("reason.covid_ignored", treatment=Message("covid.exclude"), span="2020–2022")])
    '[["reason.covid_ignored", {"span": "2020–2022", "treatment": {"$message": ["covid.exclude", {}]}}]]'
    """
    def plain(m: Message) -> list:
        return [m.key, {k: {"$message": plain(v)} if isinstance(v, Message) else v for k, v in m.params.items()}]

    return json.dumps([plain(m) for m in messages], ensure_ascii=False, sort_keys=True)


def from_json(value) -> list[tuple[str, dict]]:
    """The ``(key, params)`` pairs of a :func:`to_json` column value (none for a missing value)."""
    if not isinstance(value, str) or not value.strip():
        return []
    return [(key, params) for key, params in json.loads(value)]


def problems() -> list[str]:
    """Every catalogue entry whose languages use different placeholders (empty when all agree)."""
    found = []
    for key, entry in catalogue().items():
        zh, en = placeholders(entry["zh"]), placeholders(entry["en"])
        if zh != en:
            found.append(f"{key}: zh uses {sorted(zh)}, en uses {sorted(en)}")
    return found
