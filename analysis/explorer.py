"""The scenario explorer's logic: state → parameters → results, cached fits, summary, saving.

``notebooks/40_explore_scenarios.py`` shows it with ipywidgets (:mod:`analysis.explorer_widgets`);
everything that decides a number lives here and runs without a kernel. A :class:`State` holds
the explorer's choices in the units of ``params/scenario_*.yaml`` (rates and shocks as
fractions per year, targets in the indicator's canonical unit: 亿元, 万人次), so that saving it
writes exactly the parameters ``make scenario`` runs. Every number comes from
:func:`analysis.scenarios.build_scenarios` (and :func:`analysis.scenarios.tourism_readings`),
called with the same arguments as ``notebooks/20_scenario.py`` calls it.

Speed: a :class:`Session` keeps the fitted trends keyed by the series and the fit settings, so
a change of rate, target, base year, stress shock or reading re-uses them (no re-fit, no
re-simulation), and keeps recent results keyed by the whole state.
"""
from __future__ import annotations

import io as _bytes_io
import math
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd
import yaml

from analysis import catalogue, observations, paths, scenarios, words
from analysis.files import atomic_write_text
from analysis.parameters import ParameterError, check_parameter
from analysis.report_format import fmt_amount_exact, fmt_number_exact, fmt_pct
from analysis.yaml_files import load_yaml, parse_yaml

#: The scenario notebook's parameters a saved file holds, in this order (all declared in the
#: parameters cell of notebooks/20_scenario.py; paths stay at the notebook's defaults).
SAVED_KEYS = ("title", "title_en", "description", "indicator", "region_code", "target", "stated_rate",
              "base_year", "horizon", "covid", "seed", "level", "stress_shock")
#: Report scenarios: params/scenario_<id>.yaml for each; the explorer overwrites one only when told.
REPORT_SCENARIOS = scenarios.SCENARIO_INDICATORS
#: Readings of a target that may be a five-year total (tourism): 2025 alone or 2021–2025 total.
READINGS = ("annual", "total")
NAME_MAX_LENGTH = 60  # characters of a saved scenario name
NAME_PATTERN = re.compile(rf"[a-z0-9][a-z0-9_]{{0,{NAME_MAX_LENGTH - 1}}}")
#: a custom target must be above this (the scenario notebook's check of ``target``)
TARGET_ABOVE = 0
#: The notebook's default seed (params/scenario_*.yaml use the same).
DEFAULT_SEED = 20250101


@dataclass(frozen=True)
class State:
    """The explorer's choices, in the units of a parameter file.

    ``target``: ``"plan"`` or a number in the indicator's unit; ``stated_rate``: ``"plan"``, a
    fraction per year, or None (no plan path); ``level``: interval coverage (0.8);
    ``stress_shock``: fraction per year; ``reading``: ``"annual"`` or ``"total"`` (used only
    where the plan's target may be a five-year total; both readings are always written by
    ``make scenario`` in ``target_readings_<indicator>.csv``, so it is not a parameter).
    """

    indicator: str = "retail_sales_total"
    region_code: str = catalogue.SUBJECT_REGION
    target: str | float = "plan"
    stated_rate: str | float | None = "plan"
    base_year: int = 2020
    horizon: int = 2025
    covid: str = "none"
    seed: int = DEFAULT_SEED
    level: float = 0.8
    stress_shock: float = 0.02
    reading: str = "annual"

    def parameters(self) -> dict:
        """The scenario notebook's parameters for this state (no title; no reading)."""
        return {k: v for k, v in asdict(self).items() if k != "reading"}


def state_from_parameters(params: dict, source: str = "parameters") -> State:
    """A :class:`State` from a saved parameter mapping; a key the explorer does not know is an error."""
    unknown = sorted(set(params) - set(SAVED_KEYS))
    if unknown:
        raise ParameterError(f"{source}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
                             f"allowed: {', '.join(SAVED_KEYS)}")
    fields = {k: params[k] for k in State.__dataclass_fields__ if k in params}
    return State(**fields)


# ---- inputs ------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Inputs:
    """The tables the scenario notebook reads: observations.csv and plan_targets.csv."""

    observations: pd.DataFrame
    targets: pd.DataFrame
    key: tuple = ()


