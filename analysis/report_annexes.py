"""The report's annexes (附件): everything a specialist checks, behind the body of the evaluation.

:func:`annexes` returns the annex sections of the mid-term report in order (:data:`ANNEXES`):
the growth scenarios in detail, the 2020 comparison and the checks of the plan's Table 1, the full
audit of the plan's own arithmetic, the robustness check and the backtest (only the rows that say
something, one sentence for the rest), the data gaps and who publishes each missing figure, the
methods, the numbered sources and the reproducibility stamp (file names, ``make`` targets and
parameter files appear only here). Like :mod:`analysis.report_context`, a pure function of the
tables in a :class:`~analysis.report_data.ReportData`; every word from the catalogue. The final
report reuses :func:`sources_annex` and :func:`stamp_annex`.
"""
from __future__ import annotations

import re

import pandas as pd
from markupsafe import Markup, escape

from analysis import labels, paths, provenance, rate_control, trust, words
from analysis.bureau_table import REGION_CODES
from analysis.report_data import ReportData
from analysis.report_format import (
    HAS_CJK,
    Writer,
    cited_title,
    data_cutoff,
    decimals_of,
    english_units,
    figure_block,
    fmt_date,
    fmt_number,
    fmt_pct,
    fmt_year,
    indicator_ids,
    is_missing,
    list_block,
    mark_latin,
    note_param,
    note_text,
    paragraph_block,
    quoted,
    series_sources,
    stored_message,
    table_block,
    table_number,
    table_unit,
    years_list,
)
from analysis.yaml_files import load_yaml

PLAN = provenance.PLAN_SOURCE_ID
CHANGJI = REGION_CODES[0]
TOURISM = ("tourism_visits", "tourism_revenue")
#: the annexes in order: anchor → number (附件 1 …)
ANNEXES = ("scenarios", "comparison", "audit", "robustness", "backtest", "gaps", "methods", "sources", "stamp")
ANNEX_NUMBERS = {a: i for i, a in enumerate(ANNEXES, start=1)}
#: audit checks that compare a table of the plan with its text (a compact table of their own)
_TABLE_VS_TEXT = re.compile(r"table[12]_vs_text_")
#: backtest methods whose catalogue key is not their name
METHOD_KEYS = {"damped→loglinear": "damped_fallback"}


def annexes(w: Writer, data: ReportData, base_year: int, target_year: int, elapsed: float) -> list[dict]:
    """The annex sections, each ``{"anchor", "heading", "annex": True, "blocks"}`` (notes flushed per annex)."""
    builders = {
        "scenarios": lambda: _scenarios(w, data, target_year), "comparison": lambda: _comparison(w, data),
        "audit": lambda: _audit(w, data), "robustness": lambda: _robustness(w, data), "backtest": lambda: _backtest(w, data),
        "gaps": lambda: _gaps(w, data), "methods": lambda: _methods(w, data), "sources": lambda: sources_annex(w, data),
        "stamp": lambda: stamp_annex(w, data),
    }
    out = []
    for anchor in ANNEXES:
        blocks = builders[anchor]() + w.flush_notes()
        out.append({"anchor": anchor, "heading": annex_heading(w, anchor, year=int(data.comparison["year"].iloc[0])), "annex": True,
                    "blocks": blocks})
    return out


def annex_heading(w: Writer, anchor: str, **params) -> Markup:
    """附件 N　title (``params``: what the title names, e.g. the comparison's year)."""
    return w.t("annex.heading", n=ANNEX_NUMBERS[anchor], title=w.t(f"annex.{anchor}", **params))


# --------------------------------------------------------------------------- words shared with the body
def caveat_text(w: Writer, row) -> Markup:
    """One caveat of a conclusion (a row of ``conclusion_caveats.csv``) in the reader's language."""
    def years(v) -> str:
        text = "" if is_missing(v) else str(v)
        return w.t("trust.year_separator").join(y for y in text.split(",") if y) if text.replace(",", "").isdigit() else text
    return w.t(f"trust.caveat.{row['caveat']}", years=years(row["years"]), detail=years(row["detail"]))


