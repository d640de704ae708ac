"""The report as data: a pure function from the pipeline's tables to everything the templates print.

:func:`build_context` takes a :class:`ReportData` (tables already read, no file access) and a
language, and returns a dict the Jinja2 templates in ``templates/report/`` render. The report has
the order of an official 中期评估: 一、总体评价 (the verdict in a few computed sentences, then the
主要指标完成情况表 and the progress chart), 二、主要指标进展 (pace before model, indicator by
indicator), 三、存在的主要问题 and 四、对策建议 (each item tied to a finding of
:mod:`analysis.findings`, shown only when its finding is present), then the annexes for
specialists (:mod:`analysis.report_annexes`). Every fact is computed here from the tables and
chosen by indicator or target id (never by row position); every word comes from the catalogue
(``analysis/messages/*.yml``) in the reader's language. Each caveat is a numbered note written
once (:meth:`~analysis.report_format.Writer.note`); sources are numbered references to the sources
annex. How a value, a unit or a citation is written is :mod:`analysis.report_format`; the tables
are read by :func:`analysis.report_data.load_report_data`, the one function that reads files.

Markup: text is :class:`markupsafe.Markup`; values from data are escaped when they are put into
a catalogue message. In the English edition Chinese words from the data are marked as quotations
of the original (``<q lang="zh">``).
"""
from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from analysis import catalogue, final_evaluation, findings, growth, labels, pace, provenance, rate_control, records, report_annexes, words
from analysis.bureau_table import REGION_CODES
from analysis.catalogue import SUBJECT_REGION
from analysis.findings import Finding, build_findings
from analysis.report_data import ReportData
from analysis.report_format import (
    Writer,
    cited_title,
    cutoff_words,
    cutoff_year,
    data_cutoff,
    decimals_of,
    figure_block,
    fmt_date,
    fmt_number,
    fmt_pct,
    fmt_year,
    is_missing,
    note_text,
    paragraph_block,
    series_sources,
    table_block,
    table_number,
    table_unit,
)

CHANGJI = SUBJECT_REGION
PLAN = provenance.PLAN_SOURCE_ID
URUMQI, XINJIANG = REGION_CODES[1:]
#: the file of each edition (Makefile: REPORT, REPORT_EN), for the link to the other edition
EDITION_FILES = {"zh": "mid_term_evaluation.html", "en": "mid_term_evaluation.en.html"}
TOURISM = ("tourism_visits", "tourism_revenue")
GDP_UNIT = catalogue.indicator("gdp")["unit"]
#: the department that leads the monitoring of the plan's targets (发展改革部门), as 对策建议 names it
LEAD_DEPARTMENT = "development_reform"
#: the plan's 表 2 marks no target as 约束性 (binding): every target is treated as 预期性 (indicative)
ATTRIBUTE = "expected"
#: the body's sections in order; the annexes follow (analysis/report_annexes.py)
BODY = ("assessment", "progress", "problems", "recommendations")


# --------------------------------------------------------------------------- small helpers
def _row(table: pd.DataFrame, **where) -> pd.Series | None:
    """The one row of ``table`` matching every ``column=value`` (``None`` if there is none)."""
    mask = pd.Series(True, index=table.index)
    for col, val in where.items():
        mask &= table[col] == val
    hits = table[mask]
    if len(hits) > 1:
        raise ValueError(f"{len(hits)} rows match {where}; expected one")
    return None if hits.empty else hits.iloc[0]


def _name(w: Writer, indicator_id: str, progress: pd.DataFrame | None = None, target_id=None) -> str:
    """A target's or an indicator's name in the reader's language (表 2's own label where there is one)."""
    if progress is not None and target_id is not None:
        r = _row(progress, target_id=target_id)
        if r is not None:
            return r["indicator_zh"] if w.lang == "zh" else r["indicator_en"]
    return labels.indicator(indicator_id, w.lang)


def _latest_year(data: ReportData) -> int | None:
    """The latest year with a full-year figure for the subject region (analysis/final_evaluation.py)."""
    return max(final_evaluation.data_years(data.observations), default=None)


def _status_counts(w: Writer, progress: pd.DataFrame) -> Markup:
    """How many judged targets stand at each status, as the results table says them (a level to maintain
    that fell below its target counted as such, last)."""
    counts = pd.Series(labels.shown_statuses(progress), dtype=object).value_counts()
    order = [s for s in labels.STATUSES if s != "no_data"] + [labels.MAINTAIN_BELOW]
    return w.join([w.t("count.status", n=int(counts[s]), status=labels.shown_status_word(s, None, w.lang))
                   for s in order if counts.get(s, 0)])


def _section_label(w: Writer, n: int, key: str) -> Markup:
    return w.t("section.numbered", n=w.t(f"numeral.{n}") if w.lang == "zh" else n, title=w.t(key))