def load_inputs(observations_path: str | Path, targets_path: str | Path) -> Inputs:
    """Read the two processed tables (paths relative to the project root, as the notebook's
    parameters give them; the Makefile owns their names).

    A missing file says how to make it (`make report`, or the observations step alone).
    """
    obs_path, targets_file = paths.resolve(observations_path), paths.resolve(targets_path)
    for p in (obs_path, targets_file):
        if not p.exists():
            raise FileNotFoundError(f"{paths.relative(p)} not found: run `make report` (or "
                                    f"`make data/processed/observations.csv`) first")
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in (obs_path, targets_file))
    return Inputs(observations.read_observations(obs_path), pd.read_csv(targets_file), key)


# ---- validation and results ----------------------------------------------------------------------

def allowed_regions() -> list[str]:
    return list(catalogue.catalogue()["regions"])


class InvalidChoice(ParameterError):
    """A choice the explorer's controls can make that the scenario notebook refuses: as text, the
    notebook's own check message; ``message``, the same for the explorer's reader, a catalogue
    :class:`~analysis.words.Message` shown in the explorer's language."""

    def __init__(self, check: str, message: words.Message):
        super().__init__(check)
        self.message = message


def check_state(state: State) -> None:
    """The scenario notebook's parameter checks, with its messages (raises :class:`ParameterError`;
    :class:`InvalidChoice` where a control can make the choice: a custom target)."""
    check_parameter("region_code", state.region_code, str, allowed=allowed_regions())
    if state.target != "plan":
        try:
            check_parameter("target", state.target, (int, float), minimum=TARGET_ABOVE, exclusive=True)
        except ParameterError as err:
            raise InvalidChoice(str(err), words.Message("explorer.invalid.target", minimum=TARGET_ABOVE,
                                                        value=str(state.target))) from None
    stated_rate = None if state.stated_rate == "plan" else state.stated_rate
    scenarios.validate_scenario_parameters(state.indicator, stated_rate, state.base_year, state.horizon, state.covid,
                                           state.seed, float(state.level), state.stress_shock)
    check_parameter("reading", state.reading, str, allowed=READINGS)


@dataclass(frozen=True, eq=False)
class Result:
    """What the explorer shows for one state: the scenario table and summary as
    ``notebooks/20_scenario.py`` computes them, and the target readings (tourism)."""

    state: State
    unit: str
    target_value: float
    rate: float | None
    table: pd.DataFrame
    summary: dict
    readings: pd.DataFrame
    reading_applies: bool

    def reading_row(self) -> pd.Series | None:
        """The row of ``readings`` for the chosen reading (None where the target has one reading)."""
        if not self.reading_applies or self.readings.empty:
            return None
        return self.readings.iloc[0 if self.state.reading == "annual" else 1]


class Session:
    """Results for explorer states over one set of inputs, with fitted trends and results cached.

    ``result(state)`` raises :class:`ParameterError` for an invalid state (the notebook's message).
    """

    def __init__(self, inputs: Inputs, max_results: int = 128):
        self.inputs = inputs
        self._fits: dict[tuple, tuple] = {}
        self._results: OrderedDict[State, Result] = OrderedDict()
        self.max_results = max_results
        self.fit_count = 0  # how many times trends were fitted (tests: no re-fit when not needed)

    def series(self, state: State) -> pd.DataFrame:
        return observations.annual_series(self.inputs.observations, state.region_code, state.indicator)

    def _fits_for(self, series: pd.DataFrame, state: State):
        key = (tuple(int(y) for y in series["year"]), tuple(float(v) for v in series["value"]), state.horizon,
               state.covid, state.seed, float(state.level))
        if key not in self._fits:
            self._fits[key] = scenarios.fit_trends(series, target_year=state.horizon, covid=state.covid,
                                                   seed=state.seed, level=float(state.level))
            self.fit_count += 1
        return self._fits[key]

    def result(self, state: State) -> Result:
        if state in self._results:
            self._results.move_to_end(state)
            return self._results[state]
        res = self._compute(state)
        self._results[state] = res
        if len(self._results) > self.max_results:
            self._results.popitem(last=False)
        return res

    def _compute(self, state: State) -> Result:
        # the same steps, arguments and messages as notebooks/20_scenario.py
        check_state(state)
        plan = scenarios.plan_target_and_rate(self.inputs.targets, state.indicator)
        target_value = plan["target"] if state.target == "plan" else float(state.target)
        rate = plan["stated_rate"] if state.stated_rate == "plan" else state.stated_rate
        unit = catalogue.indicator(state.indicator)["unit"]
        series = self.series(state)
        if len(series) and state.horizon <= int(series["year"].max()):
            latest = int(series["year"].max())
            raise InvalidChoice(f"parameter 'horizon' = {state.horizon}: must be after the latest actual year ({latest})",
                                words.Message("explorer.invalid.horizon", horizon=state.horizon, latest=latest))
        fits = self._fits_for(series, state) if len(series) >= 2 else None
        table, summary = scenarios.build_scenarios(
            series, unit=unit, target=target_value, target_year=state.horizon, stated_rate=rate,
            base_year=state.base_year, covid=state.covid, seed=state.seed, level=float(state.level),
            stress_shock=state.stress_shock, fits=fits)
        readings = pd.DataFrame(columns=scenarios.READING_COLUMNS)
        if plan["may_be_five_year_total"]:
            obs = self.inputs.observations
            totals = obs[(obs["region_code"] == state.region_code) & (obs["indicator_id"] == state.indicator)
                         & (obs["period"] == "five_year_total") & obs["selected"]]
            readings = scenarios.tourism_readings(series, target_value, float(totals["value"].iloc[0]) if len(totals) else None,
                                                  start_year=state.base_year + 1, end_year=state.horizon)
        return Result(state, unit, target_value, rate, table, summary, readings, bool(plan["may_be_five_year_total"]))


