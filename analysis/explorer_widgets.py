"""The scenario explorer's controls (ipywidgets) around :mod:`analysis.explorer`.

:class:`ExplorerApp` builds the controls, and on each change turns them into a
:class:`analysis.explorer.State`, asks the session for its result and redraws the chart (an
``Image`` widget holding a PNG) and the summary line in place. Nothing here computes a number.
Works without a kernel (widgets then talk to nothing), so tests and ``make bench`` drive it
from Python: set a control's ``value`` and the callback runs at once.
"""
from __future__ import annotations

import html
import time

import ipywidgets as w
from markupsafe import Markup

from analysis import catalogue, explorer, growth, paths, scenarios, words
from analysis.parameters import ParameterError
from analysis.report_format import Writer, unit_name

RATE_RANGE_PCT = (-20.0, 30.0)
SHOCK_RANGE_PP = (0.0, 10.0)
ERROR = Markup('<p style="color:#c0392b">{}</p>')
#: width of a control's label, and of a control with its label, per language (English labels are longer)
LABEL_WIDTH = {"zh": "9em", "en": "13em"}
CONTROL_WIDTH = {"zh": "30em", "en": "34em"}


def code(text) -> Markup:
    """A file name, a command or a check's own (English) text, marked as such: not the explorer's words."""
    return Markup("<code>{}</code>").format(text)