def audit_topic(w: Writer, x: dict) -> Markup:
    """A short name of an audit check (``audit.short.<check_id>``, or of its family)."""
    cid = x["check_id"]
    if f"audit.short.{cid}" in words.catalogue():
        return w.t(f"audit.short.{cid}")
    if m := re.fullmatch(r"tourism_(\w+)_reading", cid):  # a tourism target, 2025 alone or the five-year total
        return w.t("audit.short.tourism_reading", indicator=w.in_sentence(labels.indicator(f"tourism_{m[1]}", w.lang)))
    if m := re.fullmatch(r"table1_vs_text_(\w+)", cid):  # Table 1 against the text, by indicator
        return w.t("audit.short.table1_vs_text", item=labels.indicator(m[1], w.lang) if m[1] in indicator_ids() else m[1])
    if m := re.fullmatch(r"table2_vs_text_(\d+)", cid):  # Table 2 against the text, by target number
        return w.t("audit.short.table2_vs_text", item=m[1].lstrip("0"))
    return stored_message(w, x.get("topic_message"))


def audit_problem(w: Writer, x: dict) -> Markup:
    """An audit finding as a problem: its own sentence (:func:`audit_sentence`), or else its short name and
    what the recomputation shows."""
    return audit_sentence(w, x, "problem") or \
        w.t("problem.audit_item", topic=audit_topic(w, x), recomputed=stored_message(w, x.get("recomputed_message")))


#: a number as the audit stores it in a message's parameters ("1,500", "0.20")
_STORED_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def audit_sentence(w: Writer, x: dict, part: str) -> Markup | None:
    """A check the audit did not find consistent, said in a sentence of its own: catalogue entry
    ``<part>.audit.<check>`` (``part`` ``problem`` or ``recommendation``; a tourism reading check by its
    family, ``tourism_reading``), None when the catalogue has none for it.

    The sentence takes the parameters of the check's stored messages (topic, statement, recomputation,
    explanation; the later win), each as the audit annex shows it, and each number also as an amount,
    ``<name>_amount``: in the check's ``unit`` (亿元 when it names none), scaled for an English reader."""
    cid = x["check_id"]
    family = "tourism_reading" if re.fullmatch(r"tourism_\w+_reading", cid) else cid
    key = f"problem.audit.{family}" if part == "problem" else f"recommendation.audit.{family}"
    if key not in words.catalogue():
        return None
    params = {}
    for column in ("topic", "stated", "recomputed", "explanation"):
        for _, p in words.from_json(x.get(f"{column}_message")):
            params.update(p)
    unit = params.get("unit")
    unit_zh = words.text(unit["$message"][0], "zh") if isinstance(unit, dict) and "$message" in unit else "亿元"
    shown = {k: note_text(w, *v["$message"]) if isinstance(v, dict) and set(v) == {"$message"} else note_param(w, k, v)
             for k, v in params.items()}
    amounts = {f"{k}_amount": f"{v} {unit_zh}" if w.lang == "zh" else english_units(f"{v} {unit_zh}")
               for k, v in params.items() if isinstance(v, str) and _STORED_NUMBER.fullmatch(v)}
    return w.t(key, **shown, **amounts)


def publishers_of(w: Writer, indicator_ids, exclude=()) -> Markup:
    """The departments that publish the figures of ``indicator_ids`` (``analysis/publishers.yml``), each once,
    but those in ``exclude``."""
    table = publishers()
    keys = list(dict.fromkeys(k for i in indicator_ids for k in table.get(i, []) if k not in exclude))
    return w.join([w.t(f"department.{k}") for k in keys]) if keys else Markup("—")