# ---- the summary line ----------------------------------------------------------------------------

def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def summary_parts(result: Result, language: str) -> list[str]:
    """The summary line's parts in ``language``: latest actual, required growth (or, read as a
    total, the average the missing years need), plan value, trend with interval, probability,
    stress value, and the reasons a part could not be computed (the scenario's catalogue messages,
    ``note_messages``, as the report renders them). Amounts carry their unit in ``language``;
    missing numbers show as — (never guessed)."""
    s, unit, year = result.summary, result.unit, result.state.horizon
    t = lambda key, **kw: words.text(key, language, **kw)  # noqa: E731
    # to the digit (a researcher compares scenarios): 704.11 亿元 / CNY 70.411 billion
    amount = lambda value: fmt_amount_exact(value, unit, language)  # noqa: E731
    if s["latest_year"] is None:
        parts = [t("explorer.summary.latest_missing")]
    else:
        parts = [t("explorer.summary.latest", year=s["latest_year"], amount=amount(s["latest_value"]))]
    row = result.reading_row()
    if row is not None and row["reading"] != "annual_2025":
        missing = [int(y) for y in str(row["missing_years"] or "").split(",") if y]  # "2022,2023" in the table
        parts.append(t("explorer.summary.required_total", years=words.param(missing, language) if missing else "—",
                       amount=amount(row["required"])))
    else:
        parts.append(t("explorer.summary.required_rate", rate=fmt_pct(s["required_rate"])))
    parts.append(t("explorer.summary.plan_value", year=year, amount=amount(s["plan_value_at_target_year"])))
    if _missing(s["trend_lower"]) or _missing(s["trend_upper"]):
        parts.append(t("explorer.summary.trend_no_interval", year=year, amount=amount(s["trend_value"])))
    else:
        parts.append(t("explorer.summary.trend", year=year, amount=amount(s["trend_value"]),
                       level=fmt_pct(float(result.state.level), 0), lower=fmt_number_exact(s["trend_lower"], unit, language),
                       upper=fmt_number_exact(s["trend_upper"], unit, language)))
    if row is not None and row["reading"] != "annual_2025":
        parts.append(t("explorer.summary.probability_total"))
    else:
        parts.append(t("explorer.summary.probability", probability=fmt_pct(s["probability_of_target"], 0)))
    parts.append(t("explorer.summary.stress", year=year, amount=amount(s["stress_value"])))
    notes = [words.render(m, language) for m in words.from_json(s.get("note_messages"))]
    if notes:
        parts.append(t("explorer.summary.notes", notes=t("list.semicolon").join(notes)))
    return parts


def summary_text(result: Result, language: str) -> str:
    return words.text("explorer.summary.separator", language).join(summary_parts(result, language))