# --------------------------------------------------------------------------- the context
def build_context(data: ReportData, language: str) -> dict:
    """Everything the report templates print, in ``language`` (``zh`` or ``en``).

    Returns ``{"lang", "title", "meta", "sections", "findings", "figure_count", "table_count", …}``;
    each section has an ``anchor``, a ``heading``, ``annex`` (bool) and ``blocks`` (paragraph,
    list, items, figure, table, rate_control, notes, subheading, sources, details) in reading order.
    ``findings`` are the ids of the findings the problems and recommendations rest on.
    """
    w = Writer(language, data.provenance)
    findings = build_findings(data)
    plan = data.provenance["sources"][PLAN]
    plan_title = plan["title_zh"] if language == "zh" else plan["title_en"]
    base_year = int(data.plan_targets["base_year"].min())
    target_year = int(data.plan_targets["target_year"].max())
    elapsed = (data.evaluation_year - base_year) / (target_year - base_year)
    annex_no = report_annexes.ANNEX_NUMBERS
    # read after the plan period ended: the recommendations look to the final evaluation and the next plan
    w.plan_over = (cutoff_year(data.provenance) or 0) > target_year

    builders = {
        "assessment": lambda: _assessment(w, data, findings, base_year, target_year, elapsed, annex_no),
        "progress": lambda: _progress(w, data, target_year, annex_no),
        "problems": lambda: _problems(w, data, findings),
        "recommendations": lambda: _recommendations(w, data, findings, annex_no),
    }
    sections = []
    for i, anchor in enumerate(BODY, start=1):
        blocks = builders[anchor]() + w.flush_notes()
        sections.append({"anchor": anchor, "heading": _section_label(w, i, f"section.{anchor}"), "annex": False, "blocks": blocks})
    sections += report_annexes.annexes(w, data, base_year, target_year, elapsed)

    meta = [
        w.t("report.meta.plan", issuer=plan.get("issuer") if language == "zh" else plan.get("issuer_en", ""),
            plan=Markup("{} ({})").format(plan["title_en"], cited_title(plan["title_zh"], "zh")) if language == "en" else plan_title,
            number=plan["document_number"], date=fmt_date(plan["date"], language)),
        w.t("report.meta.evaluation", year=data.evaluation_year, elapsed=fmt_pct(elapsed, 0), start=base_year + 1, end=target_year),
        cutoff_words(data.provenance, _latest_year(data), data.evaluation_year, language),
        w.t("report.meta.author"),
    ]
    other = next(lang for lang in words.LANGUAGES if lang != language)
    return {"lang": language, "title": w.t("report.title", plan=plan_title), "meta": meta, "toc_title": w.t("report.contents"),
            "other_edition": {"lang": other, "href": EDITION_FILES[other], "name": words.text("language_name", other)},
            "sections": sections, "findings": [f.id for f in findings], "figure_count": w.figures, "table_count": w.tables,
            "caption_sources": w.t("caption.sources"), "separator": w.t("list.reference"),
            "missing": words.text("missing_value", language)}