def publishers() -> dict[str, list[str]]:
    """Target id → department keys, from ``analysis/publishers.yml`` (checked: every key has words)."""
    table = load_yaml(paths.PUBLISHERS)
    for target, keys in table.items():
        for k in keys:
            if f"department.{k}" not in words.catalogue():
                raise KeyError(f"{paths.relative(paths.PUBLISHERS)}: {target}: department {k!r} has no words (department.{k})")
    return table


def caveat_marks(w: Writer, data: ReportData, target_id, part: str) -> Markup:
    """Note marks (①②) for the caveats of one target's status or trend (each caveat written once, :meth:`Writer.note`)."""
    caveats = data.conclusion_caveats
    if caveats is None or is_missing(target_id):
        return Markup("")
    rows = caveats[(caveats["target_id"] == int(target_id)) & (caveats["part"] == part)]
    return Markup("").join(w.note(caveat_text(w, r)) for _, r in rows.iterrows())


# --------------------------------------------------------------------------- 附件 1 增长情景
def _scenario_notes(w: Writer, summary: dict) -> Markup:
    """The scenario's reasons (catalogue messages stored beside the English notes) as numbered notes in the
    reader's language: the table shows their marks, the notes under it their words (a wide prose column
    would not fit the printed page)."""
    parts = words.from_json(summary.get("note_messages"))
    if not is_missing(summary.get("trend_method")):
        parts += words.from_json(summary.get("damped_fallback_message"))
    return Markup("").join(w.note(w.render(m)) for m in parts)


def _scenarios(w: Writer, data: ReportData, target_year: int) -> list[dict]:
    sums = data.summaries
    shock = next(iter(sums.values()))["stress_shock"] if sums else float("nan")
    blocks = [paragraph_block(w.t("scenarios.intro", level=fmt_pct(data.level, 0), shock=fmt_number(float(shock) * 100, 0)))]
    robust = data.robustness if data.robustness is not None else pd.DataFrame(columns=["scenario_id", "target_id"])
    scenario_target = robust.dropna(subset=["scenario_id"]).set_index("scenario_id")["target_id"].to_dict()
    rows, all_sources = [], []
    for ind, s in sums.items():
        sources = [u["source"] for u in series_sources(s.get("series_sources"))] + [PLAN]
        all_sources += sources
        unit = s["unit"]
        pace = Markup("—") if is_missing(s.get("pace_rate")) else w.t("scenarios.pace_cell", rate=fmt_pct(s["pace_rate"]),
                                                                       start=int(s["pace_start_year"]), end=int(s["pace_end_year"]))
        notes = Markup("{}{}").format(_scenario_notes(w, s), caveat_marks(w, data, scenario_target.get(ind), "trend")) or Markup("—")
        rows.append([labels.indicator(ind, w.lang), table_unit(unit, w.lang),
                     w.t("scenarios.latest", value=table_number(s["latest_value"], unit, w.lang), year=fmt_year(s["latest_year"])),
                     table_number(s["target"], unit, w.lang, decimals_of(s["target"])), fmt_pct(s["stated_rate"]), pace,
                     fmt_pct(s["required_rate"]), fmt_pct(s["trend_rate"]), table_number(s["trend_value"], unit, w.lang),
                     Markup("—") if is_missing(s["trend_lower"]) else w.t("range", low=table_number(s["trend_lower"], unit, w.lang),
                                                                          high=table_number(s["trend_upper"], unit, w.lang)),
                     fmt_pct(s["probability_of_target"], 0), table_number(s["stress_value"], unit, w.lang), notes])
    cols = ["indicator", "unit", "latest", "target", "stated_rate", "pace", "required_rate", "trend_rate", "trend_value",
            "interval", "probability", "stress", "notes"]
    blocks.append(table_block(w, w.t("scenarios.table_caption", year=target_year),
                              [w.t(f"col.{c}", level=fmt_pct(data.level, 0), year=target_year) for c in cols], rows, all_sources))
    blocks += w.flush_notes()  # the reasons right under the table they explain
    for ind in TOURISM:
        if ind in sums:
            blocks += _tourism_detail(w, data, ind, target_year)
    blocks.append(figure_block(w, "sweep_required_vs_achievable.svg", w.t("scenarios.sweep_caption", year=target_year), all_sources))
    return blocks


