"""The report as data: a pure function from the pipeline's tables to everything the templates print.

:func:`build_context` takes a :class:`ReportData` (tables already read, no file access) and a
language, and returns a dict the Jinja2 templates in ``templates/report/`` render. Every fact in
the text is computed here from the tables and chosen by indicator id (never by row position);
every word comes from the catalogue (``analysis/messages/*.yml``) in the reader's language.
Figures and tables are numbered in the order they appear; each caption cites its sources
(publisher or short title, year, quality in words) linking to the sources section, which says
which figures and tables use each source. One builder per section (``_guide``, ``_findings``,
``_comparison``, ``_scenarios``, ``_scoreboard``, ``_audit``, ``_methods``, ``_sources``, ``_stamp``)
says *what* the report says; how a value, a unit, a note or a citation is written, and the numbering,
are :mod:`analysis.report_format` (:class:`~analysis.report_format.Writer`); the tables are read by
:func:`analysis.report_data.load_report_data`, the one function that reads files.

Markup: text is :class:`markupsafe.Markup`; values from data are escaped when they are put into
a catalogue message. In the English edition Chinese words from the data (plan quotes, labels in
notes) are marked as quotations of the original (``<q lang="zh">``) and source titles in
Chinese as ``<cite lang="zh">`` with the English title beside them; in the Chinese edition
English source titles are ``<cite lang="en">``.
"""
from __future__ import annotations

import re

import pandas as pd
from markupsafe import Markup, escape

from analysis import final_evaluation, labels, provenance, rate_control, scoreboard, trust, trust_words, words
from analysis.bureau_table import REGION_CODES
from analysis.catalogue import SUBJECT_REGION
from analysis.report_data import ReportData
from analysis.report_format import (
    HAS_CJK,
    Writer,
    cited_title,
    decimals_of,
    figure_block,
    fmt_number,
    fmt_pct,
    fmt_year,
    is_missing,
    list_block,
    mark_latin,
    note_text,
    paragraph_block,
    quoted,
    series_sources,
    status_code,
    stored_message,
    table_block,
    table_cell,
    years_list,
)

CHANGJI = SUBJECT_REGION
PLAN = provenance.PLAN_SOURCE_ID
URUMQI, XINJIANG = REGION_CODES[1:]
#: the file of each edition (Makefile: REPORT, REPORT_EN), for the link to the other edition
EDITION_FILES = {"zh": "mid_term_evaluation.html", "en": "mid_term_evaluation.en.html"}
REGION_ORDER = REGION_CODES
TOURISM = ("tourism_visits", "tourism_revenue")


# --------------------------------------------------------------------------- small helpers
def _trusted(data: ReportData, language: str) -> pd.DataFrame | None:
    """Per target: the weakest source, caveats and sensitivity beside its status (analysis/trust_words.py)."""
    if data.robustness is None or data.conclusion_caveats is None:
        return None
    return trust_words.target_words(data.robustness, data.conclusion_caveats, language)


def _rests_on(trusted: pd.DataFrame | None, target_id) -> str:
    if trusted is None or is_missing(target_id) or int(target_id) not in trusted.index:
        return "—"
    return trusted.loc[int(target_id), "summary"]


def _with_trust(w: Writer, trusted: pd.DataFrame | None, finding: Markup, target_id) -> Markup:
    """``finding`` followed by the weakest source quality and the caveats of the target it rests on
    (the scoreboard's words, :func:`analysis.trust_words.target_words`); unchanged when the trust
    tables are not built or the target rests on nothing."""
    if trusted is None or is_missing(target_id) or int(target_id) not in trusted.index:
        return finding
    row = trusted.loc[int(target_id)]
    parts = [p for p in (row["quality"], row["caveats"]) if isinstance(p, str) and p]
    return w.t("findings.with_trust", finding=finding, trust=words.text("trust.list_separator", w.lang).join(parts))


def _row(table: pd.DataFrame, **where) -> pd.Series | None:
    """The one row of ``table`` matching every ``column=value`` (``None`` if there is none)."""
    mask = pd.Series(True, index=table.index)
    for col, val in where.items():
        mask &= table[col] == val
    hits = table[mask]
    if len(hits) > 1:
        raise ValueError(f"{len(hits)} rows match {where}; expected one")
    return None if hits.empty else hits.iloc[0]