# --------------------------------------------------------------------------- 一、总体评价
def _assessment(w: Writer, data: ReportData, findings: list[Finding], base_year: int, target_year: int,
                elapsed: float, annex_no: dict) -> list[dict]:
    prog = data.progress
    by_kind = {f.kind: f for f in findings}
    judged = prog[prog["status"] != "no_data"]
    no_data = len(prog) - len(judged)
    # the verdict in a few paragraphs: where things stand, the pace, the plan's own flaws, what cannot be judged
    standing = [w.t("assessment.counts" if len(judged) else "assessment.counts_none", year=data.evaluation_year,
                    elapsed=fmt_pct(elapsed, 0), n=len(prog), judged=len(judged), no_data=no_data,
                    counts=_status_counts(w, prog))]
    if w.plan_over:  # read after the plan period ended: say why it still evaluates as of the evaluation year
        standing.append(w.t("assessment.plan_over", cutoff=data_cutoff(data.provenance, w.lang), year=data.evaluation_year,
                            latest=_latest_year(data) or "—"))
    if "lagging" in by_kind:
        key = "assessment.below" if _all_below(data, by_kind["lagging"]) else "assessment.lagging"
        standing.append(w.t(key, items=w.join([_lagging_item(w, prog, x) for x in by_kind["lagging"].items], "list.semicolon")))
    if "weak_sources" in by_kind:  # how far to trust it, said where the judgment is made
        n_weak = len(by_kind["weak_sources"].items)
        robust = data.robustness
        official = 0 if robust is None else int((robust["status_official"] != "no_data").sum())
        key = ("assessment.weak_sources_all" if official else "assessment.weak_sources_all.no_official") if n_weak == len(judged) \
            else ("assessment.weak_sources" if official else "assessment.weak_sources.no_official")
        standing.append(w.t(key, judged=len(judged), n=n_weak,
                            grade=labels.grade("encyclopedia_blog", w.lang), official=official))
    all_weak = "weak_sources" in by_kind and len(by_kind["weak_sources"].items) == len(judged)
    outlook = _outlook(w, data, target_year, no_data, provisional=all_weak)
    paragraphs = [w.sentences([outlook, *standing] if outlook else standing)]
    paced = [s | {"indicator_id": i} for i, s in data.summaries.items() if not is_missing(s.get("pace_rate"))
             and not is_missing(s.get("required_rate"))]
    if paced:
        paragraphs.append(w.t("assessment.pace", items=w.join([_pace_item(w, s) for s in paced], "list.semicolon")))
    flaws = [x for k in ("plan_inconsistent", "plan_ambiguous") if k in by_kind for x in by_kind[k].items]
    if flaws:
        paragraphs.append(w.t("assessment.plan_flaws", n=len(flaws), topics=w.join([report_annexes.audit_topic(w, x) for x in flaws]),
                              problems=_section_label(w, 3, "section.problems"), annex=annex_no["audit"]))
    if no_data:
        paragraphs.append(w.t("assessment.data_gap", n=no_data, annex=annex_no["gaps"]))
    blocks = [{"kind": "lede", "paragraphs": paragraphs}]
    # the verdict as a picture: 完成进度 of each judged target against 序时进度 (notebooks/30_evaluation.py)
    blocks.append(figure_block(w, "target_progress.svg", w.t("figure.progress_caption", year=data.evaluation_year, judged=len(judged),
                                                             counts=_status_counts(w, judged), no_data=no_data),
                               [PLAN] + sorted({s.strip() for v in judged["source_id"].dropna() for s in str(v).split("+")})))
    blocks.append(_results_table(w, data, target_year))
    blocks += _results_notes(w, data, base_year, target_year, elapsed, annex_no)
    return blocks


def _all_below(data: ReportData, f: Finding) -> bool:
    """Whether every target of a ``lagging`` finding is a level to maintain that fell below its target: then
    it is said as below the target, not as behind schedule."""
    rows = [_row(data.progress, target_id=x["target_id"]) for x in f.items]
    return bool(rows) and all(r is not None and _maintain_below(r) for r in rows)


def _maintain_below(r) -> bool:
    """A level the plan asks to maintain (its 2020 value already met it) that has fallen below it."""
    return labels.shown_status(r.get("status"), r.get("method")) == labels.MAINTAIN_BELOW


def _status_word(w: Writer, r, target: pd.Series | None = None) -> str:
    """A target's assessment as the results table says it: its status; for a level to maintain that has
    fallen below its target, that (behind schedule would suggest it can still catch up with time); for a
    target with a latest value but no baseline to measure from, that (not that it has no data)."""
    if _maintain_below(r):
        return w.t("assessment.status.maintain_below")
    if r["status"] == "no_data" and not is_missing(r["actual_value"]) and (target is None or is_missing(target.get("baseline_2020"))):
        return w.t("assessment.status.no_baseline")
    return labels.status(r["status"], w.lang)


def _outlook(w: Writer, data: ReportData, target_year: int, no_data: int, provisional: bool = False) -> Markup | None:
    """总体看 / Overall: the verdict in one sentence — which targets the recent pace reaches (or reaches at least
    the ``pace_broadly_met`` share of), which it does not, which levels to maintain are already below, and how
    many cannot be judged; ``provisional`` when every judgment rests on unverified pages, said as a first
    reading. None when nothing can be said."""
    cut = data.thresholds.get("pace_broadly_met")
    groups: dict[str, list] = {"met": [], "broadly": [], "short": []}
    for ind, s in data.summaries.items():
        share = s.get("pace_share_of_target")
        if is_missing(share):
            continue
        cls = "met" if share >= 1 else "broadly" if cut is not None and share >= cut else "short"
        groups[cls].append((w.in_sentence(labels.indicator(ind, w.lang)), fmt_pct(share, 0)))
    parts = [w.t(f"assessment.outlook.{cls}", names=w.join([n for n, _ in items], "list.names"),
                 shares=w.join([p for _, p in items]), year=target_year) for cls, items in groups.items() if items]
    below = [r for _, r in data.progress.sort_values("target_id").iterrows() if _maintain_below(r)]
    if below:
        parts.append(w.t("assessment.outlook.below", names=w.join(
            [w.in_sentence(_name(w, r["indicator_id"], data.progress, r["target_id"])) for r in below], "list.names")))
    if no_data:
        parts.append(w.t("assessment.outlook.unknown", n=no_data))
    key = "assessment.outlook.provisional" if provisional else "assessment.outlook"
    return w.t(key, items=w.join(parts, "list.semicolon")) if parts else None