def _tourism_detail(w: Writer, data: ReportData, ind: str, target_year: int) -> list[dict]:
    """A tourism indicator's two readings (2025 alone or the five-year total), its chart and rate control."""
    s = data.summaries[ind]
    src = [u["source"] for u in series_sources(s.get("series_sources"))] + [PLAN]
    # a series with one actual point is drawn as a small chart (analysis/figures.py)
    # the takeaway: one full-year figure in the plan period, too little for a path or a trend
    caption = w.t("figure.scenario_takeaway.single", indicator=labels.indicator(ind, w.lang), year=fmt_year(s["latest_year"]),
                  value=w.amount(s["latest_value"], s["unit"])) if int(s["n_actual"]) == 1 else \
        w.t("figure.scenario_title", indicator=labels.indicator(ind, w.lang), year=target_year)
    chart = figure_block(w, f"scenario_{ind}.svg", caption, src)
    blocks = [chart]
    if control := rate_control.block(s, w.lang, chart):
        blocks.append(control)
    r = data.readings.get(ind)
    if r is None or r.empty:
        return blocks
    shown = []
    for x in r.itertuples():
        if x.required_kind == "growth_rate":
            implies = w.t("readings.growth", rate=fmt_pct(x.required), year=fmt_year(x.latest_year))
            name = w.t("readings.annual", year=target_year)
        else:
            implies = w.t("readings.total", amount=w.amount(x.required, s["unit"]), share=fmt_pct(x.ratio_to_13th_total, 0))
            name = w.t("readings.total_name", start=int(str(x.reading).split("_")[1]), end=target_year)
        shown.append([name, w.amount(x.target, s["unit"], decimals_of(x.target)), years_list(w, x.known_years),
                      years_list(w, x.missing_years), implies])
    blocks.append(table_block(w, w.t("readings.caption", indicator=w.in_sentence(labels.indicator(ind, w.lang))),
                              [w.t(f"col.{c}") for c in ("reading", "target", "known_years", "missing_years", "implies")], shown, src))
    return blocks


# --------------------------------------------------------------------------- 附件 2 2020 年对比
def _comparison(w: Writer, data: ReportData) -> list[dict]:
    cmp, checks = data.comparison, data.checks
    year = int(cmp["year"].iloc[0])
    value = cmp.set_index(["region_code", "indicator_id"])["value"]
    plan_sources = sorted(set(cmp["source_id"]))
    urumqi, xinjiang = REGION_CODES[1:]
    share_trade = value[(CHANGJI, "goods_trade_total")] / value[(xinjiang, "goods_trade_total")] \
        if (CHANGJI, "goods_trade_total") in value.index and (xinjiang, "goods_trade_total") in value.index else float("nan")
    blocks = [paragraph_block(w.t("comparison.intro", year=year, changji=w.region(CHANGJI), urumqi=w.region(urumqi),
                                  xinjiang=w.region(xinjiang), share=fmt_pct(share_trade)))]
    regions = [c for c in REGION_CODES if c in set(cmp["region_code"])]
    rows = []
    for _, grp in cmp.groupby("indicator_id", sort=False):
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
                              [w.t("col.indicator"), w.t("col.unit")] + names, rows, plan_sources))
    # one small-multiples figure (notebooks/02_compare_2020.py)
    blocks.append(figure_block(w, f"comparison_{year}.svg", w.t("figure.comparison_caption", year=year, regions=region_list), plan_sources))
    rounding = int((checks["verdict"] == "rounding").sum())
    blocks.append(paragraph_block(w.t("comparison.checks", n=rounding)))
    check_rows = []
    for check, grp in checks.groupby("check", sort=False):  # one row per check, one column per region
        by_region = grp.set_index(grp["region_code"].astype(str))
        cells = []
        for c in regions:
            if c not in by_region.index:
                cells.append(Markup("—"))
                continue
            r = by_region.loc[c]
            verdict = w.t(f"verdict.{r['verdict']}")
            cells.append(verdict if r["verdict"] in ("exact", "ok") else
                         w.t("comparison.check_cell", verdict=verdict, printed=fmt_number(r["expected"]),
                             recomputed=fmt_number(r["recomputed"])))
        check_rows.append([_check_name(w, check)] + cells)
    blocks.append(table_block(w, w.t("comparison.checks_caption"), [w.t("col.check")] + names, check_rows, plan_sources))
    return blocks


