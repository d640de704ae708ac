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

from analysis.bureau_table import parse_comparison_table
from analysis.catalogue import SUBJECT_REGION
from analysis.errors import RawDataError
from analysis.growth import cagr, required_growth
from analysis.paths import PLAN_TEXT, relative
from analysis.quotes import Quote, find_quote, plan_quote, squash
from analysis.targets import plan_period
from analysis.units import convert_units

VERDICT_ZH = {"consistent": "一致", "inconsistent": "不一致", "ambiguous": "存在歧义"}
COLUMNS = ["check_id", "topic_en", "statement_zh", "statement_lines", "stated", "recomputed", "recomputed_unit",
           "recomputed_text", "verdict", "verdict_zh", "explanation_zh", "explanation_en"]

def _half(q: Quote, name: str) -> float:
    """Half a unit of the last printed digit of a quoted number (its rounding interval)."""
    return 0.5 * 10.0 ** (-q.decimals(name))


def _pct(x: float, d: int = 2) -> str:
    return f"{x * 100:.{d}f}%"


def _n(x: float, d: int = 1) -> str:
    return f"{x:,.{d}f}"


def _row(check_id: str, topic_en: str, quotes: list[Quote], stated: str, recomputed: float, unit: str,
         recomputed_text: str, verdict: str, zh: str, en: str) -> dict:
    return {
        "check_id": check_id, "topic_en": topic_en,
        "statement_zh": " … ".join(q.text for q in quotes),
        "statement_lines": ", ".join(str(q.line) for q in quotes),
        "stated": stated, "recomputed": recomputed, "recomputed_unit": unit, "recomputed_text": recomputed_text,
        "verdict": verdict, "verdict_zh": VERDICT_ZH[verdict], "explanation_zh": zh, "explanation_en": en,
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
    rows: list[dict] = []
    # 三产 358.05 → 563.51: nominal CAGR; the structure shares give nominal GDP at both ends
    r_t13 = cagr(t13.value("v0"), t13.value("v1"), years13)
    gdp15 = t13.value("v0") / st0.value("c0") * 100
    gdp20 = t13.value("v1") / st1.value("c1") * 100
    r_gdp13 = cagr(gdp15, gdp20, years13)
    share_rose = st1.value("c1") > st0.value("c0")
    ok = (r_t13 > r_gdp13) == share_rose
    rows.append(_row(
        "tertiary_growth_13th", f"13th plan: tertiary value added {t13.printed['y0']}→{t13.printed['y1']}, implied growth",
        [t13, st0, st1], f"{t13.printed['v0']} → {t13.printed['v1']} 亿元（{t13.printed['y0']}–{t13.printed['y1']}年，未给增速）",
        r_t13, "fraction per year", f"名义年均 {_pct(r_t13)}（隐含 GDP 名义年均 {_pct(r_gdp13)}）",
        "consistent" if ok else "inconsistent",
        f"三产增加值 {t13.printed['v0']} → {t13.printed['v1']} 亿元，{years13} 年名义年均增长 {_pct(r_t13)}；"
        f"由三产比重 {st0.printed['c0']}% 和 {st1.printed['c1']}% 推算 GDP 为 {_n(gdp15)} → {_n(gdp20)} 亿元，名义年均 {_pct(r_gdp13)}。"
        f"三产增速{'快于' if r_t13 > r_gdp13 else '慢于'} GDP，与比重{'上升' if share_rose else '未上升'}{'相符' if ok else '不符'}。"
        "规划未给出该期增速，此为名义（现价）增速，非可比价增速。",
        f"Tertiary value added {t13.printed['v0']} → {t13.printed['v1']} 亿元 is {_pct(r_t13)} a year over {years13} years in "
        f"nominal terms; the structure shares imply nominal GDP {_n(gdp15)} → {_n(gdp20)} 亿元 ({_pct(r_gdp13)} a year). "
        f"Services grew {'faster' if r_t13 > r_gdp13 else 'slower'} than GDP, which "
        f"{'matches' if ok else 'contradicts'} the share {'rising' if share_rose else 'not rising'}. The plan states no rate for this "
        "period; this is a nominal (current-price) rate, not the comparable-price rate statistics bureaus publish.",
    ))
    return rows


def _structure_change_13th(p: _PlanText) -> list[dict]:
    """The structure's change in percentage points, and each structure summing to 100."""
    st0, st1 = p.st0, p.st1
    rows: list[dict] = []
    # 产业结构 38.1 → 40.6, "+2.5 个百分点"; each structure sums to 100 (rounding allowed)
    d = st1.value("c1") - st0.value("c0")
    tol = _half(st0, "c0") + _half(st1, "c1") + _half(st1, "dp")
    sums = [sum(x.value(k) for k in ks) for x, ks in ((st0, ("a0", "b0", "c0")), (st1, ("a1", "b1", "c1")))]
    sum_tol = [sum(_half(x, k) for k in ks) for x, ks in ((st0, ("a0", "b0", "c0")), (st1, ("a1", "b1", "c1")))]
    sums_ok = all(abs(s - 100) <= t + 1e-9 for s, t in zip(sums, sum_tol))
    ok = abs(d - st1.value("dp")) <= tol + 1e-9 and sums_ok
    rows.append(_row(
        "structure_change_13th", "13th plan: tertiary share of GDP, change in percentage points",
        [st0, st1], f"三产比重五年累计提高 {st1.printed['dp']} 个百分点", round(d, 6), "percentage points",
        f"{st1.printed['c1']} − {st0.printed['c0']} = {d:.1f} 个百分点",
        "consistent" if ok else "inconsistent",
        f"{st1.printed['c1']} − {st0.printed['c0']} = {d:.1f} 个百分点，与所述 {st1.printed['dp']} 个百分点{'一致' if ok else '不一致'}；"
        f"两年三次产业结构之和分别为 {sums[0]:.1f} 和 {sums[1]:.1f}。",
        f"{st1.printed['c1']} − {st0.printed['c0']} = {d:.1f} points, {'as' if ok else 'unlike'} the stated {st1.printed['dp']} points; "
        f"the three-sector structures sum to {sums[0]:.1f} and {sums[1]:.1f}.",
    ))
    return rows


def _finance_growth_13th(p: _PlanText) -> list[dict]:
    """金融业 in the 13th plan: the stated average growth against the recomputed one."""
    years13 = p.years13
    f13 = p.f13
    fyears, gdp_rate_stated = _finance_13th_rates(f13)
    rows: list[dict] = []
    # 金融业 37.9 (2016) → 85.41 (2020), "年平均增速为 7.3%"
    r_fin = cagr(f13.value("v0"), f13.value("v1"), fyears)
    r_fin_13 = cagr(f13.value("v0"), f13.value("v1"), years13)
    stated = f13.value("rate") / 100
    deflator = (1 + r_fin) / (1 + stated) - 1
    ok = abs(r_fin - stated) <= _half(f13, "rate") / 100
    rows.append(_row(
        "finance_growth_13th", "13th plan: financial sector value added growth, stated vs recomputed",
        [f13], f"年平均增速为 {f13.printed['rate']}%", r_fin, "fraction per year",
        f"名义年均 {_pct(r_fin)}（{f13.printed['y0']}–{f13.printed['y1']}，{fyears} 年）",
        "consistent" if ok else "ambiguous",
        f"{f13.printed['v0']} → {f13.printed['v1']} 亿元在 {fyears} 年间名义年均增长 {_pct(r_fin)}"
        f"（即使按 {years13} 年计也有 {_pct(r_fin_13)}），远高于所述 {f13.printed['rate']}%。作为名义增速二者不一致；"
        f"{f13.printed['rate']}% 只可能是可比价（实际）增速，同句的“高于 GDP 年平均增速 {f13.printed['gap']} 个百分点”"
        f"（即 GDP {_pct(gdp_rate_stated, 1)}）也应按可比价理解。但要使二者都成立，金融业价格年均须比一般物价高约 {_pct(deflator, 1)}，"
        "并不现实，可能是基期数据口径调整（如经济普查修订）所致。规划未说明口径，故判为存在歧义。",
        f"{f13.printed['v0']} → {f13.printed['v1']} 亿元 over {fyears} years is {_pct(r_fin)} a year in nominal terms "
        f"({_pct(r_fin_13)} even over {years13} years), far above the stated {f13.printed['rate']}%. As a nominal rate the statement "
        f"is inconsistent; {f13.printed['rate']}% can only be a real (comparable-price) rate, like the 'GDP growth "
        f"{f13.printed['gap']} points lower' ({_pct(gdp_rate_stated, 1)}) in the same sentence. Both holding would need financial "
        f"prices to rise about {_pct(deflator, 1)} a year faster than the deflator — implausible; a revision of the base-year "
        "figure (e.g. by the economic census) may explain it. The plan does not say which, hence ambiguous.",
    ))
    return rows


def _finance_share_13th(p: _PlanText) -> list[dict]:
    """金融业's share of GDP, and the GDP it implies against the tertiary figures'."""
    t13, sh20, f13, fs = p.t13, p.sh20, p.f13, p.fs
    fyears, gdp_rate_stated = _finance_13th_rates(f13)
    rows: list[dict] = []
    # 金融业占比 3.74 → 6.16: implied GDP 2016 and 2020; 2020 GDP must agree with the tertiary one
    g16, _, _ = _implied_gdp(f13, "v0", fs, "s0")
    g20_fin, lo_f, hi_f = _implied_gdp(f13, "v1", fs, "s1")
    g20_ter, lo_t, hi_t = _implied_gdp(t13, "v1", sh20, "share")
    overlap = max(lo_f, lo_t) <= min(hi_f, hi_t)
    r_gdp_nom = cagr(g16, g20_fin, fyears)
    rows.append(_row(
        "finance_share_13th", "13th plan: financial sector share of GDP, and the GDP it implies",
        [fs, f13, sh20], f"{fs.printed['s0']}% → {fs.printed['s1']}%", g20_fin, "亿元 (implied GDP)",
        f"隐含 {fs.printed['y1']} 年 GDP：金融业口径 {_n(g20_fin)}，三产口径 {_n(g20_ter)} 亿元",
        "consistent" if overlap else "inconsistent",
        f"金融业增加值与占比推算 GDP：{fs.printed['y0']} 年 {_n(g16)} 亿元，{fs.printed['y1']} 年 {_n(g20_fin)} 亿元"
        f"（舍入区间 {_n(lo_f)}–{_n(hi_f)}）；三产 {t13.printed['v1']} 亿元与比重 {sh20.printed['share']}% 推算 {_n(g20_ter)} 亿元"
        f"（{_n(lo_t)}–{_n(hi_t)}），二者{'在舍入范围内一致' if overlap else '不一致'}。占比提高 {fs.value('s1') - fs.value('s0'):.2f} 个百分点。"
        f"隐含 GDP 名义年均增长 {_pct(r_gdp_nom)}，高于同句隐含的可比价 GDP 增速 {_pct(gdp_rate_stated, 1)}，差额可由价格上涨解释。",
        f"Finance value added and its share imply GDP of {_n(g16)} 亿元 in {fs.printed['y0']} and {_n(g20_fin)} 亿元 in "
        f"{fs.printed['y1']} (rounding interval {_n(lo_f)}–{_n(hi_f)}); the tertiary figures imply {_n(g20_ter)} 亿元 "
        f"({_n(lo_t)}–{_n(hi_t)}): {'consistent within rounding' if overlap else 'inconsistent'}. The share rose "
        f"{fs.value('s1') - fs.value('s0'):.2f} points. Implied nominal GDP growth is {_pct(r_gdp_nom)} a year, above the "
        f"{_pct(gdp_rate_stated, 1)} comparable-price rate implied by the text — a gap prices can explain.",
    ))
    return rows


def _table1_vs_text(p: _PlanText) -> list[dict]:
    """表 1 (the 2020 comparison table) against the same figures in the text."""
    t13, sh20, rb = p.t13, p.sh20, p.rb
    rows: list[dict] = []
    # 表 1 (the 2020 comparison table) against the same figures in the text
    cj = p.table1[p.table1["region_code"] == SUBJECT_REGION].set_index("indicator_id")
    for ind, quote, name in (("tertiary_value_added", t13, "v1"), ("tertiary_share_of_gdp", sh20, "share"),
                             ("retail_sales_total", rb, "base")):
        tv = float(cj.loc[ind, "value"])
        line = int(cj.loc[ind, "source_line"])
        same = tv == quote.value(name)
        rows.append(_row(
            f"table1_vs_text_{ind}", f"表 1 against the text: {ind}", [quote],
            f"表 1（第 {line} 行）：{tv:g}", quote.value(name), cj.loc[ind, "unit"],
            f"正文：{quote.printed[name]}", "consistent" if same else "inconsistent",
            f"正文数字 {quote.printed[name]} 与表 1 昌吉州数字 {tv:g}{'相同' if same else '不同'}。",
            f"The text's {quote.printed[name]} {'equals' if same else 'differs from'} 表 1's {tv:g} for Changji.",
        ))
    return rows


def _tertiary_rate_words(p: _PlanText, needed: float, at_stated: float, ok: bool) -> tuple[str, str, str]:
    """(recomputed_text, explanation_zh, explanation_en) of the 三产 target-rate check."""
    base_year, target_year, horizon, t13, t25 = p.base_year, p.target_year, p.horizon, p.t13, p.t25
    return (
        f"需年均 {_pct(needed)}；按 {t25.printed['rate']}% 增长 {horizon} 年得 {_n(at_stated)} 亿元",
        f"从 {base_year} 年 {t13.printed['v1']} 亿元到 {target_year} 年 {t25.printed['target']} 亿元，需名义年均增长 {_pct(needed)}，"
        f"与“年均 {t25.printed['rate']}%左右”{'一致' if ok else '不一致'}（按 {t25.printed['rate']}% 增长得 {_n(at_stated)} 亿元）。"
        f"若 {t25.printed['rate']}% 指可比价增速，名义目标还会更高，规划未说明。",
        f"From {t13.printed['v1']} 亿元 in {base_year} to {t25.printed['target']} 亿元 in {target_year} needs {_pct(needed)} a year "
        f"(nominal), {'consistent with' if ok else 'unlike'} 'about {t25.printed['rate']}% a year' ({t25.printed['rate']}% gives "
        f"{_n(at_stated)} 亿元). If the rate is meant at comparable prices the nominal path would be higher; the plan does not say.",
    )


def _retail_rate_words(p: _PlanText, needed: float, at_stated: float, ok: bool) -> tuple[str, str, str]:
    """(recomputed_text, explanation_zh, explanation_en) of the retail target-rate check."""
    base_year, target_year, horizon, rb, r25 = p.base_year, p.target_year, p.horizon, p.rb, p.r25
    shortfall = _n(r25.value("target") - at_stated)
    return (
        f"需年均 {_pct(needed)}；按 {r25.printed['rate']}% 增长只能达到 {_n(at_stated)} 亿元",
        f"从 {base_year} 年 {rb.printed['base']} 亿元到 {target_year} 年 {r25.printed['target']} 亿元，需年均增长 {_pct(needed)}；"
        f"按所述 {r25.printed['rate']}% 增长 {horizon} 年只有 {_n(at_stated)} 亿元，比 {r25.printed['target']} 亿元少 "
        f"{shortfall} 亿元。两个“以上”目标的下限互相不匹配：增速下限实现不了总量下限。",
        f"From {rb.printed['base']} 亿元 in {base_year} to {r25.printed['target']} 亿元 in {target_year} needs {_pct(needed)} a "
        f"year; the stated {r25.printed['rate']}% a year gives only {_n(at_stated)} 亿元, {shortfall} "
        "亿元 short. The two 'at least' floors do not match: the growth floor does not deliver the level floor.",
    )


def _target_rate_checks(p: _PlanText) -> list[dict]:
    """Each 2025 level target against the growth rate stated beside it (三产 "左右", 社零 "以上")."""
    checks = (
        ("tertiary_target_rate", "tertiary value added", p.t13, "v1", p.t25, "左右", f"年均 {p.t25.printed['rate']}%左右",
         _tertiary_rate_words),
        ("retail_target_rate", "retail sales", p.rb, "base", p.r25, "以上", f"年均增长达到 {p.r25.printed['rate']}%以上",
         _retail_rate_words),
    )
    rows = []
    for check_id, subject, base, base_name, target, qualifier, stated_text, words in checks:
        needed, _, at_stated, ok = _rate_check(base.value(base_name), target.value("target"), p.horizon, target, qualifier)
        recomputed_text, zh, en = words(p, needed, at_stated, ok)
        rows.append(_row(check_id, f"{p.target_year} target: {subject} level vs stated growth rate", [base, target],
                         stated_text, needed, "fraction per year", recomputed_text, "consistent" if ok else "inconsistent",
                         zh, en))
    return rows


def _finance_target_gdp(p: _PlanText) -> list[dict]:
    """The GDP implied by the 2025 finance pair against the tertiary pair."""
    base_year, target_year, horizon = p.base_year, p.target_year, p.horizon
    sh20, t25, f25, ts25 = p.sh20, p.t25, p.f25, p.ts25
    g20_ter, _, _ = _implied_gdp(p.t13, "v1", sh20, "share")
    rows: list[dict] = []
    gdp_fin = f25.value("fin") / f25.value("share") * 100
    gdp_max = t25.value("target") / ts25.value("share") * 100
    r_gdp = cagr(g20_ter, gdp_fin, horizon)
    ter_share_at = t25.value("target") / gdp_fin * 100
    gdp_keep = t25.value("target") / sh20.value("share") * 100
    fin_share_keep = f25.value("fin") / gdp_keep * 100
    feasible = gdp_fin <= gdp_max
    rows.append(_row(
        "finance_target_gdp", f"{target_year} targets: GDP implied by the finance pair vs the tertiary pair",
        [f25, t25, ts25], f"金融业 {f25.printed['fin']} 亿元以上、占 GDP {f25.printed['share']}%左右", gdp_fin, f"亿元 (implied {target_year} GDP)",
        f"隐含 {target_year} 年 GDP {_n(gdp_fin, 0)} 亿元；三产目标要求 GDP ≤ {_n(gdp_max, 0)} 亿元",
        "ambiguous" if feasible else "inconsistent",
        f"金融业 {f25.printed['fin']} 亿元占 GDP {f25.printed['share']}% 意味着 {target_year} 年 GDP 约 {_n(gdp_fin, 0)} 亿元；"
        f"三产 {t25.printed['target']} 亿元且比重 ≥{ts25.printed['share']}% 要求 GDP ≤ {_n(gdp_max, 0)} 亿元。"
        f"两者{'可以同时成立' if feasible else '不能同时成立'}，但 GDP {_n(gdp_fin, 0)} 亿元意味着从 {base_year} 年"
        f"（规划数字推算 {_n(g20_ter, 0)} 亿元）起名义年均仅增长 {_pct(r_gdp)}，而三产年均增长约 {t25.printed['rate']}%，"
        f"三产比重将升至 {ter_share_at:.1f}%，远超“保持 {ts25.printed['share']}%以上”的表述。"
        f"若三产比重维持 {sh20.printed['share']}%，GDP 约 {_n(gdp_keep, 0)} 亿元，金融业 {f25.printed['fin']} 亿元只占 {fin_share_keep:.1f}%。"
        "规划没有给出 GDP 目标，两组目标隐含的 GDP 路径差别很大，故判为存在歧义。",
        f"Finance at {f25.printed['fin']} 亿元 being {f25.printed['share']}% of GDP implies {target_year} GDP of about "
        f"{_n(gdp_fin, 0)} 亿元; services at {t25.printed['target']} 亿元 with a share of at least {ts25.printed['share']}% "
        f"require GDP ≤ {_n(gdp_max, 0)} 亿元. The two {'can' if feasible else 'cannot'} hold together, but GDP of "
        f"{_n(gdp_fin, 0)} 亿元 means nominal GDP growth of only {_pct(r_gdp)} a year from the {_n(g20_ter, 0)} 亿元 the plan's "
        f"{base_year} figures imply, while services grow about {t25.printed['rate']}% — the services share would jump to {ter_share_at:.1f}%, far "
        f"beyond 'stay above {ts25.printed['share']}%'. If the services share stayed at {sh20.printed['share']}%, GDP would be "
        f"about {_n(gdp_keep, 0)} 亿元 and finance would be {fin_share_keep:.1f}% of it. The plan sets no GDP target, and the two "
        "pairs imply very different GDP paths: ambiguous.",
    ))
    return rows


def _tourism_readings(p: _PlanText) -> list[dict]:
    """Tourism targets: 2025 alone or the 2021–2025 total?"""
    base_year, target_year, horizon, years13 = p.base_year, p.target_year, p.horizon, p.years13
    tr13a, tr13, tr25 = p.tr13a, p.tr13, p.tr25
    rows: list[dict] = []
    n14 = horizon
    for name, unit, topic in (("visits", "亿人次", "tourist visits"), ("revenue", "亿元", "tourism revenue")):
        target = tr25.value(name)
        per_year_total = target / n14
        avg13 = tr13.value(name) / years13
        change = per_year_total / avg13 - 1
        multiple = target / avg13
        # "超过 …" before the 13th-plan number: that total is a lower bound
        lower = tr13.text[:tr13.span_of(name)[0]].rstrip().endswith("超过")
        extra = ""
        if unit == "亿人次":
            extra_zh = f"（{_n(convert_units(per_year_total, unit, '万人次'), 0)} 万人次）"
            extra_en = f" ({_n(convert_units(per_year_total, unit, '万人次'), 0)} 万人次)"
        else:
            extra_zh = extra_en = extra
        rows.append(_row(
            f"tourism_{name}_reading", f"{target_year} target: {topic}, {target_year} alone or {base_year + 1}–{target_year} total",
            [tr13a, tr13, tr25], f"{tr25.printed[name]} {unit}", per_year_total, f"{unit} per year (five-year-total reading)",
            f"五年合计读法：年均 {_n(per_year_total, 2)} {unit}；{target_year} 年单年读法：为“十三五”年均的 {multiple:.2f} 倍",
            "ambiguous",
            f"“十三五”的{'超过 ' if lower else ' '}{tr13.printed[name]} {unit}是五年合计（年均 {_n(avg13, 2)} {unit}）。若 {tr25.printed[name]} {unit}为"
            f" {base_year + 1}–{target_year} 年合计，年均 {_n(per_year_total, 2)} {unit}{extra_zh}，比“十三五”年均{'低' if change < 0 else '高'} "
            f"{abs(change):.1%}{'以上' if lower else ''}，即目标{'低于' if change < 0 else '高于'}已达到的水平；"
            f"若为 {target_year} 年单年，则是“十三五”年均的 {multiple:.2f} 倍{'以下' if lower else ''}。"
            "规划未写明口径，两种读法含义差别很大，评估时两种都要报告。",
            f"The 13th-plan {'more than ' if lower else ''}{tr13.printed[name]} {unit} is a five-year total ({_n(avg13, 2)} {unit} a year). Read as a "
            f"{base_year + 1}–{target_year} total, {tr25.printed[name]} {unit} is {_n(per_year_total, 2)} {unit} a year{extra_en}, "
            f"{'at least ' if lower else ''}{abs(change):.1%} {'below' if change < 0 else 'above'} the 13th-plan average — a target "
            f"{'below' if change < 0 else 'above'} what was already achieved. "
            f"Read as {target_year} alone, it is {'at most ' if lower else ''}{multiple:.2f} times the 13th-plan annual average. The plan does not say which; "
            "an evaluation must report both readings.",
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
        unit_note_zh = unit_note_en = ""
        if squash(t["unit"]) not in squash(sentence):
            unit_note_zh = f"；句中单位与表 2（{t['unit']}）写法不同"
            unit_note_en = f"; the sentence writes the unit differently from 表 2 ({t['unit']})"
        qual = t.get("plan_qualifier_zh")
        qual_zh = f"，句中带“{qual}”" if isinstance(qual, str) else ""
        qual_en = f", the sentence adds '{qual}'" if isinstance(qual, str) else ""
        line = int(t["plan_sentence_line"])
        quote = Quote(template="", text=sentence, line=line, printed={})
        rows.append(_row(
            f"table2_vs_text_{int(t['target_id']):02d}", f"表 2 against the text: target {int(t['target_id'])} {t['indicator_id']}",
            [quote], f"表 2：{t['target_text']}", float(t["plan_sentence_value"]), t["unit"],
            f"正文：{t['plan_sentence_value']:g}", "consistent" if same else "inconsistent",
            f"表 2 第 {int(t['target_id'])} 项 {t['target_text']} 与正文数字 {t['plan_sentence_value']:g}{'相同' if same else '不同'}"
            f"{qual_zh}{unit_note_zh}。",
            f"表 2 target {int(t['target_id'])} ({t['target_text']}) {'equals' if same else 'differs from'} the text's "
            f"{t['plan_sentence_value']:g}{qual_en}{unit_note_en}.",
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