class ExplorerApp:
    """Controls, chart and summary for one language (``zh`` or ``en``).

    ``state`` (the last valid state shown), ``result``, ``message`` (the text shown for an
    invalid state, else "") and ``timings`` (seconds per redraw) are there to be read.
    """

    def __init__(self, session: explorer.Session, state: explorer.State = explorer.State(), language: str = "zh",
                 params_dir=paths.PARAMS):
        if language not in words.LANGUAGES:
            raise ParameterError(f"parameter 'language' = {language!r}: allowed values are 'zh', 'en'")
        self.session, self.language, self.params_dir = session, language, params_dir
        self.writer = Writer(language, {})  # catalogue text as HTML: parameters escaped, markup kept
        self.state, self.result, self.message, self.timings = None, None, "", []
        self.figure = explorer.new_figure()
        t = self.t
        style = {"description_width": LABEL_WIDTH[language]}
        wide = w.Layout(width=CONTROL_WIDTH[language])

        def ctl(cls, key, **kw):  # toggle buttons as wide as their words (English ones are longer)
            return cls(description=t(key), style={**style, "button_width": "auto"} if cls is w.ToggleButtons else style, **kw)

        self.indicator = ctl(w.Dropdown, "explorer.control.indicator", layout=wide, options=[
            (catalogue.indicator(i)[f"name_{language}"], i) for i in scenarios.SCENARIO_INDICATORS])
        self.region = ctl(w.Dropdown, "explorer.control.region", layout=wide, options=[
            (catalogue.region(c)[f"name_{language}"], c) for c in explorer.allowed_regions()])
        self.target_mode = ctl(w.ToggleButtons, "explorer.control.target", options=[
            (t("explorer.option.target_plan"), "plan"), (t("explorer.option.target_custom"), "custom")])
        # its description names the indicator's unit: set with the indicator (_sync_dependent)
        self.target_value = w.FloatText(style=style, layout=wide, continuous_update=False)
        self.rate_mode = ctl(w.ToggleButtons, "explorer.control.rate_mode", options=[
            (t("explorer.option.rate_plan"), "plan"), (t("explorer.option.rate_custom"), "custom"),
            (t("explorer.option.rate_none"), "none")])
        self.rate_pct = ctl(w.FloatSlider, "explorer.control.rate", min=RATE_RANGE_PCT[0], max=RATE_RANGE_PCT[1],
                            step=0.1, readout_format=".1f", continuous_update=False, layout=wide)
        self.base_year = ctl(w.IntSlider, "explorer.control.base_year", min=2015, max=2024, step=1,
                             continuous_update=False, layout=wide)
        # the COVID years as the trend fits define them (analysis.growth.COVID_YEARS), never typed here
        self.covid = w.ToggleButtons(description=t("explorer.control.covid", start=growth.COVID_YEARS[0], end=growth.COVID_YEARS[-1]),
                                     style={**style, "button_width": "auto"}, options=[
            (t(f"explorer.option.covid_{c}"), c) for c in ("none", "dummy", "exclude")])
        self.level = ctl(w.FloatSlider, "explorer.control.level", min=0.5, max=0.99, step=0.01,
                         readout_format=".2f", continuous_update=False, layout=wide)
        self.shock_pp = ctl(w.FloatSlider, "explorer.control.stress_shock", min=SHOCK_RANGE_PP[0],
                            max=SHOCK_RANGE_PP[1], step=0.5, readout_format=".1f", continuous_update=False, layout=wide)
        self.reading = ctl(w.ToggleButtons, "explorer.control.reading", options=[("-", "annual"), ("-", "total")])
        self.overlays = w.SelectMultiple(description=t("explorer.overlay.label"), style=style,
                                         layout=w.Layout(width=CONTROL_WIDTH[language], height="7em"))
        self.chart = w.Image(format="png", layout=w.Layout(width="800px"))
        self.summary = w.HTML()
        self.notice = w.HTML()
        self._build_save_controls(style, wide)
        self._set_controls(state)
        self._refresh_overlay_options()
        for widget in self.controls():
            widget.observe(self._on_change, names="value")
        self.redraw()
        self.widget = w.VBox([
            w.HTML(Markup("<h3>{}</h3><p>{}</p>").format(t("explorer.heading"), t("explorer.intro"))),
            w.HBox([w.VBox([self.indicator, self.region, self.target_mode, self.target_value, self.rate_mode,
                            self.rate_pct]),
                    w.VBox([self.base_year, self.covid, self.level, self.shock_pp, self.reading, self.overlays])]),
            self.notice, self.chart, self.summary, self.save_box,
        ])

    # ---- words -----------------------------------------------------------------------------
    def t(self, key: str, **params) -> str:
        return words.text(key, self.language, **params)

    def html(self, key: str, **params) -> Markup:
        """The message ``key`` as HTML (a :class:`Markup` parameter, e.g. :func:`code`, kept as markup)."""
        return self.writer.t(key, **params)

    def error_html(self, error: ParameterError) -> Markup:
        """An invalid choice as shown: the catalogue's words for it, or the parameter check's own text marked as code."""
        detail = (self.html(error.message.key, **error.message.params) if isinstance(error, explorer.InvalidChoice)
                  else code(str(error)))
        return ERROR.format(self.html("explorer.message.invalid", message=detail))

    def _build_save_controls(self, style, wide) -> None:
        t = self.t
        self.save_name = w.Text(description=t("explorer.save.name"), style=style, layout=wide)
        self.save_title = w.Text(description=t("explorer.save.title"), style=style, layout=wide)
        self.save_title_en = w.Text(description=t("explorer.save.title_en"), style=style, layout=wide)
        self.save_description = w.Textarea(description=t("explorer.save.description"), style=style, layout=wide,
                                           value=t("explorer.save.default_description"))
        self.save_replace = w.Checkbox(description=t("explorer.save.replace"), value=False, indent=False)
        self.save_button = w.Button(description=t("explorer.save.button"))
        self.save_status = w.HTML()
        self.save_button.on_click(lambda _: self.save())
        self.save_box = w.VBox([self.save_name, self.save_title, self.save_title_en, self.save_description,
                                w.HBox([self.save_replace, self.save_button]), self.save_status])

    def controls(self) -> list:
        return [self.indicator, self.region, self.target_mode, self.target_value, self.rate_mode, self.rate_pct,
                self.base_year, self.covid, self.level, self.shock_pp, self.reading, self.overlays]

    # ---- state <-> controls ------------------------------------------------------------------
    def _set_controls(self, state: explorer.State) -> None:
        """Show ``state`` in the controls (without triggering redraws: observers are added later)."""
        self.indicator.value, self.region.value = state.indicator, state.region_code
        self.target_mode.value = "plan" if state.target == "plan" else "custom"
        self.rate_mode.value = ("plan" if state.stated_rate == "plan" else "none" if state.stated_rate is None
                                else "custom")
        self.base_year.value, self.covid.value = state.base_year, state.covid
        self.level.value, self.shock_pp.value = float(state.level), round(state.stress_shock * 100, 4)
        self.reading.value = state.reading
        self._seed, self._horizon = state.seed, state.horizon
        self._sync_dependent(state)
        if state.target != "plan":
            self.target_value.value = float(state.target)
        if state.stated_rate not in ("plan", None):
            self.rate_pct.value = round(state.stated_rate * 100, 4)

    def _plan(self, indicator: str) -> dict:
        return scenarios.plan_target_and_rate(self.session.inputs.targets, indicator)

    def _sync_dependent(self, state: explorer.State) -> None:
        """Units, the plan's values as starting points for custom ones, and the reading control."""
        plan = self._plan(state.indicator)
        self.target_value.description = self.t("explorer.control.target_value",
                                               unit=unit_name(catalogue.indicator(state.indicator)["unit"], self.language))
        self.target_value.disabled = self.target_mode.value == "plan"
        self.rate_pct.disabled = self.rate_mode.value != "custom"
        if self.target_mode.value == "plan":
            self.target_value.value = plan["target"]
        if self.rate_mode.value != "custom" and plan["stated_rate"] is not None:
            self.rate_pct.value = round(plan["stated_rate"] * 100, 4)
        self.reading.options = [(self.t("explorer.option.reading_annual", year=state.horizon), "annual"),
                                (self.t("explorer.option.reading_total", start=state.base_year + 1, end=state.horizon),
                                 "total")]
        self.reading.value = state.reading
        self.reading.layout.display = None if plan["may_be_five_year_total"] else "none"

    def current_state(self) -> explorer.State:
        """The state the controls show (rates from percent to fractions, as a parameter file holds them)."""
        if self.target_mode.value == "plan":
            target = "plan"
        else:
            target = float(self.target_value.value)
        if self.rate_mode.value == "plan":
            rate = "plan"
        elif self.rate_mode.value == "none":
            rate = None
        else:
            rate = round(self.rate_pct.value / 100, 6)  # slider steps of 0.1 pp; no float noise
        return explorer.State(indicator=self.indicator.value, region_code=self.region.value, target=target,
                              stated_rate=rate, base_year=int(self.base_year.value), horizon=self._horizon,
                              covid=self.covid.value, seed=self._seed, level=round(float(self.level.value), 4),
                              stress_shock=round(self.shock_pp.value / 100, 6), reading=self.reading.value)

    # ---- callbacks -----------------------------------------------------------------------------
    def _on_change(self, change) -> None:
        if getattr(self, "_syncing", False):
            return
        if change["owner"] in (self.indicator, self.target_mode, self.rate_mode, self.base_year):
            self._syncing = True  # the dependent controls change below: one redraw, not several
            try:
                if change["owner"] is self.indicator:  # a custom target is in the old indicator's unit
                    self.target_mode.value = "plan"
                self._sync_dependent(self.current_state())
            finally:
                self._syncing = False
        self.redraw()

    def overlay_results(self, state: explorer.State) -> tuple[list, list[Markup]]:
        """(label, result) of each chosen saved scenario of the same indicator; and notices (HTML)."""
        out, skipped, notices = [], [], []
        for path in self.overlays.value:
            try:
                saved = explorer.load_scenario(path)
                if saved.state.indicator != state.indicator:
                    skipped.append(saved.label(self.language))
                    continue
                out.append((saved.label(self.language), self.session.result(saved.state)))
            except (ParameterError, ValueError) as err:  # a file edited since it was listed: the reader's own words
                notices.append(self.html("explorer.overlay.unreadable", path=code(paths.relative(path)), message=code(str(err))))
        if skipped:
            notices.append(self.html("explorer.overlay.skipped", names=self.t("list.separator").join(skipped)))
        return out, notices

    def redraw(self) -> None:
        """Recompute for the controls' state and redraw chart and summary; an invalid state shows
        the parameter check's message in the widget area and keeps the last valid chart."""
        started = time.perf_counter()
        state = self.current_state()
        try:
            result = self.session.result(state)
            overlays, notices = self.overlay_results(state)
        except ParameterError as err:
            self.message = explorer.invalid_message(err, self.language)
            self.notice.value = self.error_html(err)
            self.summary.value = ""  # the numbers shown were for other choices
            return
        self.state, self.result, self.message = state, result, ""
        self.chart.value = explorer.render_png(self.figure, result, self.language, overlays)
        self.summary.value = f"<p>{html.escape(explorer.summary_text(result, self.language))}</p>"
        self.notice.value = Markup("").join(Markup("<p>{}</p>").format(n) for n in notices)
        self.timings.append(time.perf_counter() - started)

    def _refresh_overlay_options(self) -> None:
        options = []
        for path in explorer.saved_scenarios(self.params_dir):
            try:
                saved = explorer.load_scenario(path)
            except (ParameterError, ValueError):
                continue
            options.append((saved.label(self.language), path))
        chosen = [p for p in self.overlays.value if p in {o[1] for o in options}]
        self.overlays.options = options
        self.overlays.value = tuple(chosen)

    def save(self) -> None:
        """The "save as scenario" button: write params/scenario_<name>.yaml, or say why not."""
        if self.state is None or self.message:
            self.save_status.value = self.notice.value  # why the choices cannot be saved
            return
        default_zh, default_en = explorer.default_titles(self.state)
        try:
            path = explorer.save_scenario(
                self.session, self.state, self.save_name.value.strip(), title=self.save_title.value or default_zh,
                title_en=self.save_title_en.value or default_en, description=self.save_description.value,
                replace_existing=self.save_replace.value, params_dir=self.params_dir)
        except explorer.SaveRefused as err:
            key, params = err.message  # the name and the file as typed or made: marked as file names
            self.save_status.value = ERROR.format(self.html(key, **{k: code(v) if k in ("name", "path") else v
                                                                     for k, v in params.items()}))
            return
        except ParameterError as err:
            self.save_status.value = self.error_html(err)
            return
        shown = paths.relative(path)
        self.save_status.value = Markup("<p>{}</p>").format(
            self.html("explorer.save.saved", path=code(shown), command=code(f"make scenario PARAMS={shown}")))
        self._syncing = True
        try:
            self._refresh_overlay_options()
        finally:
            self._syncing = False
