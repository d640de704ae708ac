"""Parameters that cannot be misspelt: checked against the notebook's own parameters cell before any kernel starts.

papermill injects whatever it is given and only warns about names the notebook does not declare,
so ``stated_rat: 0.20`` would run the default scenario and report success. Here a parameter file
(``-f``) or a ``-p name value`` pair is checked first:

- the names a notebook accepts are the assignments of its cell tagged ``parameters`` (read with
  :mod:`ast`, the notebook is not run); an unknown name is an error listing the allowed names and
  suggesting the nearest one (:mod:`difflib`);
- a parameter file must be a non-empty YAML mapping, read by :func:`analysis.yaml_files.parse_yaml`
  with no anchors or aliases and at most :data:`PARAMETER_FILE_MAX_CHARS` characters;
- every value's kind, text parameters included: where the notebook's default is a number (or a
  bool), the value must be one too; where it is text, the value is text (or a number: ``"plan"`` or
  0.08), never a list, a date (``2024-05-01``), binary data (``!!binary``) or a bare YAML 1.1 word
  read as true/false (``covid: no`` names the word typed and the allowed words,
  :data:`analysis.parameters.CHOICES`). Each error names the file, line and parameter. Ranges are
  checked by the notebook itself (:func:`analysis.parameters.check_parameter`), also naming it;
- paths are set by Make, never by a parameter file (:func:`check_paths`): a path parameter in one
  is refused, naming it and its line.
"""
from __future__ import annotations

import ast
import datetime
import difflib
from pathlib import Path

from analysis.errors import RawDataError
from analysis.parameters import CHOICES, ParameterError
from analysis.yaml_files import parse_yaml

__all__ = ["declared_parameters", "read_parameter_file", "parse_cli_value", "check_against_notebook",
           "check_paths", "checked_parameters", "is_path_parameter"]

_NO_LITERAL = object()  # a default that is an expression, not a literal: any value is accepted


