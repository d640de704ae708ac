"""The words beside each conclusion, in the report's language: the weakest source it rests on,
its caveats, and what the sensitivity variants change.

:mod:`analysis.trust` computes these as data (the robustness and caveat tables); this module says
them through the catalogue (keys of ``analysis/messages/trust.yml``, :mod:`analysis.words`): the
message keys of a quality, a caveat or a sensitivity finding (:func:`quality_message`,
:func:`caveat_messages`, :func:`sensitivity_messages`), their text per target (:func:`describe`,
:func:`target_words`) and per series (:func:`series_caveat_text`), the summary's trust line
(:func:`trust_line`) and the robustness table as the report shows it (:func:`robustness_display`).
Numbers are formatted here, never computed: rates and probabilities arrive as fractions.
"""
from __future__ import annotations

import pandas as pd

from analysis import progress, trust, words
from analysis.report_format import fmt_pct

__all__ = ["quality_message", "caveat_messages", "sensitivity_messages", "describe", "trust_line", "target_words",
           "series_caveat_text", "robustness_display"]


def quality_message(quality: str | None) -> str:
    """The message key naming a quality flag (``trust.quality.<flag>``; none: ``trust.quality.none``)."""
    return f"trust.quality.{quality}" if quality in trust.QUALITY_ORDER else "trust.quality.none"


def caveat_messages(caveat_rows: pd.DataFrame) -> list[tuple[str, tuple[str, dict]]]:
    """``[(part, (trust.caveat.<caveat>, {years, detail})), …]`` for caveat rows of one target."""
    out = []
    for r in caveat_rows.itertuples(index=False):
        params = {k: ("" if pd.isna(getattr(r, k)) else str(getattr(r, k))) for k in ("years", "detail")}
        out.append((r.part, (f"trust.caveat.{r.caveat}", params)))
    return out


def sensitivity_messages(row: pd.Series) -> list[tuple[str, str, dict]]:
    """``[(variant, key, params), …]``: what each variant changes for one robustness row.

    ``params`` hold raw values (status keys, fractions); :func:`describe` formats them. Per
    variant the status comes first. Too few points to fit a trend is said once — for all data
    (variant ``all``) when even all data have too few, else for the variant — instead of
    listing the trend and probability that could not be computed.
    """
    out = []
    too_few_all = str(row.get("too_few")) == "True"
    if too_few_all:
        out.append(("all", "trust.sensitivity.too_few_all", {"n": int(row["n_points"])}))
    for v in trust.VARIANTS:
        too_few = str(row.get(f"too_few_{v}")) == "True"
        params = {"status": row["status"], "variant_status": row[f"status_{v}"], "rate": row["trend_rate"],
                  "variant_rate": row[f"trend_rate_{v}"], "probability": row["probability"],
                  "variant_probability": row[f"probability_{v}"]}
        changes = row.get(f"changes_{v}")
        changes = changes.split(";") if isinstance(changes, str) and changes else []
        out += [(v, f"trust.sensitivity.{c}", params) for c in changes if c.startswith("status")]
        if too_few and not (too_few_all and row[f"n_points_{v}"] == row["n_points"]):
            out.append((v, "trust.sensitivity.too_few", {"n": int(row[f"n_points_{v}"])}))
        out += [(v, f"trust.sensitivity.{c}", params) for c in changes
                if not c.startswith("status") and not (too_few and c.endswith("_missing"))]
    return out


def _status_label(key, language: str) -> str:
    labels = progress.STATUS_ZH if language == "zh" else progress.STATUS_EN
    return labels.get(key, words.text("missing_value", language))


def _quality_and_caveats(weakest: str | None, caveat_rows: pd.DataFrame, language: str) -> tuple[str, list[str]]:
    """“weakest source: …” and one “part: caveat” text per caveat row, in ``language``."""
    t = lambda key, **p: words.text(key, language, **p)  # noqa: E731

    def years(text: str) -> str:
        return t("trust.year_separator").join(y for y in text.split(",") if y)

    quality = t("trust.rests_on", quality=t(quality_message(weakest if isinstance(weakest, str) else None)))
    cav, parts_of = [], {}
    for part, (key, params) in caveat_messages(caveat_rows):
        params = {k: years(v) if v and v.replace(",", "").isdigit() else v for k, v in params.items()}
        text = t(key, **params)
        parts_of.setdefault(text, []).append(part)
    for text, parts in parts_of.items():  # a caveat of both the status and the trend is said once
        cav.append(text if len(set(parts)) > 1 else t("trust.with_part", part=t(f"trust.part.{parts[0]}"), text=text))
    return quality, cav