# --------------------------------------------------------------------------- the context
def build_context(data: ReportData, language: str) -> dict:
    """Everything the report templates print, in ``language`` (``zh`` or ``en``).

    Returns ``{"lang", "title", "intro", "guide", "sections", "figure_count", "table_count"}``;
    each section has an ``anchor``, a ``heading`` and ``blocks`` (paragraph, list, figure,
    table, sources, details) in reading order.
    """
    w = Writer(language, data.provenance)
    plan = data.provenance["sources"][PLAN]
    plan_title = plan["title_zh"] if language == "zh" else plan["title_en"]
    title = w.t("report.title", plan=plan_title)
    ey = data.evaluation_year
    base_year = int(data.plan_targets["base_year"].min())
    target_year = int(data.plan_targets["target_year"].max())
    elapsed = (ey - base_year) / (target_year - base_year)

    sections = [
        ("guide", _guide(w, data, base_year, target_year, elapsed)),
        ("summary", _findings(w, data, base_year, target_year)),
        ("comparison", _comparison(w, data)),
        ("scenarios", _scenarios(w, data, target_year)),
        ("scoreboard", _scoreboard(w, data)),
        ("audit", _audit(w, data)),
        ("methods", _methods(w, data)),
    ]
    sections.append(("sources", _sources(w, data)))
    sections.append(("stamp", _stamp(w, data)))
    out = [{"anchor": a, "heading": w.t(f"section.{a}", year=int(data.comparison["year"].iloc[0])), "blocks": b}
           for a, b in sections]
    intro = w.t("report.intro", issuer=plan.get("issuer") if language == "zh" else plan.get("issuer_en", ""),
                plan=Markup("{} ({})").format(plan["title_en"], cited_title(plan["title_zh"], "zh")) if language == "en" else plan_title,
                number=plan["document_number"], date=str(plan["date"]),
                year=ey, elapsed=fmt_pct(elapsed, 0), start=base_year + 1, end=target_year,
                changji=w.region(CHANGJI, first=True), urumqi=w.region(URUMQI, first=True),
                xinjiang=w.region(XINJIANG, first=True))
    intro = Markup("{} {}").format(intro, w.t("years.found", evaluation_year=ey,
                                              years=w.join([str(y) for y in final_evaluation.data_years(data.observations)])))
    other = next(lang for lang in words.LANGUAGES if lang != language)
    return {"lang": language, "title": title, "intro": intro, "toc_title": w.t("report.contents"),
            "other_edition": {"lang": other, "href": EDITION_FILES[other], "name": words.text("language_name", other)},
            "sections": out, "figure_count": w.figures, "table_count": w.tables,
            "caption_sources": w.t("caption.sources"), "separator": w.t("list.semicolon"),
            "missing": words.text("missing_value", language)}


# --------------------------------------------------------------------------- guide
def _guide(w: Writer, data: ReportData, base_year: int, target_year: int, elapsed: float) -> list[dict]:
    th = data.thresholds
    k, n = data.evaluation_year - base_year, target_year - base_year
    statuses = [w.t("guide.status.achieved", status=labels.status("achieved", w.lang)),
                w.t("guide.status.faster", status=labels.status("faster", w.lang), margin=fmt_pct(th["ahead_margin"], 0)),
                w.t("guide.status.on_track", status=labels.status("on_track", w.lang), margin=fmt_pct(th["lagging_margin"], 0)),
                w.t("guide.status.lagging", status=labels.status("lagging", w.lang)),
                w.t("guide.status.no_data", status=labels.status("no_data", w.lang))]
    qualities = [w.t(f"guide.quality.{q}", quality=labels.quality(q, w.lang)) for q in labels.QUALITY_FLAGS]
    return [{"kind": "guide", "items": [
        w.t("guide.elapsed", start=base_year + 1, end=target_year, year=data.evaluation_year, k=k, n=n, share=fmt_pct(elapsed, 0)),
        w.t("guide.achieved", base=base_year, end=target_year),
        w.t("guide.statuses", file=Markup("<code>params/evaluation_thresholds.yaml</code>")),
    ], "statuses": statuses, "quality_intro": w.t("guide.quality"), "qualities": qualities,
        "missing": w.t("guide.missing")}]