def declared_parameters(nb) -> dict[str, object]:
    """``{name: default}`` of the notebook's cell tagged ``parameters`` (``{}`` if it has none)."""
    cell = next((c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        return {}
    declared: dict[str, object] = {}
    for node in ast.parse(cell.source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    declared[target.id] = ast.literal_eval(node.value) if node.value is not None else _NO_LITERAL
                except ValueError:
                    declared[target.id] = _NO_LITERAL
    return declared


#: a parameter file is a few lines; this is far more than any needs
PARAMETER_FILE_MAX_CHARS = 65_536
#: a parameter names a file or folder when its name ends so (the notebooks' convention) or its default
#: is a list of file paths (31_final_evaluation's ``scenario_params``): such values are set by Make
PATH_SUFFIXES = ("_path", "_dir")
#: what a parameter value may be; YAML can also build dates, bytes (``!!binary``), sets, …
_PLAIN = (type(None), bool, int, float, str, list, dict)
#: the words YAML 1.1 reads as true or false when they are not quoted
_YAML_BOOL_WORDS = {"yes", "no", "on", "off", "true", "false", "y", "n"}


def is_path_parameter(name: str, default) -> bool:
    """Whether a parameter (its name and the notebook's default) names a file or folder.

    >>> is_path_parameter("observations_path", ""), is_path_parameter("scenario_params", ["params/a.yaml"])
    (True, True)
    >>> is_path_parameter("title", "")
    False
    """
    if name.endswith(PATH_SUFFIXES):
        return True
    return isinstance(default, (list, tuple)) and bool(default) and all(isinstance(v, str) and "/" in v for v in default)


def read_parameter_file(path: str | Path, shown: str | None = None, lines: dict | None = None) -> dict:
    """The mapping in a YAML parameter file; empty, non-mapping or invalid files raise :class:`RawDataError`.

    Anchors and aliases are refused (a parameter file never needs them; a 1 KB alias bomb expanded
    to gigabytes), the size is bounded (:data:`PARAMETER_FILE_MAX_CHARS`). ``lines``, if given, is
    filled with each parameter's ``(line, value as written)``.
    """
    shown = shown or str(path)
    path = Path(path)
    if not path.is_file():
        raise RawDataError(shown, "no such parameter file")
    if path.stat().st_size > 4 * PARAMETER_FILE_MAX_CHARS:  # before reading it: a UTF-8 character is at most 4 bytes
        raise RawDataError(shown, f"the file holds {path.stat().st_size} bytes; expected a parameter file of at most "
                                  f"{PARAMETER_FILE_MAX_CHARS} characters")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise RawDataError(shown, f"not UTF-8 (byte offset {err.start}); expected a UTF-8 YAML file") from None
    loaded = parse_yaml(text, shown, aliases=False, max_chars=PARAMETER_FILE_MAX_CHARS, top_level=lines)
    if loaded is None:
        raise RawDataError(shown, "the parameter file is empty; expected `name: value` lines (nothing would be changed "
                                  "from the notebook's defaults)")
    if not isinstance(loaded, dict):
        raise RawDataError(shown, f"expected a mapping of parameter names to values (`name: value` lines), found a "
                                  f"{type(loaded).__name__}", row=1)
    return loaded


def parse_cli_value(name: str, text: str):
    """A ``-p name value`` value read as a YAML scalar (``0.07`` → float, ``null`` → None, ``plan`` → str)."""
    if text == "":
        return ""
    try:
        return parse_yaml(text, f"-p {name}", aliases=False, max_chars=PARAMETER_FILE_MAX_CHARS)
    except RawDataError as err:
        raise ParameterError(f"parameter {name!r}: cannot read {text!r} ({err.message}); quote it or give a plain value") from None


def _kind(default) -> tuple[tuple[type, ...], str] | None:
    if default is _NO_LITERAL or default is None:
        return None
    if isinstance(default, str):
        # text defaults also stand for a number ("plan" or 0.08): the notebook checks which it takes
        return (str, int, float, type(None)), "text"
    if isinstance(default, bool):
        return (bool,), "true or false"
    if isinstance(default, int):
        return (int,), "a whole number"
    if isinstance(default, float):
        return (int, float), "a number"
    if isinstance(default, (list, tuple)):
        return (list, tuple), "a list"
    if isinstance(default, dict):
        return (dict,), "a mapping"
    return None


def _not_plain(value):
    """The first part of ``value`` that is not text, a number, true/false, null, a list or a mapping (else None)."""
    if not isinstance(value, _PLAIN):
        return value
    items = value.items() if isinstance(value, dict) else ((None, v) for v in value) if isinstance(value, list) else ()
    for key, item in items:
        found = _not_plain(key) if key is not None else None
        found = found if found is not None else _not_plain(item)
        if found is not None:
            return found
    return None


def _did_you_mean(key, allowed: list[str]) -> str:
    """``"did you mean 'stated_rate'? "`` for the nearest allowed name (difflib), else ``""``."""
    near = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    return f"did you mean {near[0]!r}? " if near else ""


def check_known_keys(mapping: dict, allowed, where: str) -> None:
    """Raise :class:`ParameterError` for a key of ``mapping`` not in ``allowed``, suggesting the nearest."""
    allowed = sorted(allowed)
    for key in mapping:
        if key not in allowed:
            raise ParameterError(f"unknown key {key!r} in {where}; {_did_you_mean(key, allowed)}allowed: {', '.join(allowed)}")


def _wrong_value(name: str, value, default, written: str | None) -> tuple[str, str] | None:
    """``(value as shown, what is wrong)`` with ``value`` for a parameter whose default is ``default``
    (``None``: nothing the notebook's kind rules out). ``written``: the value as typed, where known."""
    odd = _not_plain(value)
    if odd is not None:
        what = "a date" if isinstance(odd, (datetime.date, datetime.time)) else \
            "binary data (!!binary)" if isinstance(odd, (bytes, bytearray)) else f"a {type(odd).__name__}"
        shown = repr(value) if written is None else f"!!binary {written}" if isinstance(value, (bytes, bytearray)) else written
        return shown, f"YAML reads it as {what}; a parameter is text, a number, true/false or a list: put it in quotes if it is text"
    shown = repr(value)
    kind = _kind(default)
    choices = CHOICES.get(name) if isinstance(default, str) else None
    if isinstance(default, str) and isinstance(value, bool):
        word = written if written is not None and written.lower() in _YAML_BOOL_WORDS else str(value).lower()
        allowed = f"allowed values are {', '.join(map(repr, choices))}" if choices else "put the word in quotes if it is the text you mean"
        return word, f"YAML reads the bare word {word!r} as {str(value).lower()}, but {name!r} takes text ({allowed})"
    if kind is not None:
        types, what = kind
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            return shown, f"expected {what}, like the notebook's default {default!r}"
    if choices and isinstance(value, str) and value not in choices:
        return shown, f"allowed values are {', '.join(map(repr, choices))}"
    return None


def check_against_notebook(params: dict, declared: dict, notebook: str, origin: dict[str, str] | None = None,
                           written: dict[str, str] | None = None) -> None:
    """Raise :class:`ParameterError` for a name ``notebook`` does not declare or a value of the wrong kind.

    ``origin`` maps a name to where it came from (``params/x.yaml, line 3``, ``-p``) for the message,
    ``written`` to its value as typed (``no`` where YAML read false).
    """
    origin, written = origin or {}, written or {}
    allowed = sorted(declared)
    for name in params:
        if name not in declared:
            where = f" (in {origin[name]})" if name in origin else ""
            raise ParameterError(f"unknown parameter {name!r}{where}: {notebook} has no such parameter; "
                                 f"{_did_you_mean(name, allowed)}allowed: {', '.join(allowed)}")
    for name, value in params.items():
        problem = _wrong_value(name, value, declared[name], written.get(name))
        if problem is not None:
            shown, why = problem
            where = f" (in {origin[name]})" if name in origin else ""
            raise ParameterError(f"parameter {name!r} = {shown}{where}: {why}")


def check_paths(params: dict, declared: dict, origin: dict[str, str], from_file: set[str]) -> None:
    """Paths are set by Make, never by a parameter file: raise :class:`ParameterError` for a path
    parameter (:func:`is_path_parameter`) named in the parameter file (``from_file``).

    ``make report`` passes every path with ``-p`` from the Makefile and ``make scenario`` sets its
    output folder from the file's name (``reports/scenarios/<name>/``), so with no path in the file
    no run they start reads or writes outside the project. (``-p`` on a command line of your own is
    yours: a table to clean may live anywhere.)
    """
    for name in params:
        if name in from_file and name in declared and is_path_parameter(name, declared[name]):
            raise ParameterError(f"parameter {name!r} (in {origin[name]}) names a file or folder: paths are set by Make "
                                 "(every input and output is a Make target), never by a parameter file; remove this line")


def checked_parameters(nb, notebook: str, params_file: str | None, pairs: list[list[str]] | None) -> dict:
    """Merge a parameter file and ``-p`` pairs (later wins) and check them against ``nb``'s parameters cell:
    names, kinds, paths (:func:`check_paths`), before any kernel starts."""
    from analysis.paths import resolve

    params: dict = {}
    origin: dict[str, str] = {}
    written: dict[str, str] = {}
    from_file: set[str] = set()
    if params_file:
        lines: dict = {}
        loaded = read_parameter_file(resolve(params_file), params_file, lines)
        params.update(loaded)
        from_file.update(loaded)
        for key in loaded:
            line, text = lines.get(key, (None, None))
            origin[key] = params_file if line is None else f"{params_file}, line {line}"
            if text is not None:
                written[key] = text
    declared = declared_parameters(nb)
    for name, value in pairs or []:
        if isinstance(declared.get(name), str):
            # a text parameter (a path, a name) is taken as typed: YAML would read "a: b" as a mapping
            try:
                parsed = parse_cli_value(name, value)
            except ParameterError:
                parsed = value
            params[name] = parsed if isinstance(parsed, (str, int, float)) and not isinstance(parsed, bool) else value
        else:
            params[name] = parse_cli_value(name, value)
        origin[name], written[name] = "-p", value
        from_file.discard(name)
    check_against_notebook(params, declared, notebook, origin, written)
    check_paths(params, declared, origin, from_file)
    return params