def _lagging_item(w: Writer, prog: pd.DataFrame, x: dict) -> Markup:
    name = w.in_sentence(_name(w, x["indicator_id"], prog, x["target_id"]))
    if x["unit"] == "%" and x["baseline"] is not None and x["actual"] is not None:
        diff = x["actual"] - x["baseline"]
        return w.t(f"assessment.lagging_share.{'fell' if diff < 0 else 'rose'}", indicator=name, year=x["year"],
                   value=fmt_number(x["actual"], 1), base_year=x["base_year"], base=fmt_number(x["baseline"], 1),
                   points=fmt_number(abs(diff), 1), target=fmt_number(x["target"], decimals_of(x["target"])))
    r = _row(prog, target_id=x["target_id"])
    return w.t("assessment.lagging_level", indicator=name, year=x["year"], achieved=fmt_pct(r["achieved_share"], 0),
               elapsed=fmt_pct(r["elapsed_share"], 0))


def _pace_item(w: Writer, s: dict) -> Markup:
    below = s["pace_rate"] < s["required_rate"]
    return w.t(f"assessment.pace_item.{'below' if below else 'above'}", indicator=w.in_sentence(labels.indicator(s["indicator_id"], w.lang)),
               start=int(s["pace_start_year"]), end=int(s["pace_end_year"]), pace=fmt_pct(s["pace_rate"]),
               required=fmt_pct(s["required_rate"]), target_year=int(s["target_year"]),
               value=w.amount(s["pace_value_at_target_year"], s["unit"], 0), share=fmt_pct(s["pace_share_of_target"], 0))


def _target_cell(w: Writer, target: pd.Series) -> Markup:
    """A 表 2 target in the table's unit: ``≥ 830`` (``≥ 83`` CNY billion in English)."""
    value = table_number(target["target_value"], target["unit"], w.lang, decimals_of(target["target_value"]))
    return w.t("target.at_least" if target.get("direction") == "at_least" else "target.plain", amount=value)


def _latest_cell(w: Writer, r: pd.Series, data: ReportData) -> Markup:
    """The latest value (year), or for a growth-rate target the realised average growth (years), with its caveat notes."""
    notes = report_annexes.caveat_marks(w, data, r["target_id"], "status")
    if r["kind"] == "average_growth_rate" and not is_missing(r.get("realised_rate")):
        cell = w.t("results.realised", rate=fmt_number(float(r["realised_rate"]) * 100, 1), start=int(r["base_year"]),
                   end=fmt_year(r["actual_year"]))
    elif is_missing(r["actual_value"]):
        return Markup("—")
    else:
        cell = w.t("scenarios.latest", value=table_number(r["actual_value"], r["unit"], w.lang), year=fmt_year(r["actual_year"]))
    return Markup("{}{}").format(cell, notes)


def _baseline(r: pd.Series, target: pd.Series):
    """The 2020 value a row of the results table shows: the baseline the scoreboard measured from, else the
    plan's own 2020 value (表 2's targets 12 and 13 have one even without later data)."""
    if not is_missing(r["baseline_value"]):
        return r["baseline_value"]
    return target.get("baseline_2020") if target.get("unit") == r["unit"] else None


def _results_table(w: Writer, data: ReportData, target_year: int) -> dict:
    """主要指标完成情况表: every target of 表 2 in one short row (no prose in cells)."""
    prog = data.progress.sort_values("target_id")
    targets = data.plan_targets.set_index("target_id")
    grades = {} if data.robustness is None else data.robustness.set_index("target_id")["weakest_quality_status"].to_dict()
    rows, attributes, sources = [], [], [PLAN]
    for _, r in prog.iterrows():
        tid = int(r["target_id"])
        target = targets.loc[tid]
        srcs = [s for s in str(r["source_id"]).split("+") if not is_missing(r["source_id"])]
        sources += [s.strip() for s in srcs]
        for s in srcs:
            w.numbers.setdefault(s.strip(), set()).add(f"{_name(w, r['indicator_id'], prog, tid)} {fmt_year(r['actual_year'])}")
        rate_target = r["kind"] == "average_growth_rate"
        grade = grades.get(tid)
        rows.append([tid, _name(w, r["indicator_id"], prog, tid), table_unit(r["unit"], w.lang), w.t(f"attribute.{ATTRIBUTE}"),
                     Markup("—") if rate_target else table_number(_baseline(r, target), r["unit"], w.lang,
                                                                  0 if r["unit"] in labels.COUNT_UNITS else 2),
                     _target_cell(w, target), _latest_cell(w, r, data),
                     fmt_pct(r["achieved_share"], 0), fmt_pct(r["elapsed_share"], 0), _status_word(w, r, target),
                     labels.grade(grade, w.lang) if isinstance(grade, str) and r["status"] != "no_data" else Markup("—")])
        attributes.append({"data-target-id": tid, "data-status": r["status"]})
    cols = [w.t("col.no"), w.t("col.indicator"), w.t("col.unit"), w.t("col.attribute"), w.t("col.base_value", year=int(prog["base_year"].min())),
            w.t("col.target_value", year=target_year), w.t("col.latest"), w.t("col.achieved"), w.t("col.elapsed"),
            w.t("col.assessment"), w.t("col.grade")]
    table = table_block(w, w.t("results.caption", year=data.evaluation_year, n=len(prog)), cols, rows, sources)
    return table | {"row_attributes": attributes, "role": "results"}


