"""Parameters that cannot be misspelt: checked against the notebook's own parameters cell before any kernel starts.

papermill injects whatever it is given and only warns about names the notebook does not declare,
so ``stated_rat: 0.20`` would run the default scenario and report success. Here a parameter file
(``-f``) or a ``-p name value`` pair is checked first:

- the names a notebook accepts are the assignments of its cell tagged ``parameters`` (read with
  :mod:`ast`, the notebook is not run); an unknown name is an error listing the allowed names and
  suggesting the nearest one (:mod:`difflib`);
- a parameter file must be a non-empty YAML mapping, read by :func:`analysis.yaml_files.parse_yaml`
  (duplicate keys and syntax errors name the file, line and column);
- where the notebook's default is a number (or a bool), the value must be one too, named with
  what is allowed. Ranges and allowed values are checked by the notebook itself
  (:func:`analysis.parameters.check_parameter`), also naming the parameter.
"""
from __future__ import annotations

import ast
import difflib
from pathlib import Path

from analysis.errors import RawDataError
from analysis.parameters import ParameterError
from analysis.yaml_files import parse_yaml

__all__ = ["declared_parameters", "read_parameter_file", "parse_cli_value", "check_against_notebook",
           "checked_parameters"]

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


def read_parameter_file(path: str | Path, shown: str | None = None) -> dict:
    """The mapping in a YAML parameter file; empty, non-mapping or invalid files raise :class:`RawDataError`."""
    shown = shown or str(path)
    path = Path(path)
    if not path.is_file():
        raise RawDataError(shown, "no such parameter file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise RawDataError(shown, f"not UTF-8 (byte offset {err.start}); expected a UTF-8 YAML file") from None
    loaded = parse_yaml(text, shown)
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
        return parse_yaml(text, f"-p {name}")
    except RawDataError as err:
        raise ParameterError(f"parameter {name!r}: cannot read {text!r} ({err.message}); quote it or give a plain value") from None


def _kind(default) -> tuple[tuple[type, ...], str] | None:
    if default is _NO_LITERAL or default is None or isinstance(default, str):
        return None  # text defaults also stand for choices such as "plan" or a number: the notebook checks them
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


def check_against_notebook(params: dict, declared: dict, notebook: str, origin: dict[str, str] | None = None) -> None:
    """Raise :class:`ParameterError` for a name ``notebook`` does not declare or a value of the wrong kind.

    ``origin`` maps a name to where it came from (``params/x.yaml``, ``-p``) for the message.
    """
    origin = origin or {}
    allowed = sorted(declared)
    for name in params:
        if name not in declared:
            where = f" (in {origin[name]})" if name in origin else ""
            raise ParameterError(f"unknown parameter {name!r}{where}: {notebook} has no such parameter; "
                                 f"{_did_you_mean(name, allowed)}allowed: {', '.join(allowed)}")
    for name, value in params.items():
        kind = _kind(declared[name])
        if kind is None:
            continue
        types, what = kind
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            where = f" (in {origin[name]})" if name in origin else ""
            raise ParameterError(f"parameter {name!r} = {value!r}{where}: expected {what}, like the notebook's default "
                                 f"{declared[name]!r}")


def checked_parameters(nb, notebook: str, params_file: str | None, pairs: list[list[str]] | None) -> dict:
    """Merge a parameter file and ``-p`` pairs (later wins) and check them against ``nb``'s parameters cell."""
    params: dict = {}
    origin: dict[str, str] = {}
    if params_file:
        from analysis.paths import resolve

        loaded = read_parameter_file(resolve(params_file), params_file)
        params.update(loaded)
        origin.update({k: params_file for k in loaded})
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
        origin[name] = "-p"
    check_against_notebook(params, declared, notebook, origin)
    return params
