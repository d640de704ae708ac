"""The final evaluation report (终期评估): a pure context from the final tables, rendered through
``templates/final/final_report.html.j2`` with the words of ``analysis/messages/final.yml``.

:func:`build_context` turns ``final_evaluation.csv`` and ``final_forecast_check.csv`` (written by
``notebooks/31_final_evaluation.py``) into numbers and rendered sentences of one language, chosen
by target id and indicator, never by row position; :func:`render` fills the template. Neither
reads a file besides the template, so both are testable without a kernel.
"""
from __future__ import annotations

import json
import math

import jinja2
import pandas as pd

from analysis import catalogue, words
from analysis.final_evaluation import STATUS_ORDER
from analysis.paths import TEMPLATES

#: unit as the plan and the data print it → catalogue key of its name in each language
UNIT_KEYS = {"亿元": "final.unit.cny_100m", "万元": "final.unit.cny_10k", "亿人次": "final.unit.visits_100m",
             "万人次": "final.unit.visits_10k", "%": "final.unit.percent", "家": "final.unit.firms",
             "个": "final.unit.items"}
#: reason parameters shown as a percentage (fractions in the data) and with how many decimals
PERCENT_PARAMS = {"share": 0, "threshold": 0, "realised": 1, "target_rate": 1}
TEMPLATE = "final_report.html.j2"


def unit_name(unit: str, language: str) -> str:
    """The unit in the reader's language (``亿元`` → ``CNY 100 million``); unknown units raise KeyError."""
    if unit not in UNIT_KEYS:
        raise KeyError(f"unit {unit!r} has no entry in analysis.final_report.UNIT_KEYS")
    return words.text(UNIT_KEYS[unit], language)