def _results_notes(w: Writer, data: ReportData, base_year: int, target_year: int, elapsed: float, annex_no: dict) -> list[dict]:
    th = data.thresholds
    margin = lambda x: fmt_number(float(x) * 100, 0)  # noqa: E731  (a fraction of the period, in percentage points)
    grades = w.join([w.t("results.grade_item", grade=labels.grade(q, w.lang), quality=w.t(f"results.grade.{q}"))
                     for q in labels.QUALITY_FLAGS], "list.semicolon")
    items = [w.t("results.note.attribute", attribute=w.t(f"attribute.{ATTRIBUTE}")),
             w.t("results.note.progress", base=base_year, end=target_year, year=data.evaluation_year, elapsed=fmt_pct(elapsed, 0)),
             w.t("results.note.statuses", achieved=labels.status("achieved", w.lang), faster=labels.status("faster", w.lang),
                 on_track=labels.status("on_track", w.lang), lagging=labels.status("lagging", w.lang),
                 no_data=labels.status("no_data", w.lang), ahead=margin(th["ahead_margin"]), behind=margin(th["lagging_margin"]),
                 annex=annex_no["gaps"], no_baseline=w.t("assessment.status.no_baseline"),
                 maintain_below=labels.shown_status_word(labels.MAINTAIN_BELOW, None, w.lang)),
             w.t("results.note.grades", grades=grades)]
    if th.get("pace_broadly_met") is not None:  # the words of the verdict's first sentence (_outlook), defined once
        items.append(w.t("results.note.outlook", year=target_year, share=fmt_pct(float(th["pace_broadly_met"]), 0)))
    return [{"kind": "table_notes", "title": w.t("notes.table"), "items": items}]


# --------------------------------------------------------------------------- 二、主要指标进展
def _progress(w: Writer, data: ReportData, target_year: int, annex_no: dict) -> list[dict]:
    blocks, n = [], 0
    robust = data.robustness
    scenario_target = {} if robust is None else robust.dropna(subset=["scenario_id"]).set_index("scenario_id")["target_id"].to_dict()
    for ind, s in data.summaries.items():
        if ind in TOURISM or is_missing(s.get("pace_rate")):
            continue
        n += 1
        blocks.append({"kind": "subheading", "text": _subheading(w, n, labels.indicator(ind, w.lang))})
        blocks.append(paragraph_block(_pace_paragraph(w, data, ind, s, scenario_target.get(ind), annex_no)))
        blocks += _scenario_figure(w, ind, s)
        blocks += w.flush_notes()  # each indicator's notes under it, beside its chart
        if ind == "tertiary_value_added":
            share = _row(data.progress, indicator_id="tertiary_share_of_gdp")
            if share is not None and not is_missing(share["actual_value"]):
                n += 1
                blocks.append({"kind": "subheading", "text": _subheading(w, n, _name(w, share["indicator_id"], data.progress, share["target_id"]))})
                blocks.append(paragraph_block(_share_paragraph(w, data, share)))
                blocks += w.flush_notes()
    tourism = [i for i in TOURISM if i in data.summaries]
    if tourism:
        n += 1
        blocks.append({"kind": "subheading", "text": _subheading(w, n, w.t("progress.tourism"))})
        blocks.append(paragraph_block(_tourism_paragraph(w, data, tourism, target_year, annex_no)))
    return blocks


def _subheading(w: Writer, n: int, title) -> Markup:
    """（一）… in Chinese; 2.1 … in English (the number of the progress section, then ``n``)."""
    return w.t("subsection.numbered", n=w.t(f"numeral.{n}") if w.lang == "zh" else f"{BODY.index('progress') + 1}.{n}", title=title)


