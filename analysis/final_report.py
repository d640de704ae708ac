"""The final evaluation report (终期评估): the same machinery as the mid-term report, on the final tables.

:func:`build_context` turns ``final_evaluation.csv`` and ``final_forecast_check.csv`` (written by
``notebooks/31_final_evaluation.py``) into a context of the shape
:func:`analysis.report_context.build_context` returns, built with its writer: words from the one
catalogue (``analysis/messages/final.yml`` and the shared keys), figures and tables numbered,
every table citing its sources in readable form, the sources section and the reproducibility
stamp of the mid-term report. :func:`analysis.report.render_report` renders it through
``templates/report/`` (base template, blocks, screen and print CSS). Facts are chosen by target
id and indicator, never by row position. :func:`load_final_report_data` is the one function
that reads files; everything else is testable without a kernel.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from analysis import final_evaluation, labels, paths, provenance, report, scoreboard, words
from analysis.catalogue import SUBJECT_REGION
from analysis.final_evaluation import STATUS_ORDER
from analysis.observations import read_observations
from analysis.report_annexes import sources_annex, stamp_annex
from analysis.report_context import PLAN
from analysis.report_data import parameter_files
from analysis.report_format import (
    Writer,
    cited_title,
    cutoff_words,
    decimals_of,
    fmt_amount,
    fmt_date,
    fmt_number,
    fmt_pct,
    list_block,
    paragraph_block,
    table_block,
)

#: the file of each edition (Makefile: FINAL_REPORT, FINAL_REPORT_EN), for the link to the other edition
EDITION_FILES = {"zh": "final_evaluation.html", "en": "final_evaluation.en.html"}
#: reason parameters shown as a percentage (fractions in the data) and with how many decimals
PERCENT_PARAMS = {"share": 0, "threshold": 0, "realised": 1, "target_rate": 1}
#: reason parameters that are amounts in the stored ``unit``, written with it as the mid-term report
#: writes amounts (:func:`analysis.report_format.fmt_amount`); a target with the plan's own decimals
AMOUNT_PARAMS = ("actual", "target", "baseline", "total", "target_total", "latest_value")
TARGET_PARAMS = ("target", "target_total")


@dataclass
class FinalReportData:
    """Every input of the final report, already read (see :func:`load_final_report_data`).

    The attributes the mid-term report's sources section and stamp read (``provenance``,
    ``observations``, ``parameters``, ``stamp``, ``evaluation_year``) have the same meaning here.
    """

    final: pd.DataFrame                 # final_evaluation.csv
    check: pd.DataFrame                 # final_forecast_check.csv
    params: dict                        # params/final_evaluation.yaml
    observations: pd.DataFrame          # observations.csv
    provenance: dict                    # data/raw/provenance.yml
    parameters: dict[str, dict] = field(default_factory=dict)  # the build's parameter files (report_data.parameter_files)
    stamp: dict = field(default_factory=dict)                  # git revision, package versions

    @property
    def evaluation_year(self) -> int:
        return int(self.final["final_year"].iloc[0])


def reason(key, params_json, language: str) -> str:
    """A stored reason (catalogue key + JSON parameters) as a sentence; ``""`` when there is none."""
    if not isinstance(key, str) or not key:
        return ""
    params = json.loads(params_json) if isinstance(params_json, str) and params_json else {}
    unit = params.pop("unit", None)
    shown = {}
    for name, value in params.items():
        if name in PERCENT_PARAMS:
            shown[name] = fmt_pct(value, PERCENT_PARAMS[name])
        elif unit is not None and name in AMOUNT_PARAMS:
            shown[name] = fmt_amount(value, unit, language, decimals_of(value) if name in TARGET_PARAMS else 2)
        elif isinstance(value, float):
            shown[name] = fmt_number(value)
        elif isinstance(value, list):  # years
            shown[name] = words.text("list.separator", language).join(map(str, value))
        else:
            shown[name] = value
    return words.text(key, language, **shown)


def _status(status, language: str) -> str:
    return words.text(f"final.status.{status}", language) if isinstance(status, str) else ""


def _target_text(w: Writer, row: pd.Series) -> Markup:
    """A 表 2 target as the plan prints it (Chinese) or as value and unit (English)."""
    if w.lang == "zh":
        return Markup.escape(str(row["target_text"]))
    return w.amount(row["target_value"], row["unit"], decimals_of(row["target_value"]))


def build_context(data: FinalReportData, language: str) -> dict:
    """Everything the report templates print, in ``language`` (``zh`` or ``en``): the keys of
    :func:`analysis.report_context.build_context` plus ``counts`` (targets per final class)."""
    w = Writer(language, data.provenance)
    final, params = data.final, data.params
    t = w.t
    final_year = data.evaluation_year
    base_year = int(final["base_year"].iloc[0])
    first_year = base_year + 1
    counts = final_evaluation.status_counts(final)
    plan = data.provenance["sources"][PLAN]
    plan_title = plan["title_zh"] if language == "zh" else plan["title_en"]
    threshold = fmt_pct(params["basically_completed_share"], 0)

    summary = [paragraph_block(t("final.report.headline", n_total=len(final), n_judged=len(final) - counts["no_data"],
                       counts=w.join([t("final.count", n=counts[k], status=_status(k, language)) for k in STATUS_ORDER])))]
    why = _why_no_data(w, final, final_year, first_year, base_year, counts)
    if why:
        summary += [paragraph_block(t("final.report.why_heading")), list_block(why)]

    body = [
        ("summary", summary),
        ("targets", [_targets_table(w, final, final_year, first_year)]),
        ("method", [list_block(_method(w, final, final_year, base_year, first_year, threshold))]),
        ("forecast", _forecast(w, data, final_year)),
    ]
    sections = [{"anchor": a, "heading": t("section.numbered", n=t(f"numeral.{i}") if language == "zh" else i, title=t(f"final.section.{a}")),
                 "annex": False, "blocks": b} for i, (a, b) in enumerate(body, start=1)]
    # the sources and the stamp as the mid-term report's annexes, numbered from 1
    sections += [{"anchor": a, "heading": t("annex.heading", n=i, title=t(f"annex.{a}")), "annex": True, "blocks": f(w, data)}
                 for i, (a, f) in enumerate((("sources", sources_annex), ("stamp", stamp_annex)), start=1)]
    judged = len(final) - counts["no_data"]
    meta = [
        t("report.meta.plan", issuer=plan.get("issuer") if language == "zh" else plan.get("issuer_en", ""),
          plan=Markup("{} ({})").format(plan["title_en"], cited_title(plan["title_zh"], "zh")) if language == "en" else plan_title,
          number=plan["document_number"], date=fmt_date(plan["date"], language)),
        t("final.report.meta_year", final_year=final_year, first_year=first_year, judged=judged, n=len(final)),
        cutoff_words(data.provenance, max(final_evaluation.data_years(data.observations), default=None), final_year, language),
        t("report.meta.author"),
    ]
    other = next(lang for lang in words.LANGUAGES if lang != language)
    # with nothing judgeable yet the document is the framework awaiting the final-year data, not an evaluation
    title_key = "final.report.title" if judged else "final.report.title_framework"
    return {"lang": language, "title": t(title_key, plan_title=plan_title, final_year=final_year), "meta": meta,
            "toc_title": t("report.contents"),
            "other_edition": {"lang": other, "href": EDITION_FILES[other], "name": words.text("language_name", other)},
            "sections": sections,
            "figure_count": w.figures, "table_count": w.tables, "caption_sources": t("caption.sources"),
            "separator": t("list.semicolon"), "missing": words.text("missing_value", language), "counts": counts}


def _why_no_data(w: Writer, final: pd.DataFrame, final_year: int, first_year: int, base_year: int,
                 counts: dict) -> list[Markup]:
    """Why the targets without a class have none, by the reason each carries."""
    why = []
    not_published = final[final["reason_key"] == "final.reason.not_published"]
    if len(not_published):
        years = w.join(str(y) for y in sorted({int(y) for y in not_published["latest_year"]}))
        why.append(w.t("final.report.why.not_published", n=len(not_published), final_year=final_year, years=years))
    never = final[final["reason_key"] == "final.reason.no_observation"]
    if len(never):
        why.append(w.t("final.report.why.no_observation", n=len(never), first_year=first_year, final_year=final_year))
    other = counts["no_data"] - len(not_published) - len(never)
    if other:
        why.append(w.t("final.report.why.other", n=other, base_year=base_year))
    return why


def _targets_table(w: Writer, final: pd.DataFrame, final_year: int, first_year: int) -> dict:
    """One row per 表 2 target, by target id; each row carries its id and classes as data attributes."""
    rows, attributes, sources = [], [], [PLAN]
    for _, r in final.sort_values("target_id").iterrows():
        sources += scoreboard.split_combined(r["source_id"]) if not pd.isna(r["latest_year"]) else []
        total = None
        if isinstance(r["total_status"], str):
            total = w.t("final.labelled", label=_status(r["total_status"], w.lang),
                        text=reason(r["total_reason_key"], r["total_reason_params"], w.lang))
        rows.append([int(r["target_id"]), r["indicator_zh"] if w.lang == "zh" else r["indicator_en"], _target_text(w, r),
                     fmt_number(r["actual_value"]), fmt_pct(r["achieved_share"], 0), _status(r["status"], w.lang),
                     reason(r["reason_key"], r["reason_params"], w.lang), total])
        attributes.append({"data-status": r["status"], "data-target-id": int(r["target_id"])}
                          | ({"data-total-status": r["total_status"]} if isinstance(r["total_status"], str) else {}))
    columns = [w.t("final.col.id"), w.t("final.col.indicator"), w.t("final.col.target"),
               w.t("final.col.value", final_year=final_year), w.t("final.col.share"), w.t("final.col.status"),
               w.t("final.col.reason"), w.t("final.col.total", first_year=first_year, final_year=final_year)]
    table = table_block(w, w.t("final.targets.caption", n=len(final), final_year=final_year), columns, rows, sources)
    return table | {"row_attributes": attributes}


def _method(w: Writer, final: pd.DataFrame, final_year: int, base_year: int, first_year: int, threshold: str) -> list[Markup]:
    items = [w.t("final.method.classes", final_year=final_year, base_year=base_year, threshold=threshold,
                 file=Markup("<code>params/final_evaluation.yaml</code>"))]
    maintain = final[final["method"] == "maintain"].sort_values("target_id")
    if len(maintain):  # the plan's own maintain-type targets as the example, never a typed one
        examples = w.join([w.t("final.method.maintain_example", indicator=r["indicator_zh"] if w.lang == "zh" else r["indicator_en"],
                                 target=_target_text(w, r)) for _, r in maintain.iterrows()])
        items.append(w.t("final.method.maintain", final_year=final_year, base_year=base_year, examples=examples))
    items += [w.t("final.method.rate", final_year=final_year, base_year=base_year, years=final_year - base_year),
              w.t("final.method.tourism", final_year=final_year, first_year=first_year)]
    return items


def _forecast(w: Writer, data: FinalReportData, final_year: int) -> list[dict]:
    """The mid-term projections refitted on data up to the mid-term year against the final-year actuals."""
    check, midterm_year = data.check, int(data.params["midterm_year"])
    level = fmt_pct(check["level"].iloc[0], 0) if len(check) else fmt_pct(float("nan"), 0)
    rows, sources = [], []
    obs = data.observations
    fitted = obs[obs["selected"].astype(bool) & (obs["period"] == "full_year") & (obs["region_code"].astype(str) == SUBJECT_REGION)]
    for _, c in check.iterrows():
        used = fitted[(fitted["indicator_id"] == c["indicator_id"]) & (fitted["year"] <= midterm_year)]
        sources += sorted(set(used["source_id"].dropna())) + scoreboard.split_combined(c.get("source_id"))
        notes = [reason(c[f"{p}_reason_key"], c[f"{p}_reason_params"], w.lang) for p in ("projection", "actual")]
        covered = c["covered"]
        rows.append([
            _indicator_name(c["indicator_id"], data.final, w.lang), w.unit(c["unit"]),
            w.join(str(c["fit_years"]).split(",")) if isinstance(c["fit_years"], str) else "—",
            fmt_number(c["projected"]),
            "—" if pd.isna(c["lower"]) or pd.isna(c["upper"]) else w.t("range", low=fmt_number(c["lower"]), high=fmt_number(c["upper"])),
            fmt_number(c["actual"]),
            "—" if pd.isna(c["error"]) else w.t("final.error", error=fmt_number(c["error"]), pct=f"{c['error_pct']:+.1f}%"),
            "—" if pd.isna(covered) else w.t("final.yes" if str(covered).lower() == "true" else "final.no"),
            w.join([n for n in notes if n], "list.semicolon") if any(notes) else "—",
        ])
    columns = [w.t("final.col.indicator"), w.t("final.col.unit"), w.t("final.col.fit_years"),
               w.t("final.col.projected", final_year=final_year), w.t("final.col.interval", level=level),
               w.t("final.col.actual", final_year=final_year), w.t("final.col.error"), w.t("final.col.covered"),
               w.t("final.col.reason")]
    return [paragraph_block(w.t("final.forecast.intro", midterm_year=midterm_year, final_year=final_year, level=level)),
            table_block(w, w.t("final.forecast.caption", midterm_year=midterm_year, final_year=final_year), columns, rows, sources)]


def _indicator_name(indicator_id: str, final: pd.DataFrame, language: str) -> str:
    """An indicator's name in ``language``, from the first 表 2 target on it (the catalogue's otherwise)."""
    rows = final[final["indicator_id"] == indicator_id]
    if len(rows):
        return rows.iloc[0]["indicator_zh" if language == "zh" else "indicator_en"]
    return labels.indicator(indicator_id, language)


def load_final_report_data(final_path: str | Path, check_path: str | Path, observations_path: str | Path,
                           final_params_path: str | Path, params_dir: str | Path) -> FinalReportData:
    """Read every table the final report needs (the one function of this module that reads files)."""
    params = Path(params_dir)
    return FinalReportData(
        final=pd.read_csv(final_path, dtype={"reason_params": str, "total_reason_params": str}),
        check=pd.read_csv(check_path), params=final_evaluation.load_parameters(final_params_path),
        observations=read_observations(observations_path), provenance=provenance.load_provenance(),
        parameters=parameter_files(params),
        stamp={"git": report.git_revision(paths.ROOT),
               "versions": report.package_versions(("pandas", "numpy", "statsmodels", "papermill", "nbconvert", "jupytext",
                                                    "jinja2"))},
    )