# --------------------------------------------------------------------------- findings
def _status_counts(w: Writer, progress: pd.DataFrame) -> Markup:
    counts = progress["status"].value_counts()
    return w.join([w.t("findings.count_item", n=int(counts.get(s, 0)), status=labels.status(s, w.lang))
                   for s in labels.STATUSES])


def _tourism_years(data: ReportData, base_year: int) -> list[int]:
    """Years after ``base_year`` with a selected full-year value for the tourism indicators."""
    obs = data.observations
    rows = obs[obs["selected"].astype(bool) & (obs["period"] == "full_year") & (obs["region_code"].astype(str) == CHANGJI)
               & obs["indicator_id"].isin(TOURISM) & (obs["year"] > base_year) & (obs["year"] <= data.evaluation_year)
               & obs["value"].notna()]
    return sorted({int(y) for y in rows["year"]})


def _target_text(w: Writer, target: pd.Series) -> Markup:
    """A 表 2 target as the plan prints it (Chinese) or as value and unit (English)."""
    if w.lang == "zh":
        return escape(str(target["target_text"]))
    return w.t("target.at_least" if target.get("direction") == "at_least" else "target.plain",
               amount=w.amount(target["target_value"], target["unit"], decimals_of(target["target_value"])))


def _findings(w: Writer, data: ReportData, base_year: int, target_year: int) -> list[dict]:
    prog, targets = data.progress, data.plan_targets
    trusted = _trusted(data, w.lang)
    items = [w.t("findings.counts", year=data.evaluation_year, n=len(prog), counts=_status_counts(w, prog))]
    if data.robustness is not None:
        items.append(trust_words.trust_line(data.robustness, w.lang))

    tva_row = _row(prog, indicator_id="tertiary_value_added", kind="level")
    tva = data.summaries.get("tertiary_value_added")
    if tva_row is not None and tva is not None:
        items.append(_with_trust(w, trusted, w.t("findings.tertiary", year=fmt_year(tva_row["actual_year"]),
                         value=w.amount(tva_row["actual_value"], tva_row["unit"]), no=int(tva_row["target_id"]),
                         achieved=fmt_pct(tva_row["achieved_share"], 0), elapsed=fmt_pct(tva_row["elapsed_share"], 0),
                         status=labels.status(tva_row["status"], w.lang), target_year=int(tva["target_year"]),
                         trend=w.amount(tva["trend_value"], tva["unit"]), lower=fmt_number(tva["trend_lower"]),
                         upper=fmt_number(tva["trend_upper"]), level=fmt_pct(data.level, 0),
                         target=w.amount(tva["target"], tva["unit"], 0), probability=fmt_pct(tva["probability_of_target"], 0)),
                                 tva_row["target_id"]))

    retail = data.summaries.get("retail_sales_total")
    retail_check = _row(data.plan_audit, check_id="retail_target_rate")
    if retail is not None and retail_check is not None:
        key = "findings.retail_inconsistent" if retail_check["verdict"] == "inconsistent" else "findings.retail_consistent"
        retail_row = _row(prog, indicator_id="retail_sales_total", kind="level")
        items.append(_with_trust(w, trusted, w.t(key, base=w.amount(retail["base_value"], retail["unit"]), base_year=int(retail["base_year"]),
                         target=w.amount(retail["target"], retail["unit"], 0), needed=fmt_pct(retail_check["recomputed"]),
                         stated=fmt_pct(retail["stated_rate"]), reached=w.amount(retail["plan_value_at_target_year"], retail["unit"]),
                         latest_year=fmt_year(retail["latest_year"]), latest=w.amount(retail["latest_value"], retail["unit"]),
                         required=fmt_pct(retail["required_rate"]), target_year=int(retail["target_year"])),
                                 None if retail_row is None else retail_row["target_id"]))

    share = _row(prog, indicator_id="tertiary_share_of_gdp")
    if share is not None and not is_missing(share["actual_value"]):
        diff = float(share["actual_value"]) - float(share["baseline_value"])
        direction = "fell" if diff < 0 else "rose" if diff > 0 else "held"
        items.append(_with_trust(w, trusted, w.t(
            f"findings.share_{direction}", year=fmt_year(share["actual_year"]), value=fmt_number(share["actual_value"], 1),
            base_year=base_year, base=fmt_number(share["baseline_value"], 1), target=fmt_number(share["target_value"], 0),
            status=labels.status(share["status"], w.lang), points=fmt_number(abs(diff), 1)), share["target_id"]))

    tourism_targets = [t for _, t in targets[targets["indicator_id"].isin(TOURISM) & (targets["kind"] == "level")].iterrows()]
    if tourism_targets:
        years = _tourism_years(data, base_year)
        targets_text = w.join([_target_text(w, t) for t in tourism_targets])
        if years:
            items.append(w.t("findings.tourism", targets=targets_text, start=base_year + 1, end=target_year,
                             years=w.join([str(y) for y in years]), count=len(years)))
        else:
            items.append(w.t("findings.tourism_no_data", targets=targets_text, start=base_year + 1, end=target_year))

    no_data = int((prog["status"] == "no_data").sum())
    items.append(w.t("findings.no_data", n=no_data))
    return [list_block(items)]