def _pace_paragraph(w: Writer, data: ReportData, ind: str, s: dict, target_id, annex_no: dict) -> Markup:
    """Pace before model: the recent pace against the pace required (both nominal), what the pace gives
    in the target year, the stated rate's basis, the trend as a cross-check in words, the peers' pace."""
    unit, target_year = s["unit"], int(s["target_year"])
    below = s["pace_rate"] < s["required_rate"]
    parts = [w.t(f"pace.sentence.{'below' if below else 'above'}", indicator=w.in_sentence(labels.indicator(ind, w.lang)),
                 start=int(s["pace_start_year"]), end=int(s["pace_end_year"]), pace=fmt_pct(s["pace_rate"]),
                 required=fmt_pct(s["required_rate"]), target_year=target_year, target=w.amount(s["target"], unit, decimals_of(s["target"])),
                 value=w.amount(s["pace_value_at_target_year"], unit, 0), share=fmt_pct(s["pace_share_of_target"], 0),
                 notes=report_annexes.caveat_marks(w, data, target_id, "status") + _covid_mark(w, data, s))]
    if not is_missing(s.get("stated_rate")):
        if ind in records.real_growth_indicators():
            implied = growth.required_growth(float(s["base_value"]), float(s["target"]), target_year - int(s["base_year"])) \
                if not is_missing(s.get("base_value")) else float("nan")
            parts.append(w.t("pace.basis.stated_real", stated=_stated(s), target=w.amount(s["target"], unit, decimals_of(s["target"])),
                             base_year=int(s["base_year"]), target_year=target_year, implied=fmt_pct(implied)))
        elif float(s["required_rate"]) > s["pace_rate"] >= float(s["stated_rate"]):  # the plan's two targets disagree
            parts.append(w.t("pace.basis.stated_nominal_short", stated=_stated(s), required=fmt_pct(s["required_rate"]),
                             problems=_section_label(w, 3, "section.problems")))
        else:
            parts.append(w.t("pace.basis.stated_nominal", stated=_stated(s)))
    parts.append(_trend_words(w, data, s, target_id, annex_no))
    peers = _peer_items(w, data, ind)
    if peers:
        parts.append(w.t("pace.peers", items=w.join(peers, "list.semicolon")))
    return w.sentences(parts)


def _covid_mark(w: Writer, data: ReportData, s: dict) -> Markup:
    """A note mark when the recent pace starts in a COVID year (growth.COVID_YEARS): a depressed base flatters it."""
    covid = data.covid_years
    if not covid or is_missing(s.get("pace_start_year")) or int(s["pace_start_year"]) not in covid:
        return Markup("")
    return w.note(w.t("pace.note.covid_base", year=int(s["pace_start_year"]), start=covid[0], end=covid[-1]))


def _stated(s: dict) -> str:
    """The plan's stated rate with the plan's own decimals (8%, 6.5%)."""
    return fmt_pct(s["stated_rate"], decimals_of(round(float(s["stated_rate"]) * 100, 6)))


def _trend_words(w: Writer, data: ReportData, s: dict, target_id, annex_no: dict) -> Markup:
    n = int(s["n_actual"])
    if is_missing(s.get("trend_rate")):
        return w.t("trend.none", n=n)
    notes = report_annexes.caveat_marks(w, data, target_id, "trend")
    band = pace.rounded_range(s.get("trend_lower"), s.get("trend_upper"))
    if band is None:
        return w.t("trend.no_interval", n=n, notes=notes)
    bands = data.thresholds.get("odds_bands")
    odds = pace.odds_band(s.get("probability_of_target"), bands) if bands else None
    key = "trend.crosscheck" if odds else "trend.crosscheck_no_odds"
    return w.t(key, n=n, target_year=int(s["target_year"]), range=w.amount_range(band[0], band[1], s["unit"]),
               odds=w.t(f"odds.{odds}") if odds else "", annex=annex_no["scenarios"], notes=notes)


def _peer_items(w: Writer, data: ReportData, ind: str) -> list[Markup]:
    """The same pace for Urumqi and Xinjiang: from their 2020 value in the plan's Table 1 to their latest published year."""
    cmp = data.comparison[data.comparison["indicator_id"] == ind]
    start = {str(r.region_code): (int(r.year), float(r.value)) for r in cmp.itertuples() if str(r.region_code) != CHANGJI}
    obs = data.observations
    sel = obs[obs["selected"].astype(bool) & (obs["period"] == "full_year") & (obs["indicator_id"] == ind)
              & obs["value"].notna() & (obs["year"] <= data.evaluation_year)]
    latest = {}
    for code, grp in sel.groupby(sel["region_code"].astype(str)):
        r = grp.sort_values("year").iloc[-1]
        latest[code] = (int(r["year"]), float(r["value"]))
        w.numbers.setdefault(r["source_id"], set()).add(f"{labels.indicator(ind, w.lang)} {int(r['year'])}")
    return [w.t("pace.peer_item", region=w.region(code), start=p["start_year"], end=p["end_year"], rate=fmt_pct(p["rate"]))
            for code, p in pace.peer_paces(start, latest).items() if code in (URUMQI, XINJIANG)]