def _check_name(w: Writer, check: str) -> Markup:
    """``a + b = total`` or ``0 ≤ share ≤ 100`` with indicator names in the reader's language."""
    def name(token: str) -> str:
        return labels.indicator(token, w.lang) if re.fullmatch(r"[a-z_]+", token) else token
    return escape(re.sub(r"[a-z][a-z_]+", lambda m: name(m.group(0)), check).replace("<=", "≤"))


# --------------------------------------------------------------------------- 附件 3 规划一致性核查
def _audit(w: Writer, data: ReportData) -> list[dict]:
    """The plan audit: the substantive checks in full, the checks of a table against the text compactly."""
    targets = data.plan_targets.set_index("target_id")
    names = targets[f"indicator_{w.lang}"] if f"indicator_{w.lang}" in targets else {}
    main, compact = [], []
    for _, r in data.plan_audit.iterrows():
        stated, recomputed = (stored_message(w, r.get(f"{c}_message"), names) for c in ("stated", "recomputed"))
        verdict = w.t(f"verdict.{r['verdict']}")
        if _TABLE_VS_TEXT.match(str(r["check_id"])):
            compact.append([audit_topic(w, r), stated, recomputed, verdict if r["verdict"] == "consistent" else
                            w.t("audit.verdict_explained", verdict=verdict, explanation=stored_message(w, r.get("explanation_message"), names))])
            continue
        statement = escape(r["statement_zh"]) if w.lang == "zh" else quoted(r["statement_zh"], "zh")
        topic = stored_message(w, r.get("topic_message"), names)
        rows_text = stored_message(w, r.get("explanation_message"), names)
        main.append([Markup("{}<br><small>{}</small>").format(topic, statement), stated, recomputed, verdict, rows_text])
    blocks = [paragraph_block(w.t("audit.intro"))]
    blocks.append(table_block(w, w.t("audit.caption"), [w.t(f"col.{c}") for c in ("topic", "stated", "recomputed", "verdict", "explanation")],
                              main, [PLAN]))
    if compact:
        blocks.append(table_block(w, w.t("audit.compact_caption"), [w.t(f"col.{c}") for c in ("check", "in_table", "in_text", "verdict")],
                                  compact, [PLAN]))
    return blocks