# --------------------------------------------------------------------------- 2020 comparison
def _comparison(w: Writer, data: ReportData) -> list[dict]:
    cmp, checks = data.comparison, data.checks
    year = int(cmp["year"].iloc[0])
    value = cmp.set_index(["region_code", "indicator_id"])["value"]
    plan_sources = sorted(set(cmp["source_id"]))
    share_trade = value[(CHANGJI, "goods_trade_total")] / value[(XINJIANG, "goods_trade_total")]
    blocks = [paragraph_block(w.t("comparison.intro", year=year, changji=w.region(CHANGJI), urumqi=w.region(URUMQI),
                        xinjiang=w.region(XINJIANG), share=fmt_pct(share_trade)))]
    regions = [c for c in REGION_ORDER if c in set(cmp["region_code"])]
    rows = []
    for ind, grp in cmp.groupby("indicator_id", sort=False):
        first = grp.iloc[0]
        name = first[f"indicator_{w.lang}"] if first["breakdown"] == "total" else \
            w.t("comparison.breakdown", parent=labels.indicator(first["parent_indicator_id"], w.lang), part=first[f"breakdown_{w.lang}"])
        by_region = grp.set_index("region_code")
        rows.append([w.value(name) if isinstance(name, str) else name, w.unit(first["unit"])]
                    + [fmt_number(by_region["value"].get(c), int(by_region["decimals"].get(c, 2))) if c in by_region.index else "—"
                       for c in regions])
    names = [w.region(c) for c in regions]
    region_list = w.t("list.and", head=w.join(names[:-1]), last=names[-1]) if len(names) > 1 else names[0]
    blocks.append(table_block(w, w.t("comparison.table_caption", year=year, regions=region_list),
                         [w.t("col.indicator"), w.t("col.unit")] + [w.region(c) for c in regions], rows, plan_sources))
    # issue 20: one small-multiples figure (notebooks/02_compare_2020.py) instead of four charts
    blocks.append(figure_block(w, f"comparison_{year}.svg", w.t("figure.comparison_caption", year=year, regions=region_list), plan_sources))
    rounding = int((checks["verdict"] == "rounding").sum())
    blocks.append(paragraph_block(w.t("comparison.checks", n=rounding)))
    check_rows = [[w.region(r.region_code), _check_name(w, r.check), fmt_number(r.expected), fmt_number(r.recomputed),
                   f"{r.difference:g}", f"{r.tolerance:g}", w.t(f"verdict.{r.verdict}")] for r in checks.itertuples()]
    blocks.append(table_block(w, w.t("comparison.checks_caption"),
                         [w.t(f"col.{c}") for c in ("region", "check", "printed_total", "recomputed", "difference", "tolerance", "verdict")],
                         check_rows, plan_sources))
    return blocks