def _share_paragraph(w: Writer, data: ReportData, share: pd.Series) -> Markup:
    diff = float(share["actual_value"]) - float(share["baseline_value"])
    direction = "fell" if diff < 0 else "rose" if diff > 0 else "held"
    text = w.t(f"progress.share_{direction}", year=fmt_year(share["actual_year"]), value=fmt_number(share["actual_value"], 1),
               base_year=int(share["base_year"]), base=fmt_number(share["baseline_value"], 1),
               target=fmt_number(share["target_value"], 0), status=_status_word(w, share),
               points=fmt_number(abs(diff), 1), notes=report_annexes.caveat_marks(w, data, share["target_id"], "status"))
    parts = [text]
    target = _row(data.plan_targets, target_id=share["target_id"])
    numerator = data.summaries.get(str(target.get("numerator_id")) if target is not None else "", {})
    split = findings.share_decomposition(share, None if is_missing(numerator.get("base_value")) else float(numerator["base_value"]),
                                         data.observations, CHANGJI)
    if split is not None and split["gdp_rate"] > split["numerator_rate"]:  # the denominator outgrew the numerator
        parts.append(w.t("progress.share_why", base_year=split["base_year"], year=split["year"],
                         gdp_base=w.amount(split["gdp_base"], GDP_UNIT, 0), gdp_latest=w.amount(split["gdp_latest"], GDP_UNIT),
                         gdp_rate=fmt_pct(split["gdp_rate"]), numerator_rate=fmt_pct(split["numerator_rate"])))
    how = [note_text(w, key, params) for key, params in words.from_json(share.get("note_messages"))]
    if how:
        parts.append(w.t("progress.share_how", how=w.join(how, "list.semicolon")))
    return w.sentences(parts)


def _tourism_paragraph(w: Writer, data: ReportData, indicators: list[str], target_year: int, annex_no: dict) -> Markup:
    parts = []
    for ind in indicators:
        s, readings = data.summaries[ind], data.readings.get(ind)
        if is_missing(s.get("latest_value")):
            parts.append(w.t("progress.tourism_none", indicator=w.in_sentence(labels.indicator(ind, w.lang))))
            continue
        annual = total = None
        if readings is not None:
            for x in readings.itertuples():
                if x.required_kind == "growth_rate":
                    annual = fmt_pct(x.required)
                elif not is_missing(x.required):
                    total = w.t("progress.tourism_total", start=int(str(x.reading).split("_")[1]), end=target_year,
                                n=len(str(x.missing_years).split(",")) if isinstance(x.missing_years, str) else 0,
                                amount=w.amount(x.required, s["unit"], 0 if x.required >= 100 else 2))  # no false precision in prose
        target_row = _row(data.progress, indicator_id=ind, kind="level")
        # the target as the plan writes it (1 亿人次), not converted to the series' unit
        target = w.amount(s["target"], s["unit"], decimals_of(s["target"])) if target_row is None else \
            w.amount(target_row["target_value"], target_row["unit"], decimals_of(target_row["target_value"]))
        parts.append(w.t("progress.tourism_item", indicator=labels.indicator(ind, w.lang), year=fmt_year(s["latest_year"]),
                         value=w.amount(s["latest_value"], s["unit"]), target=target,
                         target_year=target_year, annual=annual or Markup("—"), total=total or Markup("—"),
                         notes=report_annexes.caveat_marks(w, data, None if target_row is None else target_row["target_id"], "status")))
    parts.append(w.t("progress.tourism_readings", annex=annex_no["scenarios"], audit=annex_no["audit"]))
    return w.sentences(parts)


def _scenario_figure(w: Writer, ind: str, s: dict) -> list[dict]:
    """The scenario chart with a takeaway caption and, under it, the reader's own rate."""
    sources = [u["source"] for u in series_sources(s.get("series_sources"))] + [PLAN]
    for u in series_sources(s.get("series_sources")):
        w.numbers.setdefault(u["source"], set()).add(f"{labels.indicator(ind, w.lang)} {u['year']}")
    below = s["pace_rate"] < s["required_rate"]
    caption = w.t(f"figure.scenario_takeaway.{'below' if below else 'above'}", indicator=labels.indicator(ind, w.lang),
                  start=int(s["pace_start_year"]), end=int(s["pace_end_year"]), pace=fmt_pct(s["pace_rate"]),
                  required=fmt_pct(s["required_rate"]))
    chart = figure_block(w, f"scenario_{ind}.svg", caption, sources)
    blocks = [chart]
    if control := rate_control.block(s, w.lang, chart):  # the reader's own rate, under the chart and drawn on it
        blocks.append(control)
    return blocks