# --------------------------------------------------------------------------- 附件 4 稳健性
def _robustness(w: Writer, data: ReportData) -> list[dict]:
    robust = data.robustness
    if robust is None:
        return [paragraph_block(w.t("robustness.not_built"))]
    names = data.progress.set_index("target_id")["indicator_zh" if w.lang == "zh" else "indicator_en"]
    dash = Markup("—")

    def triple(r, column, fmt):
        return w.t("trust.triple", **{k: fmt(r[c]) for k, c in (("all", column), ("official", f"{column}_official"),
                                                                  ("post_census", f"{column}_post_census"))})

    methods = data.progress.set_index("target_id")["method"] if "method" in data.progress else {}

    def status_word(v, tid):
        return labels.shown_status_word(v, methods.get(tid), w.lang) if isinstance(v, str) else dash

    rows, rest = [], 0
    for _, r in robust.iterrows():
        has_trend = isinstance(r["scenario_id"], str) and bool(r["scenario_id"]) and not is_missing(r.get("trend_rate"))
        statuses = {r["status"], r["status_official"], r["status_post_census"]}
        if statuses == {"no_data"} and not has_trend:  # nothing to test: said in one sentence
            rest += 1
            continue
        tid = int(r["target_id"])
        grade = r["weakest_quality"] if isinstance(r["weakest_quality"], str) else None
        rows.append([Markup("{}. {}").format(tid, names.get(tid, r["indicator_id"])), labels.grade(grade, w.lang) if grade else dash,
                     triple(r, "status", lambda v: status_word(v, tid)),
                     triple(r, "n_points", lambda v: dash if pd.isna(v) else str(int(v))) if has_trend else dash,
                     triple(r, "trend_rate", fmt_pct) if has_trend else dash,
                     triple(r, "probability", lambda v: fmt_pct(v, 0)) if has_trend else dash])
    cols = [w.t(f"trust.column.{c}") for c in ("target", "grade", "status", "points", "trend_rate", "probability")]
    blocks = [paragraph_block(w.t("trust.robustness.intro", rate_points=fmt_number(trust.TREND_RATE_TOLERANCE * 100, 0),
                                  probability_points=fmt_number(trust.PROBABILITY_TOLERANCE * 100, 0)))]
    if rows:
        blocks.append(table_block(w, w.t("trust.robustness.caption"), cols, rows, [PLAN]))
    if rest:
        blocks.append(paragraph_block(w.t("robustness.rest", n=rest)))
    return blocks


# --------------------------------------------------------------------------- 附件 5 回测
def _backtest(w: Writer, data: ReportData) -> list[dict]:
    bt = data.backtest
    cutoff = _backtest_cutoff(bt)
    blocks = [paragraph_block(w.t("backtest.intro", cutoff=cutoff))]
    predicted = bt[bt["predicted"].notna()]
    # a damped trend that fell back to the log-linear trend repeats its row: said once in words
    loglinear = predicted[predicted["method"] == "loglinear"].set_index(["indicator_id", "year"])["predicted"]
    same = pd.Series([loglinear.get((i, y)) == p for i, y, p in zip(predicted["indicator_id"], predicted["year"], predicted["predicted"])],
                     index=predicted.index, dtype=bool)
    fallback = predicted[(predicted["method"] == "damped→loglinear") & same]
    shown = predicted.drop(fallback.index)
    rows = [[labels.indicator(r.indicator_id, w.lang), table_unit(_unit(data, r.indicator_id), w.lang),
             w.t(f"method.{METHOD_KEYS.get(r.method, r.method)}"), years_list(w, r.fit_years), int(r.year),
             table_number(r.predicted, _unit(data, r.indicator_id), w.lang), table_number(r.actual, _unit(data, r.indicator_id), w.lang),
             fmt_number(r.error_pct, 1)] for r in shown.itertuples()]
    sources = [u["source"] for s in data.summaries.values() for u in series_sources(s.get("series_sources"))] + [PLAN]
    if rows:
        blocks.append(table_block(w, w.t("backtest.caption"), [w.t(f"col.{c}") for c in
                                                                ("indicator", "unit", "method", "fitted_on", "year", "predicted", "actual",
                                                                 "error_pct")],
                                  rows, sources))
        tested = shown.groupby("indicator_id")["year"].nunique()
        if len(tested) and int(tested.max()) == 1:
            blocks.append(paragraph_block(w.t("backtest.one_point", years=w.join(sorted({str(int(y)) for y in shown["year"]})))))
    if len(fallback):
        blocks.append(paragraph_block(w.t("backtest.fallback")))
    not_fitted = bt[bt["predicted"].isna()]
    if len(not_fitted):
        blocks.append(paragraph_block(w.t("backtest.rest", n=len(not_fitted), cutoff=cutoff, indicators=w.join(
            [labels.indicator(i, w.lang) for i in dict.fromkeys(not_fitted["indicator_id"])]))))
    return blocks