def invalid_message(error: ParameterError, language: str) -> str:
    """What the widget area shows for an invalid state: for a choice made with a control
    (:class:`InvalidChoice`), the catalogue's words for it; otherwise (a value set in the
    notebook's parameters cell) the parameter check's own message."""
    detail = words.render(error.message, language) if isinstance(error, InvalidChoice) else str(error)
    return words.text("explorer.message.invalid", language, message=detail)


# ---- the chart ---------------------------------------------------------------------------------

def chart_title(state: State, language: str) -> str:
    ind, reg = catalogue.indicator(state.indicator), catalogue.region(state.region_code)
    return words.text("explorer.chart.title", language, indicator=ind[f"name_{language}"], region=reg[f"short_{language}"])


def chart_table(result: Result) -> pd.DataFrame:
    """The scenario table as drawn: read as a five-year total, the 2025-alone target and the path
    required to it do not apply, so they are left out of the chart (the summary gives the total's)."""
    row = result.reading_row()
    if row is not None and row["reading"] != "annual_2025":
        return result.table[~result.table["scenario"].isin(["required", "target"])]
    return result.table


def draw_chart(ax, result: Result, language: str, overlays: list[tuple[str, Result]] = ()) -> None:
    """Draw ``result``'s fan chart on the empty ``ax`` (the report's own chart function), then
    each overlaid saved scenario's plan path (dashed) and trend (solid), labelled with its title."""
    from analysis import figures  # matplotlib only when a chart is drawn (analysis modules import no plot library)

    table = chart_table(result)
    if table.empty:
        ax.text(0.5, 0.5, words.text("explorer.message.no_data", language), ha="center", va="center",
                transform=ax.transAxes)
        ax.set_title(chart_title(result.state, language))
        return
    figures.scenario_fan_chart(table, chart_title(result.state, language), result.unit, language=language, ax=ax,
                               level=float(result.state.level))
    colours = ["#16a085", "#d35400", "#2c3e50", "#7d3c98", "#b7950b", "#1f618d"]
    for colour, (title, other) in zip(colours * 4, overlays):
        label = words.text("explorer.chart.overlay", language, title=title)
        for scenario, style in (("plan", "--"), ("trend_loglinear", "-")):
            part = other.table[other.table["scenario"] == scenario].sort_values("year")
            if len(part):
                ax.plot(part["year"], part["value"], linestyle=style, color=colour, linewidth=1.2, label=label)
                label = None  # one legend entry per saved scenario
    if overlays:
        ax.legend(frameon=False, fontsize=8, loc="upper left")


def new_figure():
    """One figure for the explorer, drawn on again at each change (no pyplot: nothing is shown
    by the notebook backend behind the explorer's back), with a fixed layout (no tight_layout pass)."""
    # here, not at module import: matplotlib only when a chart is drawn
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from analysis import style

    style.apply_style()
    fig = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.92, bottom=0.11)
    fig.add_subplot(1, 1, 1)
    return fig


def render_png(fig, result: Result, language: str, overlays: list[tuple[str, Result]] = ()) -> bytes:
    """Redraw the explorer figure for ``result`` and return it as PNG bytes."""
    ax = fig.axes[0]
    ax.clear()
    draw_chart(ax, result, language, overlays)
    buf = _bytes_io.BytesIO()
    # fast zlib level: the PNG is shown once, not stored
    fig.canvas.print_png(buf, pil_kwargs={"compress_level": 1}, metadata={"Software": None})
    return buf.getvalue()


# ---- saving a state as params/scenario_<name>.yaml ------------------------------------------------

class SaveRefused(ValueError):
    """A save the explorer refuses; ``message`` is a catalogue ``(key, params)`` pair."""

    def __init__(self, key: str, **params):
        self.message = (key, params)
        super().__init__(words.text(key, "en", **params))


def scenario_path(name: str, params_dir: str | Path = paths.PARAMS) -> Path:
    return Path(params_dir) / f"scenario_{name}.yaml"


def rate_words(state: State, language: str) -> str:
    if state.stated_rate == "plan":
        return words.text("explorer.rate.plan", language)
    if state.stated_rate is None:
        return words.text("explorer.rate.none", language)
    return words.text("explorer.rate.value", language, rate=fmt_pct(state.stated_rate))