# --------------------------------------------------------------------------- 三、存在的主要问题 / 四、对策建议
def _finding_words(w: Writer, data: ReportData, f: Finding) -> dict:
    """The parameters of a finding's problem and recommendation messages, in the reader's language."""
    prog = data.progress
    names = lambda items: w.join([w.in_sentence(_name(w, x["indicator_id"], prog, x.get("target_id"))) for x in items], "list.names")  # noqa: E731
    if f.kind == "lagging":
        return {"items": w.join([_lagging_item(w, prog, x) for x in f.items], "list.semicolon"), "indicators": names(f.items)}
    if f.kind == "pace_gap":
        return {"items": w.join([w.t("problem.pace_gap_item", indicator=w.in_sentence(labels.indicator(x["indicator_id"], w.lang)), start=x["start_year"],
                                     end=x["end_year"], pace=fmt_pct(x["pace"]), required=fmt_pct(x["required"]),
                                     target_year=x["target_year"], share=fmt_pct(x["share"], 0)) for x in f.items], "list.semicolon"),
                "targets": w.join([w.t("recommendation.pace_gap_item", indicator=w.in_sentence(labels.indicator(x["indicator_id"], w.lang)),
                                       required=fmt_pct(x["required"]), start=x["end_year"] + 1, end=x["target_year"]) for x in f.items],
                                  "list.semicolon")}
    if f.kind == "target_conflict":
        first = f.items[0]
        return {"year": first["gdp_year"], "gdp": w.amount(first["gdp"], GDP_UNIT),
                "items": w.join([w.t("problem.target_conflict_item",
                                     numerator=w.in_sentence(labels.indicator(x["numerator_id"], w.lang)),
                                     level_target=w.amount(x["level_target"], x["unit"], decimals_of(x["level_target"])),
                                     implied=fmt_pct(x["implied_share"] / 100), share_target=fmt_number(x["share_target"], decimals_of(x["share_target"])),
                                     needed=w.amount(x["needed"], x["unit"], 0)) for x in f.items], "list.semicolon"),
                "numbers": w.join(sorted({str(n) for x in f.items for n in (x["level_target_id"], x["share_target_id"])}, key=int))}
    if f.kind == "comparability":
        return {"items": w.join([Markup("{}{}").format(w.in_sentence(_name(w, x["indicator_id"], prog, x["target_id"])),
                                                       report_annexes.caveat_marks(w, data, x["target_id"], "status"))
                                 for x in f.items], "list.names"), "indicators": names(f.items)}
    if f.kind in ("plan_inconsistent", "plan_ambiguous"):
        # what to do about each: its own sentence where the catalogue has one, the rest named together
        sentences = [(x, report_annexes.audit_sentence(w, x, "recommendation")) for x in f.items]
        own = [a for _, a in sentences if a]
        rest = [x for x, a in sentences if not a]
        if rest:
            own.append(w.t(f"recommendation.audit.{f.kind}", topics=w.join([report_annexes.audit_topic(w, x) for x in rest], "list.semicolon")))
        # after the plan period the actions are clauses of one sentence (recommendation.<kind>.after_plan)
        return {"items": w.sentences([report_annexes.audit_problem(w, x) for x in f.items]),
                "actions": w.join(own, "list.semicolon") if w.plan_over else w.sentences(own)}
    if f.kind == "data_gap":  # the lead department is named by the recommendation itself, not again in the list
        return {"n": len(f.items), "total": len(prog), "indicators": names(f.items),
                "publishers": report_annexes.publishers_of(w, [x["indicator_id"] for x in f.items], exclude=(LEAD_DEPARTMENT,))}
    if f.kind == "weak_sources":
        judged = int((prog["status"] != "no_data").sum())
        return {"n": len(f.items), "judged": judged, "indicators": names(f.items),
                "publishers": report_annexes.publishers_of(w, [x["indicator_id"] for x in f.items])}
    raise KeyError(f"finding kind {f.kind!r} has no words")


def _items_block(w: Writer, data: ReportData, findings: list[Finding], recommendations: bool, extra: dict) -> dict:
    """One numbered item per finding (``problem.<kind>`` or ``recommendation.<kind>``), carrying the finding's id."""
    def key(f: Finding) -> str:  # a level to maintain that fell below its target is not "behind schedule"
        kind = "below" if f.kind == "lagging" and _all_below(data, f) else \
            "weak_sources_all" if f.kind == "weak_sources" and len(f.items) == int((data.progress["status"] != "no_data").sum()) \
            else f.kind
        return f"recommendation.{kind}" if recommendations else f"problem.{kind}"
    items = [{"finding": f.id, "text": w.t(key(f), **_finding_words(w, data, f), **extra)} for f in findings]
    return {"kind": "items", "items": items}


def _problems(w: Writer, data: ReportData, findings: list[Finding]) -> list[dict]:
    if not findings:
        return [paragraph_block(w.t("problems.none"))]
    return [_items_block(w, data, findings, False, {"annex": report_annexes.ANNEX_NUMBERS["gaps"]})]


def _recommendations(w: Writer, data: ReportData, findings: list[Finding], annex_no: dict) -> list[dict]:
    if not findings:
        return [paragraph_block(w.t("recommendations.none"))]
    return [_items_block(w, data, findings, True, {"annex": annex_no["gaps"]})]