def number(value, decimals: int = 2) -> str:
    """A value for the reader: thousands separators, trailing zeros dropped; missing → ``—``."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{float(value):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(fraction, decimals: int = 0) -> str:
    """A fraction as a percentage (0.924 → ``92%``); missing → ``—``."""
    if fraction is None or fraction is pd.NA or (isinstance(fraction, float) and math.isnan(fraction)):
        return "—"
    return f"{float(fraction) * 100:.{decimals}f}%"


def reason(key, params_json, language: str) -> str:
    """A stored reason (catalogue key + JSON parameters) as a sentence; ``""`` when there is none."""
    if not isinstance(key, str) or not key:
        return ""
    params = json.loads(params_json) if isinstance(params_json, str) and params_json else {}
    shown = {}
    for name, value in params.items():
        if name in PERCENT_PARAMS:
            shown[name] = percent(value, PERCENT_PARAMS[name])
        elif name == "unit":
            shown[name] = unit_name(value, language)
        elif isinstance(value, float):
            shown[name] = number(value)
        elif isinstance(value, list):  # years
            shown[name] = words.text("final.list_separator", language).join(map(str, value))
        else:
            shown[name] = value
    return words.text(key, language, **shown)


def _status(status, language: str) -> str:
    return words.text(f"final.status.{status}", language) if isinstance(status, str) else ""


def _target_text(row: pd.Series, language: str) -> str:
    if language == "zh":
        return str(row["target_text"])
    unit = unit_name(row["unit"], language)
    return f"{number(row['target_value'])}{'' if row['unit'] == '%' else ' '}{unit}".strip()


def build_context(final: pd.DataFrame, check: pd.DataFrame, params: dict, data_years: list[int],
                  sources: dict, plan_source: dict, language: str) -> dict:
    """Everything the template shows, in ``language`` (``zh`` or ``en``).

    ``final`` / ``check``: the notebook's tables; ``params``: ``params/final_evaluation.yaml``;
    ``data_years``: years with any selected full-year Changji value; ``sources``: provenance
    ``sources`` (id → entry); ``plan_source``: the plan's own entry (its titles name the report).
    """
    if language not in words.LANGUAGES:
        raise ValueError(f"language {language!r}: expected one of {', '.join(words.LANGUAGES)}")
    t = lambda key, **kw: words.text(key, language, **kw)  # noqa: E731
    final_year = int(final["final_year"].iloc[0])
    base_year = int(final["base_year"].iloc[0])
    first_year = base_year + 1
    counts = {k: int((final["status"] == k).sum()) for k in STATUS_ORDER}
    sep = t("final.list_separator")
    why = []
    not_published = final[final["reason_key"] == "final.reason.not_published"]
    if len(not_published):
        years = sep.join(str(y) for y in sorted(set(int(y) for y in not_published["latest_year"])))
        why.append(t("final.report.why.not_published", n=len(not_published), final_year=final_year, years=years))
    never = final[final["reason_key"] == "final.reason.no_observation"]
    if len(never):
        why.append(t("final.report.why.no_observation", n=len(never), first_year=first_year, final_year=final_year))
    other = counts["no_data"] - len(not_published) - len(never)
    if other:
        why.append(t("final.report.why.other", n=other, base_year=base_year))

    targets = _target_rows(final, language)
    forecasts = _forecast_rows(check, final, language)
    level = percent(check["level"].iloc[0]) if len(check) else percent(0.8)
    cited = _cited_sources(final, sources, language)

    plan_title = plan_source["title_zh"] if language == "zh" else plan_source["title_en"]
    threshold = percent(params["basically_completed_share"])
    return {
        "language": language, "final_year": final_year, "title": t("final.report.title", plan_title=plan_title),
        "intro": t("final.report.intro", final_year=final_year, first_year=first_year),
        "data_years": t("final.report.data_years", years=sep.join(map(str, data_years)) or "—"),
        "headline": t("final.report.headline", n_total=len(final), n_judged=len(final) - counts["no_data"],
                      counts=sep.join(t("final.count", n=counts[k], status=_status(k, language)) for k in STATUS_ORDER)),
        "why_heading": t("final.report.why_heading") if why else "", "why": why,
        "counts": counts, "targets": targets, "forecasts": forecasts, "sources": cited,
        "method": [t("final.method.classes", final_year=final_year, base_year=base_year, threshold=threshold),
                   t("final.method.maintain", final_year=final_year, base_year=base_year),
                   t("final.method.rate", final_year=final_year, base_year=base_year),
                   t("final.method.tourism", final_year=final_year, first_year=first_year)],
        "forecast_intro": t("final.forecast.intro", midterm_year=int(params["midterm_year"]), final_year=final_year,
                            level=level),
        "level": level, "midterm_year": int(params["midterm_year"]),
    }


def _target_rows(final: pd.DataFrame, language: str) -> list[dict]:
    """One row of the targets table per 表 2 target, by target id."""
    rows = []
    for _, r in final.sort_values("target_id").iterrows():
        total = None
        if isinstance(r["total_status"], str):
            total = {"status": r["total_status"], "label": _status(r["total_status"], language),
                     "reason": reason(r["total_reason_key"], r["total_reason_params"], language)}
        rows.append({
            "id": int(r["target_id"]), "indicator": r["indicator_zh"] if language == "zh" else r["indicator_en"],
            "target": _target_text(r, language),
            "value": number(r["actual_value"]), "share": percent(r["achieved_share"]),
            "status": r["status"], "label": _status(r["status"], language),
            "reason": reason(r["reason_key"], r["reason_params"], language), "total": total,
        })
    return rows


def _forecast_rows(check: pd.DataFrame, final: pd.DataFrame, language: str) -> list[dict]:
    """One row of the forecast-check table per scenario indicator."""
    sep = words.text("final.list_separator", language)
    rows = []
    for _, c in check.iterrows():
        notes = [reason(c[f"{p}_reason_key"], c[f"{p}_reason_params"], language) for p in ("projection", "actual")]
        covered = c["covered"]
        rows.append({
            "indicator": words_indicator(c["indicator_id"], final, language), "unit": unit_name(c["unit"], language),
            "fit_years": sep.join(str(c["fit_years"]).split(",")) if isinstance(c["fit_years"], str) else "—",
            "projected": number(c["projected"]),
            "interval": "—" if pd.isna(c["lower"]) or pd.isna(c["upper"]) else f"{number(c['lower'])} – {number(c['upper'])}",
            "actual": number(c["actual"]),
            "error": "—" if pd.isna(c["error"]) else f"{number(c['error'])} ({c['error_pct']:+.1f}%)",
            "covered": "—" if pd.isna(covered) else words.text("final.yes" if bool(covered) else "final.no", language),
            "note": words.text("final.sentence_separator", language).join(n for n in notes if n),
        })
    return rows


def _cited_sources(final: pd.DataFrame, sources: dict, language: str) -> list[dict]:
    """The sources of every value the report shows: final-year values and the latest ones named
    where 2025 is missing (a combined share names both of its sources)."""
    used = sorted({s for s in final.loc[final["latest_year"].notna(), "source_id"].dropna() for s in str(s).split(" + ")})
    cited = []
    for sid in used:
        src = sources.get(sid)
        if src is None:
            raise KeyError(f"source {sid!r} used in the final evaluation is not registered in provenance.yml")
        cited.append({"id": sid, "title_zh": src.get("title_zh"), "title_en": src.get("title_en"),
                      "url": src.get("url"), "accessed": src.get("accessed"),
                      "quality": words.text(f"final.quality.{src['quality']}", language)})
    return cited


def words_indicator(indicator_id: str, final: pd.DataFrame, language: str) -> str:
    """An indicator's name in ``language``, from the first 表 2 target on it (the catalogue's otherwise)."""
    rows = final[final["indicator_id"] == indicator_id]
    if len(rows):
        return rows.iloc[0]["indicator_zh" if language == "zh" else "indicator_en"]
    return catalogue.indicator(indicator_id)["name_zh" if language == "zh" else "name_en"]


def render(context: dict) -> str:
    """The report body (HTML) for a :func:`build_context` context."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / "final")), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    language = context["language"]
    env.globals["t"] = lambda key, **kw: words.text(key, language, **kw)
    return env.get_template(TEMPLATE).render(**context)