def default_titles(state: State) -> tuple[str, str]:
    """Chinese and English titles for a saved state, e.g. ``社会消费品零售总额（昌吉州）：年均 9.0%``."""
    out = []
    for lang in ("zh", "en"):
        out.append(words.text("explorer.save.default_title", lang,
                              indicator=catalogue.indicator(state.indicator)[f"name_{lang}"],
                              region=catalogue.region(state.region_code)[f"short_{lang}"], rate=rate_words(state, lang)))
    return out[0], out[1]


def saved_parameters(state: State, title: str, title_en: str, description: str) -> dict:
    """The mapping a saved file holds (:data:`SAVED_KEYS`, in that order)."""
    values = {"title": title, "title_en": title_en, "description": description, **state.parameters()}
    if values["target"] != "plan":
        values["target"] = float(values["target"])
    for key in ("stated_rate", "level", "stress_shock"):
        if isinstance(values[key], (int, float)) and not isinstance(values[key], bool):
            values[key] = float(values[key])
    return {k: values[k] for k in SAVED_KEYS}


def save_scenario(session: Session, state: State, name: str, *, title: str, title_en: str, description: str = "",
                  replace_existing: bool = False, params_dir: str | Path = paths.PARAMS) -> Path:
    """Write ``state`` as ``params/scenario_<name>.yaml`` for ``make scenario``; return the path.

    Refused (:class:`SaveRefused`) for a name that is not a plain file name, for one of the
    report's four scenarios or any existing file unless ``replace_existing``, and for an
    empty title; an invalid state raises the notebook's :class:`ParameterError`. The text is
    parsed back with the project's strict YAML reader and must give the same parameters before
    it is written (atomically: a failure leaves any earlier file as it was).
    """
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise SaveRefused("explorer.save.bad_name", name=name, max_length=NAME_MAX_LENGTH)
    path = scenario_path(name, params_dir)
    shown = paths.relative(path)
    if not replace_existing and name in REPORT_SCENARIOS:
        raise SaveRefused("explorer.save.report_scenario", name=name, path=shown)
    if not replace_existing and path.exists():
        raise SaveRefused("explorer.save.exists", path=shown)
    if not title.strip() or not title_en.strip():
        raise SaveRefused("explorer.save.empty_title")
    session.result(state)  # the notebook's checks: an invalid state is never saved
    params = saved_parameters(state, title.strip(), title_en.strip(), description.strip())
    header = (f"# Scenario saved from the explorer (notebooks/40_explore_scenarios.py).\n"
              f"# Reproduce: make scenario PARAMS={shown}\n")
    text = header + yaml.safe_dump(params, allow_unicode=True, sort_keys=False, width=100)
    if parse_yaml(text, shown) != params or state_from_parameters(params) != replace(state, reading="annual"):
        raise AssertionError(f"{shown}: the YAML written would not read back as the explorer's parameters")
    atomic_write_text(path, text)
    return path


@dataclass(frozen=True)
class SavedScenario:
    """A ``params/scenario_<name>.yaml``: its titles as the file gives them (None where it gives none)."""

    name: str
    path: Path
    title: str | None
    title_en: str | None
    state: State = field(compare=False)

    def label(self, language: str) -> str:
        """How the explorer lists it: its title in ``language``; where the file has none, its file
        name, said to be one (``文件 scenario_x.yaml``)."""
        title = self.title if language == "zh" else self.title_en
        return title or words.text("explorer.overlay.file", language, file=self.path.name)


def saved_scenarios(params_dir: str | Path = paths.PARAMS) -> list[Path]:
    """Every ``params/scenario_*.yaml`` (the report's and saved ones), sorted by name."""
    return sorted(Path(params_dir).glob("scenario_*.yaml"))


def load_scenario(path: str | Path) -> SavedScenario:
    """Read a scenario parameter file (strictly) into a :class:`SavedScenario`."""
    path = Path(path)
    params = load_yaml(path) or {}
    if not isinstance(params, dict):
        raise ParameterError(f"{paths.relative(path)}: expected a mapping of parameter names to values")
    state = state_from_parameters(params, paths.relative(path))
    titles = [str(params[k]).strip() if params.get(k) is not None else "" for k in ("title", "title_en")]
    return SavedScenario(path.stem.removeprefix("scenario_"), path, titles[0] or None, titles[1] or None, state)
