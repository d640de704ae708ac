"""The message catalogue (analysis/messages/*.yml) and the strict YAML reader."""
from __future__ import annotations

import pytest

from analysis import words
from analysis.errors import RawDataError
from analysis.yaml_files import load_yaml, parse_yaml


def test_every_message_has_both_languages_with_the_same_placeholders():
    assert words.catalogue(), "the catalogue is empty"
    assert words.problems() == []


def test_text_fills_placeholders_and_names_what_is_missing(monkeypatch):
    monkeypatch.setattr(words, "catalogue", lambda: {"x.points": {"zh": "{n} 个点", "en": "{n} points"}})
    assert words.text("x.points", "zh", n=2) == "2 个点"
    assert words.render(("x.points", {"n": 3}), "en") == "3 points"
    with pytest.raises(KeyError, match="'x.nope' is not in the catalogue"):
        words.text("x.nope", "en")
    with pytest.raises(KeyError, match="needs parameter 'n'"):
        words.text("x.points", "en")
    with pytest.raises(KeyError, match="language 'fr'"):
        words.text("x.points", "fr", n=1)


def test_a_key_defined_in_two_files_or_missing_a_language_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "a.yml").write_text("k:\n  zh: 甲\n  en: a\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("k:\n  zh: 乙\n  en: b\n", encoding="utf-8")
    monkeypatch.setattr(words, "MESSAGES_DIR", tmp_path)
    words.catalogue.cache_clear()
    try:
        with pytest.raises(RawDataError, match="b.yml: message 'k' is also defined in a.yml"):
            words.catalogue()
        (tmp_path / "b.yml").write_text("j:\n  zh: 乙\n", encoding="utf-8")
        words.catalogue.cache_clear()
        with pytest.raises(RawDataError, match="message 'j' must have exactly the keys zh and en"):
            words.catalogue()
    finally:
        words.catalogue.cache_clear()


def test_duplicate_yaml_keys_name_file_both_lines_and_key(tmp_path):
    path = tmp_path / "provenance.yml"
    path.write_text("sources:\n  cj_a:\n    quality: official\n  cj_a:\n    quality: media\n", encoding="utf-8")
    with pytest.raises(RawDataError, match=r"provenance.yml, line 4: key 'cj_a' appears twice \(lines 2 and 4\)"):
        load_yaml(path)


def test_yaml_syntax_error_is_one_line_with_line_and_column():
    with pytest.raises(RawDataError, match=r"s.yaml, line 3, column '8': YAML syntax error: mapping values"):
        parse_yaml("title: x\nstated_rate: 0.2\n  covid: none\n", "s.yaml")