def _unit(data: ReportData, indicator_id: str) -> str:
    return data.summaries.get(indicator_id, {}).get("unit", "")


def _backtest_cutoff(backtest: pd.DataFrame) -> str:
    fitted = [int(y) for ys in backtest["fit_years"].dropna() for y in str(ys).split(",") if y]
    return str(max(fitted)) if fitted else "—"


# --------------------------------------------------------------------------- 附件 6 数据缺口
def _gaps(w: Writer, data: ReportData) -> list[dict]:
    prog = data.progress
    gaps = prog[prog["status"] == "no_data"].sort_values("target_id")
    if gaps.empty:
        return [paragraph_block(w.t("gaps.none"))]
    table = publishers()
    rows = []
    for _, r in gaps.iterrows():
        name = r["indicator_zh"] if w.lang == "zh" else r["indicator_en"]
        needed = [note_text(w, key, params | {"indicator": name}) for key, params in words.from_json(r.get("data_needed_message"))]
        keys = table.get(r["indicator_id"], [])
        rows.append([int(r["target_id"]), name, w.join(needed, "list.semicolon") if needed else Markup("—"),
                     w.join([w.t(f"department.{k}") for k in keys]) if keys else Markup("—")])
    return [paragraph_block(w.t("gaps.intro", n=len(gaps), annex=ANNEX_NUMBERS["stamp"])),
            table_block(w, w.t("gaps.caption", n=len(gaps)), [w.t(f"col.{c}") for c in ("no", "indicator", "data_needed", "publisher")],
                        rows, [PLAN])]


# --------------------------------------------------------------------------- 附件 7 方法
def _methods(w: Writer, data: ReportData) -> list[dict]:
    sums = list(data.summaries.values())
    n_points = [int(s["n_actual"]) for s in sums] or [0]
    n_damped = sum(1 for s in sums if not is_missing(s.get("trend_method")) and not isinstance(s.get("damped_fallback_reason"), str))
    covid = data.covid_years
    base_year = int(data.plan_targets["base_year"].min())
    items = [w.t("methods.cagr"), w.t("methods.pace", base_year=base_year), w.t("methods.loglinear", level=fmt_pct(data.level, 0)),
             w.t("methods.damped" if n_damped else "methods.damped_none", n=data.min_points_damped if data.min_points_damped is not None else "—",
                 used=n_damped),
             w.t("methods.covid", span=f"{covid[0]}–{covid[-1]}" if covid else "—")]
    bands = data.thresholds.get("odds_bands")
    if bands:
        items.append(w.t("methods.odds", **{f"b{i}": fmt_pct(b, 0) for i, b in enumerate(bands)},
                         **{k: w.t(f"odds.{k}") for k in ("very_unlikely", "unlikely", "even", "likely", "very_likely")}))
    items += [w.t("methods.thresholds", file=Markup("<code>params/evaluation_thresholds.yaml</code>")),
              w.t("methods.selection"), w.t("methods.quality", qualities=w.join(
                  [w.t(f"guide.quality.{q}", quality=labels.quality(q, w.lang)) for q in labels.QUALITY_FLAGS], "list.semicolon")),
              w.t("trust.method", rules=Markup("<code>data/raw/observation_rules.yml</code>"),
                  rate_points=fmt_number(trust.TREND_RATE_TOLERANCE * 100, 0),
                  probability_points=fmt_number(trust.PROBABILITY_TOLERANCE * 100, 0)),
              w.t("methods.limits", low=min(n_points), high=max(n_points)),
              w.t("methods.units", **{key.split(".")[-1]: _unit_named(w, unit) for unit, key in labels.UNIT_KEYS.items()
                                      if key.split(".")[-1] in ("cny_100m", "cny_10k", "usd_100m", "visits_10k")})]
    return [list_block(items)]