def describe(row: pd.Series, caveat_rows: pd.DataFrame, language: str) -> dict[str, str]:
    """The words shown beside one target's status or projection, in ``language``.

    ``quality`` (the weakest source it rests on), ``caveats`` (each with its part: status or
    trend), ``sensitivity`` (what the variants change, or that nothing does).
    """
    t = lambda key, **p: words.text(key, language, **p)  # noqa: E731
    sep = t("trust.list_separator")
    quality, cav = _quality_and_caveats(row.get("weakest_quality"), caveat_rows, language)
    sens = []
    for variant, key, params in sensitivity_messages(row):
        shown = dict(params)
        if variant in trust.VARIANTS:
            shown["variant"] = t(f"trust.variant.{variant}")
        for k in ("status", "variant_status"):
            if k in shown:
                shown[k] = _status_label(shown[k], language)
        for k in ("rate", "variant_rate"):
            if k in shown:
                shown[k] = fmt_pct(float(shown[k]))
        for k in ("probability", "variant_probability"):
            if k in shown:
                shown[k] = fmt_pct(float(shown[k]), 0)
        sens.append(t(key, **shown))
    nothing_judged = all(row.get(c) == "no_data" for c in ("status", "status_official", "status_post_census")) \
        and not (isinstance(row.get("scenario_id"), str) and row.get("scenario_id"))
    if sens:
        sensitivity = sep.join(sens)
    else:
        sensitivity = t("missing_value") if nothing_judged else t("trust.sensitivity.unchanged")
    return {"quality": quality, "caveats": sep.join(cav), "sensitivity": sensitivity}


def trust_line(robust: pd.DataFrame, language: str) -> str:
    """The summary's trust line: judged targets by the weakest quality of their status."""
    counts = trust.trust_counts(robust)
    return words.text("trust.summary_line", language, judged=sum(counts.values()), **counts)


def target_words(robust: pd.DataFrame, caveat_rows: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per target (index ``target_id``): ``quality``, ``caveats``, ``sensitivity`` in ``language``
    (:func:`describe` of every robustness row), and ``summary``, the three in one text to put
    beside a status or projection (``missing_value`` for a target that rests on nothing)."""
    missing = words.text("missing_value", language)
    sep = words.text("trust.list_separator", language)
    rows = {}
    for _, r in robust.iterrows():
        d = describe(r, caveat_rows[caveat_rows["target_id"] == r["target_id"]], language)
        rests = isinstance(r.get("weakest_quality"), str)
        parts = [d["quality"] if rests else "", d["caveats"], d["sensitivity"] if d["sensitivity"] != missing else ""]
        rows[int(r["target_id"])] = {**d, "summary": sep.join(p for p in parts if p) or missing}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["quality", "caveats", "sensitivity", "summary"]).rename_axis("target_id")


def series_caveat_text(observations: pd.DataFrame, region_code: str, indicator_id: str, evaluation_year: int,
                       language: str) -> str:
    """The caveats of one annual series (its weakest source first), in ``language``, for a
    notebook or a caption that uses the series; ``missing_value`` when the series is empty."""
    pts = trust.series_points(observations, region_code, indicator_id)
    if pts.empty:
        return words.text("missing_value", language)
    rows = pd.DataFrame([{"target_id": 0, "part": "trend", **c} for c in trust.caveats(pts, observations, region_code, evaluation_year)],
                        columns=trust.CAVEAT_COLUMNS)
    quality, cav = _quality_and_caveats(trust.weakest_quality(pts["quality"]), rows, language)
    return words.text("trust.list_separator", language).join([quality, *cav])


def robustness_display(robust: pd.DataFrame, caveat_rows: pd.DataFrame, progress_table: pd.DataFrame, language: str) -> pd.DataFrame:
    """The robustness table as the report shows it, headers and cells in ``language``.

    One row per target (none dropped): target, weakest source, status / trend points / trend rate /
    probability of reaching the target each as ``all / official only / without pre-revision``,
    caveats and what the variants change. ``progress_table`` is ``target_progress.csv`` (for names).
    """
    t = lambda key, **p: words.text(key, language, **p)  # noqa: E731
    dash = t("missing_value")
    names = progress_table.set_index("target_id")["indicator_zh" if language == "zh" else "indicator_en"]
    described = target_words(robust, caveat_rows, language)

    def triple(r, column, fmt):
        return t("trust.triple", **{k: fmt(r[c]) for k, c in (("all", column), ("official", f"{column}_official"),
                                                               ("post_census", f"{column}_post_census"))})

    def count(v):
        return dash if pd.isna(v) else str(int(v))

    rows = []
    for _, r in robust.iterrows():
        tid = int(r["target_id"])
        has_trend = bool(r["scenario_id"]) and isinstance(r["scenario_id"], str)
        rows.append({
            t("trust.column.target"): f"{tid}. {names.get(tid, r['indicator_id'])}",
            t("trust.column.quality"): t(quality_message(r["weakest_quality"] if isinstance(r["weakest_quality"], str) else None)),
            t("trust.column.status"): triple(r, "status", lambda v: _status_label(v, language)),
            t("trust.column.points"): triple(r, "n_points", count) if has_trend else dash,
            t("trust.column.trend_rate"): triple(r, "trend_rate", fmt_pct) if has_trend else dash,
            t("trust.column.probability"): triple(r, "probability", lambda v: fmt_pct(v, 0)) if has_trend else dash,
            t("trust.column.caveats"): described.loc[tid, "caveats"] or dash,
            t("trust.column.sensitivity"): described.loc[tid, "sensitivity"],
        })
    return pd.DataFrame(rows)