def _check_name(w: Writer, check: str) -> Markup:
    """``a + b = total`` or ``0 ≤ share ≤ 100`` with indicator names in the reader's language."""
    def name(token: str) -> str:
        return labels.indicator(token, w.lang) if re.fullmatch(r"[a-z_]+", token) else token
    return escape(re.sub(r"[a-z][a-z_]+", lambda m: name(m.group(0)), check).replace("<=", "≤"))


# --------------------------------------------------------------------------- scenarios
def _scenario_notes(w: Writer, summary: dict) -> Markup:
    """The scenario's reasons (catalogue messages stored beside the English notes) in the reader's language."""
    parts = words.from_json(summary.get("note_messages"))
    if not is_missing(summary.get("trend_method")):
        parts += words.from_json(summary.get("damped_fallback_message"))
    return w.join([w.render(m) for m in parts], "list.semicolon") if parts else Markup("—")


def _scenarios(w: Writer, data: ReportData, target_year: int) -> list[dict]:
    sums = data.summaries
    shock = next(iter(sums.values()))["stress_shock"] if sums else float("nan")
    blocks = [paragraph_block(w.t("scenarios.intro", level=fmt_pct(data.level, 0), shock=fmt_number(float(shock) * 100, 0)))]
    rows, all_sources = [], []
    trusted = _trusted(data, w.lang)
    robust = data.robustness if data.robustness is not None else pd.DataFrame(columns=["scenario_id", "target_id"])
    scenario_target = robust.dropna(subset=["scenario_id"]).set_index("scenario_id")["target_id"].to_dict()
    for ind, s in sums.items():
        used = series_sources(s.get("series_sources"))
        sources = [u["source"] for u in used] + [PLAN]
        for u in used:
            w.numbers.setdefault(u["source"], set()).add(f"{labels.indicator(ind, w.lang)} {u['year']}")
        all_sources += sources
        chart = figure_block(w, f"scenario_{ind}.svg", w.t("figure.scenario_title", indicator=labels.indicator(ind, w.lang),
                                                           year=int(s["target_year"])), sources)
        blocks.append(chart)
        if control := rate_control.block(s, w.lang, chart):  # the reader's own rate, under the chart and drawn on it (issue 20)
            blocks.append(control)
        unit = s["unit"]
        rows.append([labels.indicator(ind, w.lang), w.unit(unit),
                     w.t("scenarios.latest", value=fmt_number(s["latest_value"]), year=fmt_year(s["latest_year"])),
                     fmt_number(s["target"]), fmt_pct(s["stated_rate"]), fmt_pct(s["required_rate"]), fmt_pct(s["trend_rate"]),
                     fmt_number(s["trend_value"]),
                     Markup("—") if is_missing(s["trend_lower"]) else w.t("range", low=fmt_number(s["trend_lower"]), high=fmt_number(s["trend_upper"])),
                     fmt_pct(s["probability_of_target"], 0), fmt_number(s["stress_value"]), _scenario_notes(w, s),
                     _rests_on(trusted, scenario_target.get(ind))])
    cols = ["indicator", "unit", "latest", "target", "stated_rate", "required_rate", "trend_rate", "trend_value",
            "interval", "probability", "stress", "notes"]
    blocks.append(table_block(w, w.t("scenarios.table_caption", year=target_year),
                         [w.t(f"col.{c}", level=fmt_pct(data.level, 0), year=target_year) for c in cols] + [w.t("trust.column.trust")],
                         rows, all_sources))
    for ind, r in data.readings.items():
        if r.empty:
            continue
        unit = sums[ind]["unit"] if ind in sums else ""
        shown = []
        for x in r.itertuples():
            if x.required_kind == "growth_rate":
                implies = w.t("readings.growth", rate=fmt_pct(x.required), year=fmt_year(x.latest_year))
                name = w.t("readings.annual", year=target_year)
            else:
                implies = w.t("readings.total", amount=w.amount(x.required, unit), share=fmt_pct(x.ratio_to_13th_total, 0))
                name = w.t("readings.total_name", start=int(str(x.reading).split("_")[1]), end=target_year)
            shown.append([name, w.amount(x.target, unit), years_list(w, x.known_years), years_list(w, x.missing_years), implies])
        src = [u["source"] for u in series_sources(sums.get(ind, {}).get("series_sources"))] + [PLAN]
        blocks.append(table_block(w, w.t("readings.caption", indicator=labels.indicator(ind, w.lang)),
                             [w.t(f"col.{c}") for c in ("reading", "target", "known_years", "missing_years", "implies")], shown, src))
    blocks.append(figure_block(w, "sweep_required_vs_achievable.svg", w.t("scenarios.sweep_caption", year=target_year), all_sources))
    blocks.append(paragraph_block(w.t("scenarios.backtest_intro", cutoff=_backtest_cutoff(data.backtest))))
    bt_rows = []
    for r in data.backtest.itertuples():
        notes = words.from_json(r.note_messages)
        bt_rows.append([labels.indicator(r.indicator_id, w.lang), w.t(f"method.{_method_key(r.method)}"),
                        years_list(w, r.fit_years), int(r.year), fmt_number(r.predicted),
                        fmt_number(r.actual), fmt_number(r.error_pct, 1),
                        w.join([w.render(m) for m in notes], "list.semicolon") if notes else "—"])
    blocks.append(table_block(w, w.t("scenarios.backtest_caption"),
                         [w.t(f"col.{c}") for c in ("indicator", "method", "fitted_on", "year", "predicted", "actual", "error_pct", "notes")],
                         bt_rows, all_sources))
    return blocks


