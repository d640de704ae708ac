"""Every word the explorer shows is in its language: summary notes, reasons, overlay names,
validation and save messages come from the catalogue (analysis/messages/explorer.yml and the
reasons of notes.yml); saved scenarios are listed by their title in that language, or, where the
file gives none, by their file name, said to be one.

The checks are the report's (tests/test_report_language.py): in Chinese no word of three or more
Latin letters except the allow-list, file names and what is marked as code (``<code>``: file
names, commands, a check's own text); in English no Chinese. Here on every text of the widget
tree, without a kernel; tests/test_explore.py applies them to the page ``make explore`` serves.
"""
from __future__ import annotations

import re

import ipywidgets as w
import pytest

from analysis import explorer, words
from analysis.explorer_widgets import ExplorerApp
from tests.test_report_language import CJK_RUN, LATIN_WORD, allowed_in_chinese

#: a file name as the explorer writes one (params/scenario_x.yaml, notebooks/40_explore_scenarios.py)
FILE_NAME = re.compile(r"[A-Za-z0-9_./-]*[A-Za-z0-9_]\.(?:py|yaml|yml|csv|ipynb)\b")
CODE = re.compile(r"<code>.*?</code>", re.S)
TAG = re.compile(r"<[^>]+>")


def foreign_words(texts: list[str], language: str) -> list[str]:
    """Words of the other language in ``texts`` (file names and ``<code>`` left out), each with its text."""
    found = []
    for text in texts:
        plain = FILE_NAME.sub(" ", TAG.sub(" ", CODE.sub(" ", text)))
        if language == "zh":
            found += [f"{m.group(0)!r} in {text!r}" for m in LATIN_WORD.finditer(plain) if not allowed_in_chinese(m.group(0))]
        else:
            found += [f"{m.group(0)!r} in {text!r}" for m in CJK_RUN.finditer(plain)]
    return found


def widget_texts(widget) -> list[str]:
    """Every text a widget tree shows: descriptions, option labels, HTML, input values and placeholders."""
    texts = []
    for name in ("description", "value", "placeholder"):
        value = getattr(widget, name, None)
        chosen_id = name == "value" and isinstance(widget, (w.Dropdown, w.ToggleButtons, w.SelectMultiple))  # shown by its label
        if isinstance(value, str) and value and not chosen_id:
            texts.append(value)
    texts += [str(label) for label in getattr(widget, "_options_labels", ())]
    for child in getattr(widget, "children", ()):
        texts += widget_texts(child)
    return texts


@pytest.fixture(params=["zh", "en"])
def language(request):
    return request.param


@pytest.fixture()
def params_dir(tmp_path):
    """A params folder with a scenario that names no title, one titled in Chinese only, and one of another indicator."""
    (tmp_path / "scenario_untitled.yaml").write_text("indicator: retail_sales_total\nstated_rate: 0.07\n", encoding="utf-8")
    (tmp_path / "scenario_zh_only.yaml").write_text("title: 社零：年均 8%\nindicator: retail_sales_total\nstated_rate: 0.08\n",
                                                   encoding="utf-8")
    (tmp_path / "scenario_tourism.yaml").write_text("title: 旅游\ntitle_en: Tourism\nindicator: tourism_visits\n", encoding="utf-8")
    return tmp_path


def test_saved_scenarios_are_listed_by_their_title_in_the_language_or_their_file_name(inputs, params_dir):
    zh = ExplorerApp(explorer.Session(inputs), language="zh", params_dir=params_dir)
    en = ExplorerApp(explorer.Session(inputs), language="en", params_dir=params_dir)
    assert [label for label, _ in zh.overlays.options] == ["旅游", "文件 scenario_untitled.yaml", "社零：年均 8%"]
    assert [label for label, _ in en.overlays.options] == ["Tourism", "file scenario_untitled.yaml", "file scenario_zh_only.yaml"]
    # overlaid: the chart's legend names them so; one of another indicator is named as not overlaid
    en.overlays.value = tuple(path for _, path in en.overlays.options)
    assert [lbl for lbl in en.figure.axes[0].get_legend_handles_labels()[1] if lbl.startswith("saved")] == [
        "saved: file scenario_untitled.yaml", "saved: file scenario_zh_only.yaml"]
    assert en.notice.value == "<p>not overlaid (another indicator): Tourism</p>"


def test_the_report_scenario_without_a_title_is_listed_by_its_file_name(inputs):
    app = ExplorerApp(explorer.Session(inputs), language="zh")  # the project's params/
    labels = dict((path.name, label) for label, path in app.overlays.options)
    assert labels["scenario_tertiary_value_added.yaml"] == "文件 scenario_tertiary_value_added.yaml"
    assert labels["scenario_retail_sales_total.yaml"] == explorer.load_scenario(
        explorer.scenario_path("retail_sales_total")).title


def test_every_text_the_explorer_shows_is_in_its_language(inputs, params_dir, language):
    app = ExplorerApp(explorer.Session(inputs), language=language, params_dir=params_dir)
    shown = widget_texts(app.widget)
    app.overlays.value = tuple(path for _, path in app.overlays.options)  # overlaid and not overlaid
    shown += widget_texts(app.widget)
    app.indicator.value = "tourism_visits"
    app.reading.value = "total"
    shown += widget_texts(app.widget)
    app.region.value = "650100"  # no annual data: the reason, and the chart's notice
    shown += widget_texts(app.widget) + [t.get_text() for t in app.figure.axes[0].texts]
    app.region.value, app.indicator.value = "652300", "tertiary_value_added"
    app.covid.value = "exclude"
    shown += widget_texts(app.widget)
    app.target_mode.value = "custom"
    app.target_value.value = -1  # invalid: the reason in the language
    shown.append(app.notice.value)
    app.target_value.value = 900
    for name in ("mine", "mine", "retail_sales_total", "Bad name"):  # saved, exists, a report scenario, a bad name
        app.save_name.value = name
        app.save()
        shown.append(app.save_status.value)
    assert "<code>" in app.save_status.value and app.message == ""
    assert len(shown) > 100
    assert foreign_words(shown, language) == []


def test_the_language_check_finds_a_word_of_the_other_language():
    """The check cannot pass by finding nothing: the English note the explorer showed before is caught."""
    old = "说明：no prediction interval: 2 points and 2 parameters leave no residual degrees of freedom"
    assert foreign_words([old], "zh")[:2] == [f"'prediction' in {old!r}", f"'interval' in {old!r}"]
    assert foreign_words(["latest actual 704.11 亿元 (2023)"], "en") == ["'亿元' in 'latest actual 704.11 亿元 (2023)'"]
    assert foreign_words(["已保存 <code>params/scenario_x.yaml</code>；文件 scenario_y.yaml"], "zh") == []


def test_every_catalogue_message_the_explorer_uses_exists_in_both_languages():
    keys = [k for k in words.catalogue() if k.startswith("explorer.")]
    assert {"explorer.invalid.target", "explorer.invalid.horizon", "explorer.overlay.file"} <= set(keys)
    assert foreign_words([words.text(k, "en", **{p: "" for p in words.placeholders(words.catalogue()[k]["en"])})
                          for k in keys], "en") == []
