"""Reading the project's YAML files strictly: a key written twice is an error, never "last one wins".

PyYAML's ``safe_load`` silently keeps the second of two equal keys, so a source block pasted twice
into ``provenance.yml`` or a parameter repeated in a scenario file would change results without a
word. Every YAML file the project reads goes through :func:`load_yaml` / :func:`parse_yaml`.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from analysis.errors import RawDataError


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping key it has already seen in the same mapping."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:  # unhashable key: PyYAML's own error says what is wrong
                break
            if first is not None:
                raise DuplicateKeyError(key, first.start_mark.line + 1, key_node.start_mark.line + 1)
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


class DuplicateKeyError(yaml.YAMLError):
    """A mapping repeats a key; carries the key and both 1-based line numbers."""

    def __init__(self, key, first_line: int, second_line: int):
        self.key, self.first_line, self.second_line = key, first_line, second_line
        super().__init__(f"key {key!r} appears twice (lines {first_line} and {second_line})")


def parse_yaml(text: str, source: str):
    """Parse YAML ``text`` read from ``source`` (a file name for messages), rejecting duplicate keys.

    Raises :class:`analysis.errors.RawDataError` naming the file, the line(s) and column.

    >>> parse_yaml("a: 1\\nb: [2, 3]\\n", "x.yaml")
    {'a': 1, 'b': [2, 3]}
    >>> parse_yaml("a: 1\\na: 2\\n", "x.yaml")
    Traceback (most recent call last):
    ...
    analysis.errors.RawDataError: x.yaml, line 2: key 'a' appears twice (lines 1 and 2); remove one of them
    """
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except DuplicateKeyError as exc:
        raise RawDataError(source, f"key {exc.key!r} appears twice (lines {exc.first_line} and "
                                   f"{exc.second_line}); remove one of them", row=exc.second_line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise RawDataError(source, f"YAML syntax error: {problem}",
                           row=mark.line + 1 if mark else None,
                           column=str(mark.column + 1) if mark else None) from None


def load_yaml(path: str | Path):
    """Read and parse the UTF-8 YAML file at ``path`` with :func:`parse_yaml`."""
    path = Path(path)
    return parse_yaml(path.read_text(encoding="utf-8"), str(path))