def _backtest_cutoff(backtest: pd.DataFrame) -> str:
    fitted = [int(y) for ys in backtest["fit_years"].dropna() for y in str(ys).split(",") if y]
    return str(max(fitted)) if fitted else "—"


def _method_key(method: str) -> str:
    return {"damped→loglinear": "damped_fallback"}.get(method, method)


# --------------------------------------------------------------------------- scoreboard
def _progress_notes(w: Writer, r: pd.Series) -> Markup:
    parts = []
    if r["status"] == "no_data":
        name = r["indicator_zh"] if w.lang == "zh" else r["indicator_en"]
        for key, params in words.from_json(r.get("data_needed_message")):  # the target's name in the reader's language
            parts.append(w.t("scoreboard.data_needed", what=note_text(w, key, params | {"indicator": name})))
    for key, params in words.from_json(r.get("note_messages")):  # the scoreboard's notes as catalogue messages
        parts.append(note_text(w, key, params))
    if isinstance(r.get("alt_reading"), str):
        parts.append(w.t("scoreboard.alt_reading", share=fmt_pct(r["alt_achieved_share"], 0),
                         status=labels.status(status_code(r, "alt_status_en"), w.lang)))
    return w.join(parts, "list.semicolon") if parts else Markup("—")


def _scoreboard(w: Writer, data: ReportData) -> list[dict]:
    prog = data.progress
    groups = data.plan_targets.set_index("target_id")["group_en"] if "group_en" in data.plan_targets else {}
    targets = data.plan_targets.set_index("target_id")
    rows, sources = [], [PLAN]
    trusted = _trusted(data, w.lang)
    for _, r in prog.sort_values("target_id").iterrows():
        tid = int(r["target_id"])
        srcs = scoreboard.split_combined(r["source_id"])
        sources += srcs
        for s in srcs:
            w.numbers.setdefault(s, set()).add(f"{r[f'indicator_{w.lang}'] if w.lang == 'en' else r['indicator_zh']} {fmt_year(r['actual_year'])}")
        latest = Markup("—") if is_missing(r["actual_value"]) else w.t("scenarios.latest", value=fmt_number(r["actual_value"]),
                                                                      year=fmt_year(r["actual_year"]))
        rows.append([tid, r["group_zh"] if w.lang == "zh" else groups.get(tid, "—"),
                     r["indicator_zh"] if w.lang == "zh" else r["indicator_en"],
                     _target_text(w, targets.loc[tid]), fmt_number(r["baseline_value"]), latest,
                     fmt_pct(r["achieved_share"], 0), fmt_pct(r["elapsed_share"], 0), labels.status(r["status"], w.lang),
                     _rests_on(trusted, tid), _progress_notes(w, r)])
    cols = ["no", "group", "indicator", "target", "baseline", "latest", "achieved", "elapsed", "status", "notes"]
    headers = [w.t(f"col.{c}") for c in cols]
    headers.insert(cols.index("status") + 1, w.t("trust.column.trust"))
    blocks = [paragraph_block(w.t("scoreboard.intro", year=data.evaluation_year, counts=_status_counts(w, prog))),
              # issue 20: 完成进度 against 序时进度 (notebooks/30_evaluation.py); placed here for now, the lead places it
              figure_block(w, "target_progress.svg", w.t("figure.progress_caption", year=data.evaluation_year,
                                                         n=int((prog["status"] == "no_data").sum())), sources),
              table_block(w, w.t("scoreboard.caption", n=len(prog)), headers, rows, sources)]
    lagging = prog[prog["status"] == "lagging"].sort_values("target_id")
    if len(lagging):
        blocks.append(paragraph_block(w.t("scoreboard.lagging", items=w.join([
            w.t("scoreboard.lagging_item", indicator=r["indicator_zh"] if w.lang == "zh" else r["indicator_en"],
                year=fmt_year(r["actual_year"]), value=w.amount(r["actual_value"], r["unit"]),
                base=w.amount(r["baseline_value"], r["unit"]), target=_target_text(w, targets.loc[int(r["target_id"])]))
            for _, r in lagging.iterrows()], "list.semicolon"))))
    if data.robustness is not None and data.conclusion_caveats is not None:
        shown = trust_words.robustness_display(data.robustness, data.conclusion_caveats, prog, w.lang)
        blocks.append(paragraph_block(w.t("trust.robustness.title")))
        blocks.append(paragraph_block(w.t("trust.robustness.intro", rate_points=f"{trust.TREND_RATE_TOLERANCE * 100:g}",
                                probability_points=f"{trust.PROBABILITY_TOLERANCE * 100:g}")))
        blocks.append(table_block(w, w.t("trust.robustness.caption"), list(shown.columns),
                             [[table_cell(c) for c in row] for row in shown.itertuples(index=False)], sources))
    return blocks


