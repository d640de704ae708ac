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


# --------------------------------------------------------------------------- every key used, nothing typed
import io  # noqa: E402
import re  # noqa: E402
import tokenize  # noqa: E402

from analysis import paths  # noqa: E402

CODE = [*sorted((paths.ROOT / "analysis").glob("*.py")), *sorted(paths.NOTEBOOKS.glob("*.py")), *sorted((paths.ROOT / "tools").glob("*.py"))]
TEMPLATES = sorted((paths.TEMPLATES / "report").glob("*.j2"))
# the unused-key check reads every template (the final report has its own)
ALL_TEMPLATES = sorted(paths.TEMPLATES.glob("*/*.j2"))


def _string_literals() -> tuple[set[str], set[str]]:
    """Every string literal of the code and templates, and the heads of f-strings (``f"col.{c}"`` → ``col.``)."""
    literals, heads = set(), set()
    for path in CODE:
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if tok.type != tokenize.STRING:
                continue
            m = re.match(r"(?i)([rbfu]*)('''|\"\"\"|'|\")(.*)\2$", tok.string, re.S)
            prefix, body = m.group(1).lower(), m.group(3)
            if "f" in prefix:
                heads.add(body.split("{")[0])
            literals.add(body)
            literals.update(re.findall(r"[\w.]+", body))
    for path in ALL_TEMPLATES:
        literals.update(re.findall(r"[\"']([\w.]+)[\"']", path.read_text(encoding="utf-8")))
    # data files that name messages: the 表 2 labels' observed_as (analysis/plan_targets.yml)
    literals.update(str(meta["observed_as"]) for meta in load_yaml(paths.PLAN_TARGET_LABELS).values() if "observed_as" in meta)
    # and the departments that publish each target's figures (analysis/publishers.yml → department.<key>)
    literals.update(str(k) for keys in load_yaml(paths.PUBLISHERS).values() for k in keys)
    return literals, {h for h in heads if h}


def test_no_catalogue_key_is_unused():
    """A key is used when the code or a template names it, or builds it from an f-string head and a
    suffix the code names (``f"status.{code}"`` with ``"lagging"`` in labels.STATUSES)."""
    literals, heads = _string_literals()
    unused = [key for key in words.catalogue() if key not in literals
              and not any(key.startswith(h) and key[len(h):] in literals for h in heads)]
    assert unused == [], f"catalogue keys no code or template uses: {unused}"


#: the only digits the words may carry: names of the plan's tables, "13th"/"十三五" plan, the
#: definition of a share (0–100 %), the "− 1" of the growth formulas, names with a year or an
#: ordinal (the 2018 economic census, the XPCC 6th Division) and file names of notebooks;
#: every number of the data, the design or the code's limits is a placeholder
ALLOWED_DIGITS = re.compile(r"表 [12]|Table [12]|13th|0 到 100%|0 and 100%|1 ÷|− 1|2018 年经济普查|2018 economic-census|6th Division"
                            r"|notebooks/\w+\.py")


def test_no_number_is_typed_into_the_words():
    """Every catalogue file (report, figures, explorer, final report, trust, …) and every template."""
    typed = []
    for key, entry in words.catalogue().items():
        if key.startswith("unit."):  # unit names: "CNY 100 million", "10,000 visits"
            continue
        for lang, template in entry.items():
            rest = ALLOWED_DIGITS.sub("", re.sub(r"\{[^}]*\}", "", template))
            rest = re.sub(r"CNY 100 million|100 million visits|CNY 10,000|10,000 visits", "", rest)  # units named in words
            if re.search(r"\d", rest):
                typed.append(f"{key} ({lang}): {template}")
    for path in ALL_TEMPLATES:
        rest = re.sub(r"\{[{%#].*?[}%#]\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        rest = re.sub(r"<style.*?</style>|<[^>]*>", "", rest, flags=re.S)
        if re.search(r"\d", rest):
            around = re.search(r".{0,30}\d.{0,30}", rest).group(0)
            typed.append(f"{path.name}: {around!r}")
    assert typed == []


def test_the_report_notebook_and_context_builder_hold_no_words_or_figures():
    """Prose lives in the catalogue: no Chinese in their string literals (docstrings and regular expressions
    aside), no number but the parameters' defaults."""
    for name in ("notebooks/90_report.py", "analysis/report_context.py", "analysis/report_format.py", "analysis/report_data.py",
                 "analysis/report.py"):
        source = (paths.ROOT / name).read_text(encoding="utf-8")
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        chinese = [t.string for t in tokens if t.type == tokenize.STRING and re.search(r"[\u4e00-\u9fff]", t.string)
                   and not t.string.startswith(('"""', "r"))]
        assert chinese == [], f"{name}: {chinese}"
        if name.startswith("notebooks"):
            numbers = {t.string for t in tokens if t.type == tokenize.NUMBER}
            assert numbers <= {"2023", "2021", "2025"}, numbers  # evaluation_year and its allowed range


def test_counts_read_naturally_whatever_the_count():
    """A count placeholder must read right for 0, 1 and many: no English "point(s)" and no
    Chinese "只有 {n} 个" (which prints "只有 0 个" — the backtest's tourism rows have no point up to 2020)."""
    awkward = []
    for key, entry in words.catalogue().items():
        if "(s)" in entry["en"]:
            awkward.append(f"{key} (en): {entry['en']}")
        if re.search(r"只有 ?\{\w+\} ?个", entry["zh"]):
            awkward.append(f"{key} (zh): {entry['zh']}")
    assert awkward == []
    assert words.render(words.Message("reason.backtest_too_few", cutoff=2020, n=0, needed=2), "zh").startswith("2020 年及以前的数据点不足（0 个）")


def test_english_table_headers_start_with_a_capital():
    """Every English column header of the report's tables (trust.column.*, col.*) is capitalised like the others."""
    lower = [f"{key}: {entry['en']}" for key, entry in words.catalogue().items()
             if key.startswith(("trust.column.", "col.")) and entry["en"][:1].islower()]
    assert lower == []


def test_no_internal_id_in_the_words_a_reader_sees():
    """An indicator id (gdp, retail_sales_total …) is never typed into a sentence: a reader sees its name."""
    ids = set(load_yaml(paths.ROOT / "analysis" / "indicators.yml")["indicators"])
    found = [f"{key} ({lang}): {text}" for key, entry in words.catalogue().items() for lang, text in entry.items()
             if set(re.findall(r"[A-Za-z_]+", re.sub(r"\{[^}]*\}", "", text))) & ids]
    assert "gdp" in ids and found == []


def test_final_and_mid_term_reports_name_the_achieved_share_alike():
    """The final report's column is the mid-term's 完成进度 / Achieved share (it said 完成进程 / Way covered)."""
    for language in words.LANGUAGES:
        assert words.text("final.col.share", language) == words.text("col.achieved", language)


def test_a_list_of_years_is_joined_as_the_language_joins_it():
    """Year lists passed as a list are joined with 、 in Chinese (the damped-trend note printed "2015, 2018" in Chinese)."""
    gaps = words.Message("reason.damped_gaps", years=[2015, 2018, 2020])
    assert "（2015、2018、2020 年之后有缺口）" in words.render(gaps, "zh")
    assert "(gap after 2015, 2018, 2020)" in str(gaps)