def _unit_named(w: Writer, unit: str) -> Markup:
    """A unit of the plan as the methods annex names it: 亿元; in English the original, marked as a quotation."""
    return escape(unit) if w.lang == "zh" else quoted(unit, "zh")


# --------------------------------------------------------------------------- 附件 8 数据来源
#: the collector's note the data notes append to a page's title: "标题(百度百科香港镜像 …;注明来源[38])"
_TITLE_NOTE = re.compile(r"\s*[（(][^（()）]*[)）]\s*$")


def page_title(title_zh: str) -> str:
    """A registered title without the collector's trailing note in brackets (publisher, mirror, remarks):
    the page's own title, which the English edition quotes as the original (``页面标题(注)`` → ``页面标题``)."""
    return _TITLE_NOTE.sub("", title_zh).strip() or title_zh


def sources_annex(w: Writer, data) -> list[dict]:
    """Every cited source by its reference number, then the raw files with their checksums."""
    entries = []
    for sid in sorted(w.used_by, key=lambda s: w.source_numbers.get(s, len(w.source_numbers) + 1)):
        src = w.sources[sid]
        # a source just registered by `make add-figure` may not have its English title yet (null)
        title_zh, title_en = src.get("title_zh") or "", src.get("title_en") or ""
        if w.lang == "zh":
            title = mark_latin(title_zh) if HAS_CJK.search(title_zh) else cited_title(title_zh, "en")
            beside = None
        else:
            title = w.foreign(title_en) if title_en else Markup("—")
            original = page_title(title_zh)
            beside = cited_title(original, "zh") if HAS_CJK.search(original) else None
        publisher = src.get("issuer") if w.lang == "zh" else src.get("issuer_en")
        publisher = publisher or src.get(f"publisher_{w.lang}")
        entries.append({
            "anchor": f"source-{sid}", "reference": w.reference(sid), "citation": w.citation(sid), "title": title,
            "original_title": beside, "publisher": w.foreign(str(publisher)) if publisher else "—",
            "date": fmt_date(src.get("date") or "—", w.lang), "url": src.get("url"),
            "accessed": fmt_date(src.get("accessed") or "—", w.lang),
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
    """The source a raw file comes from, cited by its reference where the sources annex lists it."""
    if not isinstance(sid, str) or sid not in w.sources:
        return Markup("—")
    if sid in w.used_by:
        return Markup('<a class="cite" href="#source-{}">{} {}</a>').format(sid, w.reference(sid), w.source_name(sid))
    return w.source_name(sid)


# --------------------------------------------------------------------------- 附件 9 可复现信息
def stamp_annex(w: Writer, data) -> list[dict]:
    """The git revision, the data cut-off and evaluation year, package versions, how to rebuild, the parameters."""
    st = data.stamp
    versions = ", ".join(f"{k} {v}" for k, v in st.get("versions", {}).items())
    # each parameter file on a line of its own (a list, so that it also prints: a closed <details> would not)
    params_lines = [Markup("<code>{}</code>").format(f"{name}: " + ", ".join(f"{k}={v}" for k, v in p.items()
                                                                            if k not in ("title", "title_en", "description")))
                    for name, p in data.parameters.items()]
    files = w.join([Markup("<code>params/{}</code>").format(name) for name in data.parameters])
    return [list_block([w.t("stamp.git", revision=Markup("<code>{}</code>").format(st.get("git", "—"))),
                        w.t("stamp.cutoff", date=data_cutoff(data.provenance, w.lang)),
                        w.t("stamp.evaluation_year", year=data.evaluation_year),
                        w.t("stamp.rebuild", report=Markup("<code>make report</code>"), final=Markup("<code>make final</code>"),
                            pdf=Markup("<code>make pdf</code>"), raw=Markup("<code>data/raw/</code>")),
                        w.t("stamp.parameter_files", files=files),
                        w.t("stamp.versions", versions=Markup("<code>{}</code>").format(versions or "—"))]),
            paragraph_block(w.t("stamp.parameters")), list_block(params_lines)]