# --------------------------------------------------------------------------- audit
def _audit(w: Writer, data: ReportData) -> list[dict]:
    """The plan audit: each check's words are catalogue messages stored beside the English (analysis/audit.py)."""
    rows = []
    targets = data.plan_targets.set_index("target_id")
    names = targets[f"indicator_{w.lang}"] if f"indicator_{w.lang}" in targets else {}
    for _, r in data.plan_audit.iterrows():
        topic, stated, recomputed, explanation = (stored_message(w, r.get(f"{c}_message"), names)
                                                  for c in ("topic", "stated", "recomputed", "explanation"))
        statement = escape(r["statement_zh"]) if w.lang == "zh" else quoted(r["statement_zh"], "zh")
        rows.append([Markup("{}<br><small>{}</small>").format(statement, topic), stated, recomputed,
                     w.t(f"verdict.{r['verdict']}"), explanation])
    return [paragraph_block(w.t("audit.intro")),
            table_block(w, w.t("audit.caption"), [w.t(f"col.{c}") for c in ("plan_sentence", "stated", "recomputed", "verdict", "explanation")],
                   rows, [PLAN])]


# --------------------------------------------------------------------------- methods
def _methods(w: Writer, data: ReportData) -> list[dict]:
    sums = list(data.summaries.values())
    n_points = [int(s["n_actual"]) for s in sums] or [0]
    n_damped = sum(1 for s in sums if not is_missing(s.get("trend_method")) and not isinstance(s.get("damped_fallback_reason"), str))
    th = data.thresholds
    covid = data.covid_years
    items = [w.t("methods.cagr"), w.t("methods.loglinear", level=fmt_pct(data.level, 0)),
             w.t("methods.damped", n=data.min_points_damped if data.min_points_damped is not None else "—", used=n_damped),
             w.t("methods.covid", span=f"{covid[0]}–{covid[-1]}" if covid else "—"),
             w.t("methods.progress", ahead=fmt_pct(th["ahead_margin"], 0), lagging=fmt_pct(th["lagging_margin"], 0)),
             w.t("methods.selection"),
             w.t("methods.limits", low=min(n_points), high=max(n_points))]
    if data.robustness is None:  # the trust step (35_robustness) has not been built for these tables
        return [list_block(items)]
    # per series: weakest source, census vintages and XPCC coverage, from the observation rules (analysis/trust_words.py)
    items += [w.t("trust.series_caveat", indicator=labels.indicator(i, w.lang),
                  caveats=trust_words.series_caveat_text(data.observations, CHANGJI, i, data.evaluation_year, w.lang))
              for i in data.summaries]
    items.append(w.t("trust.method", rules=Markup("<code>data/raw/observation_rules.yml</code>"), rate_points=f"{trust.TREND_RATE_TOLERANCE * 100:g}",
                     probability_points=f"{trust.PROBABILITY_TOLERANCE * 100:g}"))
    return [list_block(items)]


