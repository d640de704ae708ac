"""Reading the project's YAML files strictly: a key written twice is an error, never "last one wins";
every error is one line naming the file, the line and the column.

PyYAML's ``safe_load`` silently keeps the second of two equal keys, so a source block pasted twice
into ``provenance.yml`` or a parameter repeated in a scenario file would change results without a
word. Every YAML file the project reads goes through :func:`load_yaml` / :func:`parse_yaml`, which
also bound what a hostile or careless file can cost before anything reads it:

- a size limit (:data:`MAX_CHARS`; parameter files pass a smaller one) and a nesting limit
  (:data:`MAX_DEPTH`: 100 000 nested brackets ended in a ``RecursionError`` naming no file);
- aliases bounded: the document as its aliases expand may hold at most :data:`MAX_EXPANDED_NODES`
  values (a 1 KB "billion laughs" file expands to billions); with ``aliases=False`` (parameter
  files) an anchor or alias is refused outright;
- merge keys (``<<:``) refused with their line (write the keys out), and a value YAML cannot build
  (``2024-13-45`` read as a date: "month must be in 1..12") named with its line and column.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from analysis.errors import RawDataError

#: characters a project YAML file may hold (the largest, provenance.yml, holds ~30 000)
MAX_CHARS = 1_000_000
#: nesting of mappings and lists (the project's files nest four deep)
MAX_DEPTH = 32
#: values in a document with every alias expanded (observation_rules.yml: a few hundred)
MAX_EXPANDED_NODES = 100_000
_MERGE_TAG = "tag:yaml.org,2002:merge"
#: a YAML type as a message names it
_KINDS = {"timestamp": "date", "int": "whole number", "float": "number", "bool": "true/false value",
          "binary": "binary value"}


class LimitError(yaml.MarkedYAMLError):
    """A document over a limit, refused (an anchor where none is allowed, too deep, too large)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a repeated key, a merge key, deep nesting and expanding aliases."""

    allow_aliases = True

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        #: top-level ``key → (line, the value's scalar text as written or None)``, for messages
        self.top_level: dict = {}

    def compose_node(self, parent, index):
        event = self.peek_event()
        if not self.allow_aliases and (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)):
            raise LimitError(None, None, "anchors and aliases (&name, *name) are not allowed here: write the value out",
                             event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise LimitError(None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self):
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        written = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
                        self.top_level.setdefault(key_node.value, (key_node.start_mark.line + 1, written))
        return node

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as err:  # the scalar looks like a date but is not one, …
            kind = _KINDS.get(node.tag.rsplit(":", 1)[-1], node.tag.rsplit(":", 1)[-1])
            raise yaml.constructor.ConstructorError(
                None, None, f"YAML reads {node.value!r} as a {kind}, but it is not one ({err}); put it in quotes "
                            "if it is text", node.start_mark) from None

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                raise LimitError(None, None, "merge keys (<<) are not supported: write the keys out", key_node.start_mark)
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:  # unhashable key: PyYAML's own error says what is wrong
                break
            if first is not None:
                raise DuplicateKeyError(key, first.start_mark.line + 1, key_node.start_mark.line + 1)
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


class _NoAliasLoader(_UniqueKeyLoader):
    allow_aliases = False


def _check_expansion(root) -> None:
    """Refuse a document whose aliases expand to more than :data:`MAX_EXPANDED_NODES` values.

    Counted on the composed nodes, where an alias is the very node it names: each node's expanded
    size is computed once (memoised), so the check costs as much as the text, never the expansion.
    """
    sizes: dict[int, int] = {}
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                    else list(node.value) if isinstance(node, yaml.SequenceNode) else [])
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes.get(id(c), 0) for c in children)
            if sizes[id(node)] > MAX_EXPANDED_NODES:
                raise LimitError(None, None, f"its aliases expand to more than {MAX_EXPANDED_NODES} values",
                                 node.start_mark)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)


class DuplicateKeyError(yaml.YAMLError):
    """A mapping repeats a key; carries the key and both 1-based line numbers."""

    def __init__(self, key, first_line: int, second_line: int):
        self.key, self.first_line, self.second_line = key, first_line, second_line
        super().__init__(f"key {key!r} appears twice (lines {first_line} and {second_line})")


def parse_yaml(text: str, source: str, *, aliases: bool = True, max_chars: int = MAX_CHARS,
               top_level: dict | None = None):
    """Parse YAML ``text`` read from ``source`` (a file name for messages), rejecting duplicate keys.

    Raises :class:`analysis.errors.RawDataError` naming the file, the line(s) and column.
    ``aliases=False`` refuses anchors and aliases; ``top_level``, if given, is filled with each
    top-level key's ``(line, value as written)`` (the value's text only for a scalar).

    >>> parse_yaml("a: 1\\nb: [2, 3]\\n", "x.yaml")
    {'a': 1, 'b': [2, 3]}
    >>> parse_yaml("a: 1\\na: 2\\n", "x.yaml")
    Traceback (most recent call last):
    ...
    analysis.errors.RawDataError: x.yaml, line 2: key 'a' appears twice (lines 1 and 2); remove one of them
    >>> parse_yaml("title: 2024-13-45\\n", "x.yaml")
    Traceback (most recent call last):
    ...
    analysis.errors.RawDataError: x.yaml, line 1, column '8': YAML reads '2024-13-45' as a date, but it is not one \
(month must be in 1..12); put it in quotes if it is text
    """
    if len(text) > max_chars:
        raise RawDataError(source, f"the file holds {len(text)} characters; expected at most {max_chars} "
                                   "(is this the right file?)")
    try:
        loader = (_UniqueKeyLoader if aliases else _NoAliasLoader)(text)
    except yaml.reader.ReaderError as exc:  # a control character: PyYAML counts characters, not lines
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise RawDataError(source, f"the character U+{exc.character:04X} is not allowed in YAML text; remove it",
                           row=line, column=str(column)) from None
    try:
        data = loader.get_single_data()
        if top_level is not None:
            top_level.update(loader.top_level)
        return data
    except DuplicateKeyError as exc:
        raise RawDataError(source, f"key {exc.key!r} appears twice (lines {exc.first_line} and "
                                   f"{exc.second_line}); remove one of them", row=exc.second_line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if not isinstance(exc, (LimitError, yaml.constructor.ConstructorError)):
            problem = f"YAML syntax error: {problem}"
        raise RawDataError(source, problem, row=mark.line + 1 if mark else None,
                           column=str(mark.column + 1) if mark else None) from None
    except yaml.YAMLError as exc:  # unmarked (none of PyYAML's parse errors is, today)
        raise RawDataError(source, f"YAML error: {exc}") from None
    finally:
        loader.dispose()


def load_yaml(path: str | Path):
    """Read and parse the UTF-8 YAML file at ``path`` with :func:`parse_yaml`."""
    path = Path(path)
    return parse_yaml(path.read_text(encoding="utf-8"), str(path))
