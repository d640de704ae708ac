"""Plan consistency audit: every statement in the plan that can be recomputed from the plan's own
numbers is recomputed, and the result compared with what the plan says.

Each check quotes the plan (a verbatim span of one line, found through a quote template of
:mod:`analysis.targets`; a template not found stops with :class:`~analysis.errors.RawDataError`),
takes every number from those quotes, recomputes, and gives a verdict:

- ``consistent`` (一致): the printed statement follows from the printed numbers, allowing for
  the rounding of the printed numbers (half a unit of the last printed digit);
- ``inconsistent`` (不一致): it does not, under any reading the text allows;
- ``ambiguous`` (存在歧义): whether it holds depends on a reading the plan leaves open (nominal or
  comparable prices; one year or a five-year total; an unstated GDP path) — the explanation
  gives what each reading implies.

Growth rates are fractions (``recomputed`` 0.0931 = 9.31 % a year); money in 亿元.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import labels
from analysis.bureau_table import parse_comparison_table
from analysis.catalogue import SUBJECT_REGION
from analysis.errors import RawDataError
from analysis.growth import cagr, required_growth
from analysis.paths import PLAN_TEXT, relative
from analysis.quotes import Quote, find_quote, plan_quote, squash
from analysis.targets import plan_period
from analysis.units import convert_units
from analysis.words import Message, to_json

VERDICT_ZH = {"consistent": "一致", "inconsistent": "不一致", "ambiguous": "存在歧义"}
#: per check, its words twice: English text for people reading the CSV (``topic_en``, ``stated``,
#: ``recomputed_text``, ``explanation_en``) and the catalogue messages the report renders in its
#: language (``*_message``, JSON of :func:`analysis.words.to_json`; keys ``audit.*``)
COLUMNS = ["check_id", "topic_en", "statement_zh", "statement_lines", "stated", "recomputed", "recomputed_unit",
           "recomputed_text", "verdict", "verdict_zh", "explanation_en",
           "topic_message", "stated_message", "recomputed_message", "explanation_message"]


def _half(q: Quote, name: str) -> float:
    """Half a unit of the last printed digit of a quoted number (its rounding interval)."""
    return 0.5 * 10.0 ** (-q.decimals(name))


def _pct(x: float, d: int = 2) -> str:
    return f"{x * 100:.{d}f}%"


def _n(x: float, d: int = 1) -> str:
    return f"{x:,.{d}f}"


def _word(yes: bool, if_true: str, if_false: str) -> Message:
    """One of two catalogue words (``audit.word.*``) chosen by a recomputed fact."""
    return Message(f"audit.word.{if_true if yes else if_false}")


def _row(check_id: str, topic: Message, quotes: list[Quote], stated: Message, recomputed: float, unit: str,
         recomputed_text: Message, verdict: str, explanation: Message) -> dict:
    return {
        "check_id": check_id, "topic_en": str(topic),
        "statement_zh": " … ".join(q.text for q in quotes),
        "statement_lines": ", ".join(str(q.line) for q in quotes),
        "stated": str(stated), "recomputed": recomputed, "recomputed_unit": unit, "recomputed_text": str(recomputed_text),
        "verdict": verdict, "verdict_zh": VERDICT_ZH[verdict], "explanation_en": str(explanation),
        "topic_message": to_json([topic]), "stated_message": to_json([stated]),
        "recomputed_message": to_json([recomputed_text]), "explanation_message": to_json([explanation]),
    }


def _require_year(q: Quote, name: str, year: int, file: str) -> None:
    if int(q.value(name)) != year:
        raise RawDataError(file, f"expected the year {year} in «{q.text}», found {q.printed[name]}", row=q.line)


def _implied_gdp(q_value: Quote, v: str, q_share: Quote, s: str) -> tuple[float, float, float]:
    """GDP implied by a value and its share of GDP (%), with the interval the rounding allows."""
    val, share = q_value.value(v), q_share.value(s)
    hv, hs = _half(q_value, v), _half(q_share, s)
    return val / share * 100, (val - hv) / (share + hs) * 100, (val + hv) / (share - hs) * 100


def _rate_check(base: float, target: float, years: int, q_rate: Quote, qualifier: str):
    """Compare the rate needed to go from ``base`` to ``target`` with a printed rate.

    ``左右`` (about): consistent if the needed rate rounds to the printed one. ``以上`` (at least):
    consistent if growing at the printed minimum rate reaches the printed minimum level (within
    the rate's rounding) — otherwise the stated floor of growth does not deliver the stated floor
    of the level.
    """
    needed = required_growth(base, target, years)
    stated = q_rate.value("rate") / 100
    half = _half(q_rate, "rate") / 100
    level_at_stated = base * (1 + stated) ** years
    if qualifier == "左右":
        ok = abs(needed - stated) <= half + 1e-12
    else:
        ok = needed <= stated + half + 1e-12
    return needed, stated, level_at_stated, ok


@dataclass(frozen=True)
class _PlanText:
    """The quotes the checks read (templates of ``analysis/plan_quotes.yml``), found and year-checked
    up front, with the plan period and 表 1."""

    base_year: int
    target_year: int
    t13: Quote      # tertiary_13th
    st0: Quote      # structure_start
    st1: Quote      # structure_end
    sh20: Quote     # tertiary_share_base
    f13: Quote      # finance_13th_rate
    fs: Quote       # finance_share_13th
    table1: pd.DataFrame
    rb: Quote       # retail_base
    t25: Quote      # tertiary_target_year
    r25: Quote      # retail_target_year
    f25: Quote      # finance_target_year
    ts25: Quote     # tertiary_share_target
    tr13a: Quote    # tourism_13th_wording
    tr13: Quote     # tourism_13th
    tr25: Quote     # tourism_target_year

    @property
    def horizon(self) -> int:
        return self.target_year - self.base_year

    @property
    def years13(self) -> int:
        return int(self.t13.value("y1") - self.t13.value("y0"))


def _read_plan(text: str, file: str) -> _PlanText:
    """Find every quote the checks use, in order; a quote not found or with an unexpected year stops."""
    base_year, target_year = plan_period(text, file)

    def q(quote_id: str, purpose: str, year: tuple[str, int] | None = None) -> Quote:
        found = find_quote(text, plan_quote(quote_id), file, purpose)
        if year is not None:
            _require_year(found, year[0], year[1], file)
        return found

    t13 = q("tertiary_13th", "13th-plan tertiary value added", ("y1", base_year))
    st0 = q("structure_start", "industrial structure, start of the 13th plan")
    st1 = q("structure_end", "industrial structure, end of the 13th plan")
    sh20 = q("tertiary_share_base", "tertiary share of GDP in the base year", ("year", base_year))
    _require_year(st0, "y0", int(t13.value("y0")), file)
    _require_year(st1, "y1", int(t13.value("y1")), file)
    f13 = q("finance_13th_rate", "13th-plan financial sector growth", ("y1", base_year))
    fs = q("finance_share_13th", "13th-plan financial sector share of GDP", ("y0", int(f13.value("y0"))))
    _require_year(fs, "y1", base_year, file)
    table1 = parse_comparison_table(text, file, year=base_year, source_id="plan").data
    return _PlanText(
        base_year, target_year, t13, st0, st1, sh20, f13, fs, table1,
        rb=q("retail_base", "retail sales in the base year", ("year", base_year)),
        t25=q("tertiary_target_year", "tertiary value added target", ("year", target_year)),
        r25=q("retail_target_year", "retail sales target", ("year", target_year)),
        f25=q("finance_target_year", "financial sector targets", ("year", target_year)),
        ts25=q("tertiary_share_target", "tertiary share target"),
        tr13a=q("tourism_13th_wording", "13th-plan tourism totals, wording"),
        tr13=q("tourism_13th", "13th-plan tourism totals"),
        tr25=q("tourism_target_year", "tourism targets", ("year", target_year)),
    )


def _finance_13th_rates(f13: Quote) -> tuple[int, float]:
    """Years of the 13th-plan finance figures, and the GDP growth rate the sentence implies."""
    fyears = int(f13.value("y1") - f13.value("y0"))
    return fyears, (f13.value("rate") - f13.value("gap")) / 100


def _tertiary_growth_13th(p: _PlanText) -> list[dict]:
    """三产 in the 13th plan: its nominal growth against the GDP the structure shares imply."""
    years13 = p.years13
    t13, st0, st1 = p.t13, p.st0, p.st1
    # 三产 358.05 → 563.51: nominal CAGR; the structure shares give nominal GDP at both ends
    r_t13 = cagr(t13.value("v0"), t13.value("v1"), years13)
    gdp15 = t13.value("v0") / st0.value("c0") * 100
    gdp20 = t13.value("v1") / st1.value("c1") * 100
    r_gdp13 = cagr(gdp15, gdp20, years13)
    share_rose = st1.value("c1") > st0.value("c0")
    ok = (r_t13 > r_gdp13) == share_rose
    printed = {k: t13.printed[k] for k in ("v0", "v1", "y0", "y1")}
    return [_row(
        "tertiary_growth_13th", Message("audit.topic.tertiary_growth_13th", y0=printed["y0"], y1=printed["y1"]),
        [t13, st0, st1], Message("audit.stated.tertiary_growth_13th", **printed),
        r_t13, "fraction per year", Message("audit.recomputed.tertiary_growth_13th", rate=_pct(r_t13), gdp_rate=_pct(r_gdp13)),
        "consistent" if ok else "inconsistent",
        Message("audit.explain.tertiary_growth_13th", v0=printed["v0"], v1=printed["v1"], years=years13, rate=_pct(r_t13),
                c0=st0.printed["c0"], c1=st1.printed["c1"], gdp0=_n(gdp15), gdp1=_n(gdp20), gdp_rate=_pct(r_gdp13),
                faster=_word(r_t13 > r_gdp13, "faster", "slower"), rising=_word(share_rose, "rising", "not_rising"),
                matches=_word(ok, "matches", "contradicts")),
    )]


def _structure_change_13th(p: _PlanText) -> list[dict]:
    """The structure's change in percentage points, and each structure summing to 100."""
    st0, st1 = p.st0, p.st1
    # 产业结构 38.1 → 40.6, "+2.5 个百分点"; each structure sums to 100 (rounding allowed)
    d = st1.value("c1") - st0.value("c0")
    tol = _half(st0, "c0") + _half(st1, "c1") + _half(st1, "dp")
    sums = [sum(x.value(k) for k in ks) for x, ks in ((st0, ("a0", "b0", "c0")), (st1, ("a1", "b1", "c1")))]
    sum_tol = [sum(_half(x, k) for k in ks) for x, ks in ((st0, ("a0", "b0", "c0")), (st1, ("a1", "b1", "c1")))]
    sums_ok = all(abs(s - 100) <= t + 1e-9 for s, t in zip(sums, sum_tol))
    ok = abs(d - st1.value("dp")) <= tol + 1e-9 and sums_ok
    shares = {"c0": st0.printed["c0"], "c1": st1.printed["c1"], "d": f"{d:.1f}"}
    return [_row(
        "structure_change_13th", Message("audit.topic.structure_change_13th"),
        [st0, st1], Message("audit.stated.structure_change_13th", dp=st1.printed["dp"]), round(d, 6), "percentage points",
        Message("audit.recomputed.structure_change_13th", **shares),
        "consistent" if ok else "inconsistent",
        Message("audit.explain.structure_change_13th", **shares, dp=st1.printed["dp"], agrees=_word(ok, "as", "unlike"),
                sum0=f"{sums[0]:.1f}", sum1=f"{sums[1]:.1f}"),
    )]


def _finance_growth_13th(p: _PlanText) -> list[dict]:
    """金融业 in the 13th plan: the stated average growth against the recomputed one."""
    years13 = p.years13
    f13 = p.f13
    fyears, gdp_rate_stated = _finance_13th_rates(f13)
    # 金融业 37.9 (2016) → 85.41 (2020), "年平均增速为 7.3%"
    r_fin = cagr(f13.value("v0"), f13.value("v1"), fyears)
    r_fin_13 = cagr(f13.value("v0"), f13.value("v1"), years13)
    stated = f13.value("rate") / 100
    deflator = (1 + r_fin) / (1 + stated) - 1
    ok = abs(r_fin - stated) <= _half(f13, "rate") / 100
    return [_row(
        "finance_growth_13th", Message("audit.topic.finance_growth_13th"),
        [f13], Message("audit.stated.finance_growth_13th", rate=f13.printed["rate"]), r_fin, "fraction per year",
        Message("audit.recomputed.finance_growth_13th", r=_pct(r_fin), y0=f13.printed["y0"], y1=f13.printed["y1"], years=fyears),
        "consistent" if ok else "ambiguous",
        Message("audit.explain.finance_growth_13th", v0=f13.printed["v0"], v1=f13.printed["v1"], years=fyears, r=_pct(r_fin),
                years13=years13, r13=_pct(r_fin_13), rate=f13.printed["rate"], gap=f13.printed["gap"],
                gdp_rate=_pct(gdp_rate_stated, 1), deflator=_pct(deflator, 1)),
    )]


def _finance_share_13th(p: _PlanText) -> list[dict]:
    """金融业's share of GDP, and the GDP it implies against the tertiary figures'."""
    t13, sh20, f13, fs = p.t13, p.sh20, p.f13, p.fs
    fyears, gdp_rate_stated = _finance_13th_rates(f13)
    # 金融业占比 3.74 → 6.16: implied GDP 2016 and 2020; 2020 GDP must agree with the tertiary one
    g16, _, _ = _implied_gdp(f13, "v0", fs, "s0")
    g20_fin, lo_f, hi_f = _implied_gdp(f13, "v1", fs, "s1")
    g20_ter, lo_t, hi_t = _implied_gdp(t13, "v1", sh20, "share")
    overlap = max(lo_f, lo_t) <= min(hi_f, hi_t)
    r_gdp_nom = cagr(g16, g20_fin, fyears)
    return [_row(
        "finance_share_13th", Message("audit.topic.finance_share_13th"),
        [fs, f13, sh20], Message("audit.stated.finance_share_13th", s0=fs.printed["s0"], s1=fs.printed["s1"]),
        g20_fin, "亿元 (implied GDP)",
        Message("audit.recomputed.finance_share_13th", year=fs.printed["y1"], fin=_n(g20_fin), ter=_n(g20_ter)),
        "consistent" if overlap else "inconsistent",
        Message("audit.explain.finance_share_13th", y0=fs.printed["y0"], g0=_n(g16), year=fs.printed["y1"], fin=_n(g20_fin),
                fin_low=_n(lo_f), fin_high=_n(hi_f), tertiary=t13.printed["v1"], share=sh20.printed["share"], ter=_n(g20_ter),
                ter_low=_n(lo_t), ter_high=_n(hi_t), within=_word(overlap, "within_rounding", "inconsistent"),
                points=f"{fs.value('s1') - fs.value('s0'):.2f}", gdp_growth=_pct(r_gdp_nom), gdp_rate=_pct(gdp_rate_stated, 1)),
    )]


def _table1_vs_text(p: _PlanText) -> list[dict]:
    """表 1 (the 2020 comparison table) against the same figures in the text."""
    t13, sh20, rb = p.t13, p.sh20, p.rb
    rows: list[dict] = []
    cj = p.table1[p.table1["region_code"] == SUBJECT_REGION].set_index("indicator_id")
    for ind, quote, name in (("tertiary_value_added", t13, "v1"), ("tertiary_share_of_gdp", sh20, "share"),
                             ("retail_sales_total", rb, "base")):
        tv = float(cj.loc[ind, "value"])
        line = int(cj.loc[ind, "source_line"])
        same = tv == quote.value(name)
        rows.append(_row(
            f"table1_vs_text_{ind}", Message("audit.topic.table1_vs_text", indicator=ind), [quote],
            Message("audit.stated.table1_vs_text", line=line, value=f"{tv:g}"), quote.value(name), cj.loc[ind, "unit"],
            Message("audit.recomputed.text", value=quote.printed[name]), "consistent" if same else "inconsistent",
            Message("audit.explain.table1_vs_text", text=quote.printed[name], table=f"{tv:g}", same=_word(same, "same", "different")),
        ))
    return rows


def _target_rate_checks(p: _PlanText) -> list[dict]:
    """Each 2025 level target against the growth rate stated beside it (三产 "左右", 社零 "以上")."""
    checks = (
        ("tertiary_target_rate", "tertiary", p.t13, "v1", p.t25, "左右", "audit.stated.about_rate"),
        ("retail_target_rate", "retail", p.rb, "base", p.r25, "以上", "audit.stated.at_least_rate"),
    )
    rows = []
    for check_id, subject, base, base_name, target, qualifier, stated_key in checks:
        needed, _, at_stated, ok = _rate_check(base.value(base_name), target.value("target"), p.horizon, target, qualifier)
        rate = target.printed["rate"]
        numbers = {"needed": _pct(needed), "rate": rate, "years": p.horizon, "at_stated": _n(at_stated)}
        if check_id == "tertiary_target_rate":
            explanation = Message("audit.explain.tertiary_target_rate", **numbers, base_year=p.base_year, base=base.printed[base_name],
                                  target_year=p.target_year, target=target.printed["target"],
                                  agrees=_word(ok, "consistent_with", "unlike"))
        else:
            explanation = Message(f"audit.explain.retail_target_rate.{'consistent' if ok else 'inconsistent'}", **numbers,
                                  base_year=p.base_year, base=base.printed[base_name], target_year=p.target_year,
                                  target=target.printed["target"], shortfall=_n(abs(target.value("target") - at_stated)))
        rows.append(_row(check_id, Message("audit.topic.target_rate", year=p.target_year, subject=Message(f"audit.subject.{subject}")),
                         [base, target], Message(stated_key, rate=rate), needed, "fraction per year",
                         Message(f"audit.recomputed.{check_id}", **numbers), "consistent" if ok else "inconsistent", explanation))
    return rows


def _finance_target_gdp(p: _PlanText) -> list[dict]:
    """The GDP implied by the 2025 finance pair against the tertiary pair."""
    base_year, target_year, horizon = p.base_year, p.target_year, p.horizon
    sh20, t25, f25, ts25 = p.sh20, p.t25, p.f25, p.ts25
    g20_ter, _, _ = _implied_gdp(p.t13, "v1", sh20, "share")
    gdp_fin = f25.value("fin") / f25.value("share") * 100
    gdp_max = t25.value("target") / ts25.value("share") * 100
    r_gdp = cagr(g20_ter, gdp_fin, horizon)
    ter_share_at = t25.value("target") / gdp_fin * 100
    gdp_keep = t25.value("target") / sh20.value("share") * 100
    fin_share_keep = f25.value("fin") / gdp_keep * 100
    feasible = gdp_fin <= gdp_max
    pair = {"fin": f25.printed["fin"], "share": f25.printed["share"]}
    implied = {"year": target_year, "gdp_fin": _n(gdp_fin, 0), "gdp_max": _n(gdp_max, 0)}
    return [_row(
        "finance_target_gdp", Message("audit.topic.finance_target_gdp", year=target_year),
        [f25, t25, ts25], Message("audit.stated.finance_target_gdp", **pair), gdp_fin, f"亿元 (implied {target_year} GDP)",
        Message("audit.recomputed.finance_target_gdp", **implied),
        "ambiguous" if feasible else "inconsistent",
        Message("audit.explain.finance_target_gdp", **pair, **implied, tertiary=t25.printed["target"], min_share=ts25.printed["share"],
                can=_word(feasible, "can_hold", "cannot_hold"), base_year=base_year, gdp_base=_n(g20_ter, 0), gdp_growth=_pct(r_gdp),
                rate=t25.printed["rate"], share_at=f"{ter_share_at:.1f}", base_share=sh20.printed["share"],
                gdp_keep=_n(gdp_keep, 0), fin_share_keep=f"{fin_share_keep:.1f}"),
    )]


def _tourism_readings(p: _PlanText) -> list[dict]:
    """Tourism targets: 2025 alone or the 2021–2025 total?"""
    base_year, target_year, horizon, years13 = p.base_year, p.target_year, p.horizon, p.years13
    tr13a, tr13, tr25 = p.tr13a, p.tr13, p.tr25
    rows: list[dict] = []
    for name, unit in (("visits", "亿人次"), ("revenue", "亿元")):
        target = tr25.value(name)
        per_year_total = target / horizon
        avg13 = tr13.value(name) / years13
        change = per_year_total / avg13 - 1
        multiple = target / avg13
        # "超过 …" before the 13th-plan number: that total is a lower bound
        lower = tr13.text[:tr13.span_of(name)[0]].rstrip().endswith("超过")
        extra = ""
        if unit == "亿人次":  # visits are counted in 万人次 in the statistics: the per-year figure in both units
            extra = Message("audit.tourism.in_10k_visits", value=_n(convert_units(per_year_total, unit, "万人次"), 0))
        unit_name = Message(labels.UNIT_KEYS[unit])
        rows.append(_row(
            f"tourism_{name}_reading", Message("audit.topic.tourism_reading", year=target_year, start=base_year + 1,
                                               subject=Message(f"audit.subject.tourism_{name}")),
            [tr13a, tr13, tr25], Message("audit.stated.amount", value=tr25.printed[name], unit=unit_name), per_year_total,
            f"{unit} per year (five-year-total reading)",
            Message("audit.recomputed.tourism_reading", per_year=_n(per_year_total, 2), unit=unit_name, year=target_year,
                    multiple=f"{multiple:.2f}"),
            "ambiguous",
            Message(f"audit.explain.tourism_reading.{'lower_bound' if lower else 'exact'}", total13=tr13.printed[name], unit=unit_name,
                    avg13=_n(avg13, 2), value=tr25.printed[name], start=base_year + 1, year=target_year, per_year=_n(per_year_total, 2),
                    extra=extra, low=_word(change < 0, "low", "high"), change=f"{abs(change):.1%}",
                    below=_word(change < 0, "below", "above"), multiple=f"{multiple:.2f}"),
        ))
    return rows


def _table2_vs_text(targets: pd.DataFrame) -> list[dict]:
    """表 2 against the sentences that restate its targets."""
    rows: list[dict] = []
    for _, t in targets.iterrows():
        sentence = t.get("plan_sentence")
        if not isinstance(sentence, str):
            continue
        same = bool(t["plan_sentence_agrees"])
        unit_note = ""
        if squash(t["unit"]) not in squash(sentence):
            unit_note = Message("audit.note.unit_differs", unit=Message(labels.UNIT_KEYS[t["unit"]]))
        qual = t.get("plan_qualifier_zh")
        qualifier = Message("audit.note.qualifier", qualifier=qual) if isinstance(qual, str) else ""
        line = int(t["plan_sentence_line"])
        quote = Quote(template="", text=sentence, line=line, printed={})
        no = int(t["target_id"])
        rows.append(_row(
            f"table2_vs_text_{no:02d}", Message("audit.topic.table2_vs_text", no=no, indicator=t["indicator_id"]),
            [quote], Message("audit.stated.table2_vs_text", target=t["target_text"]), float(t["plan_sentence_value"]), t["unit"],
            Message("audit.recomputed.text", value=f"{t['plan_sentence_value']:g}"), "consistent" if same else "inconsistent",
            Message("audit.explain.table2_vs_text", no=no, target=t["target_text"], value=f"{t['plan_sentence_value']:g}",
                    same=_word(same, "same", "different"), qualifier=qualifier, unit_note=unit_note),
        ))
    return rows


#: the checks, in the order of the audit table
CHECKS = (_tertiary_growth_13th, _structure_change_13th, _finance_growth_13th, _finance_share_13th, _table1_vs_text,
          _target_rate_checks, _finance_target_gdp, _tourism_readings)


def audit_plan(text: str, targets: pd.DataFrame, file: str = relative(PLAN_TEXT)) -> pd.DataFrame:
    """Recompute every derivable statement of the plan; one row per check (columns :data:`COLUMNS`).

    ``targets`` is :func:`analysis.targets.parse_targets` output: its 表 2 values are compared
    with the sentences that restate them. Raises RawDataError (file, line) when a quoted
    statement is not found verbatim or carries an unexpected year.
    """
    plan = _read_plan(text, file)
    rows = [row for check in CHECKS for row in check(plan)] + _table2_vs_text(targets)
    return pd.DataFrame.from_records(rows, columns=COLUMNS)