# --------------------------------------------------------------------------- sources
def _sources(w: Writer, data: ReportData) -> list[dict]:
    entries = []
    for sid in sorted(w.used_by, key=lambda s: (s != PLAN, s)):
        src = w.sources[sid]
        # a source just registered by `make add-figure` may not have its English title yet (null)
        title_zh, title_en = src.get("title_zh") or "", src.get("title_en") or ""
        if w.lang == "zh":
            title = mark_latin(title_zh) if HAS_CJK.search(title_zh) else cited_title(title_zh, "en")
            beside = None
        else:
            title = w.foreign(title_en) if title_en else Markup("—")
            beside = cited_title(title_zh, "zh") if HAS_CJK.search(title_zh) else None
        publisher = src.get("issuer") if w.lang == "zh" else src.get("issuer_en")
        publisher = publisher or src.get(f"publisher_{w.lang}")
        url = src.get("url")
        entries.append({
            "anchor": f"source-{sid}", "citation": w.citation(sid), "title": title, "original_title": beside,
            "publisher": w.foreign(str(publisher)) if publisher else "—",
            "date": str(src.get("date") or "—"), "url": url, "accessed": str(src.get("accessed") or "—"),
            "quality": labels.quality(src["quality"], w.lang), "used_by": w.join(w.used_by[sid]),
            "numbers": w.join(sorted(w.numbers.get(sid, set()))) if w.numbers.get(sid) else None,
        })
    files = [[Markup("<code>data/raw/{}</code>").format(name), Markup("<code>{}</code>").format(e["sha256"]), _file_source(w, e.get("source_id"))]
             for name, e in sorted(data.provenance.get("files", {}).items())]
    return [paragraph_block(w.t("sources.intro")),
            {"kind": "sources", "entries": entries, "labels": {k: w.t(f"sources.{k}") for k in
                                                               ("title", "original_title", "publisher", "date", "address", "accessed",
                                                                "quality", "used_by", "numbers", "no_address")}},
            table_block(w, w.t("sources.files_caption"), [w.t("col.file"), Markup("sha256"), w.t("col.source")], files, [])]


def _file_source(w: Writer, sid) -> Markup:
    """The source a raw file comes from, cited as the captions cite it (linked when the sources section lists it)."""
    if not isinstance(sid, str) or sid not in w.sources:
        return Markup("—")
    if sid in w.used_by:
        return Markup('<a class="cite" href="#source-{}">{}</a>').format(sid, w.citation(sid))
    return w.citation(sid)


# --------------------------------------------------------------------------- stamp
def _stamp(w: Writer, data: ReportData) -> list[dict]:
    st = data.stamp
    obs = data.observations
    full = obs[obs["selected"].astype(bool) & (obs["period"] == "full_year") & obs["value"].notna()]
    cutoff = int(full["year"].max()) if len(full) else "—"
    versions = ", ".join(f"{k} {v}" for k, v in st.get("versions", {}).items())
    params_text = "\n".join(f"{name}: " + ", ".join(f"{k}={v}" for k, v in p.items() if k not in ("title", "title_en", "description"))
                            for name, p in data.parameters.items())
    return [list_block([w.t("stamp.git", revision=Markup("<code>{}</code>").format(st.get("git", "—"))),
                   w.t("stamp.cutoff", year=cutoff), w.t("stamp.evaluation_year", year=data.evaluation_year),
                   w.t("stamp.versions", versions=Markup("<code>{}</code>").format(versions or "—"))]),
            {"kind": "details", "summary": w.t("stamp.parameters"), "text": params_text}]


# --------------------------------------------------------------------------- reading files
