"""The exercises and after-action dock: the coalition's HSEEP exercises (type, dates,
how many members took part, the incident an operations-based one ran as, where its
after-action report stands) and, for the one selected, its objectives with the ASPR
capabilities they exercise, its after-action report (P/S/M/U ratings per objective and
capability, strengths and areas for improvement with reference and analysis) and the
evidence the incident's own log gives (approved significant events, late or missing
EEI reporting, denied or overdue requests, open conflicts).

Every button calls the service the CLI calls (`exercises`, `aar`, `aar_evidence`), so
the dock and `exercises`/`aar` on the command line cannot disagree. "Start exercise"
runs an operations-based exercise as an exercise incident (exercises.start_exercise)
and then puts that incident in view through the context, as the incident switcher
does, so the log, the EEI grid and the requests are at once the exercise's. An area
for improvement can be written straight from a line of evidence, which is how a
review is written: from what the log shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import aspr
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import EXERCISE_TYPES, OPERATIONS_BASED, RATINGS
from hcc_desktop.core.services import aar, exercises
from hcc_desktop.core.services.aar_evidence import Evidence
from hcc_desktop.gui import fmt
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.exercise_dialogs import (
    FINDING_LABELS,
    AarDialog,
    ExerciseDialog,
    FindingDialog,
    ObjectiveDialog,
    RatingDialog,
)
from hcc_desktop.gui.operations import CollectionOp, Progress, QueryOp, busy
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.prep_common import (
    CURRENT_BG,
    DUE_SOON_BG,
    OVERDUE_BG,
    OVERDUE_FG,
    Cell,
    combo,
    current_key,
    fill,
    make_table,
    select_key,
)

EXERCISE_HEADERS = ("Exercise", "Type", "Dates", "Members", "Runs as incident", "AAR")
OBJECTIVE_HEADERS = ("No.", "Objective", "ASPR capabilities")
RATING_HEADERS = ("Rating", "Objective", "Capability")
FINDING_HEADERS = ("Kind", "Objective", "Capability", "Finding", "Reference", "Analysis")
EVIDENCE_HEADERS = ("Evidence", "When", "What the log shows")
#: Rating colours: green to red, as the HSEEP summary table is usually shaded.
RATING_BG = {"P": CURRENT_BG, "S": DUE_SOON_BG, "M": OVERDUE_BG, "U": OVERDUE_BG}


@dataclass(frozen=True)
class ExerciseRow:
    view: exercises.ExerciseView
    report: m.Aar | None

    @property
    def exercise(self) -> m.Exercise:
        return self.view.exercise


@dataclass(frozen=True)
class _Read:
    rows: list[ExerciseRow]


@dataclass(frozen=True)
class Detail:
    """What the lower half shows for one exercise, read off the GUI thread."""

    exercise_id: str
    report: aar.AarView | None = None
    evidence: Evidence | None = None
    #: (kind, when, text) lines of the evidence, in the order shown.
    lines: list[tuple[str, str, str]] = field(default_factory=list)


def _esc(text: str | None) -> str:
    return escape(text or "")


def dates_text(e: m.Exercise) -> str:
    if not e.starts_on:
        return ""
    if not e.ends_on or e.ends_on == e.starts_on:
        return e.starts_on
    return f"{e.starts_on} – {e.ends_on}"


def incident_cell(row: ExerciseRow) -> Cell:
    e, inc = row.exercise, row.view.incident
    if inc is not None:
        # The status, not the name (the incident is named after the exercise, beside it).
        return Cell(f"{fmt.label(inc.status).capitalize()} exercise incident",
                    tip=f"{inc.name}: its log, EEI reports and requests")  # fmt: skip
    if e.exercise_type in OPERATIONS_BASED:
        return Cell("Not started", tip="Start exercise (Ctrl+Alt+G) runs it as an incident")
    return Cell("Discussion-based", tip="A discussion-based exercise runs no incident")


def aar_cell(report: m.Aar | None) -> Cell:
    if report is None:
        return Cell("None yet")
    if report.status == "final":
        return Cell("Final", bg=CURRENT_BG)
    return Cell("Draft", bg=DUE_SOON_BG)


def evidence_lines(ev: Evidence) -> list[tuple[str, str, str]]:
    """The evidence as (kind, when, what) lines: each a sentence an area for
    improvement can start from."""
    out: list[tuple[str, str, str]] = []
    for e in ev.significant_events:
        who = f" ({e['member']})" if e.get("member") else ""
        out.append(("Significant event", fmt.local(e["occurred_at"], short=True),
                    f"{e['text']}{who}"))  # fmt: skip
    for p in ev.eei_periods:
        late, missing = p["late"], p["missing"]
        if not late and not missing:
            continue
        parts = [f"{p['on_time']} of {p['expected']} members reported EEIs on time"]
        if late:
            parts.append(f"late: {', '.join(late)}")
        if missing:
            parts.append(f"missing: {', '.join(missing)}")
        out.append((f"EEI period {p['period']}", fmt.local(p["due_at"], short=True),
                    "; ".join(parts)))  # fmt: skip
    for r in ev.requests:
        qty = f"{r['quantity']:g} {r['unit'] or ''} ".replace("  ", " ") if r["quantity"] else ""
        who = f" for {r['requester']}" if r.get("requester") else ""
        out.append((f"Request {r['number']} {r['why']}", fmt.local(r["needed_by"], short=True),
                    f"{qty}{r['resource']}{who} ({fmt.label(r['status'])})"))  # fmt: skip
    for c in ev.conflicts:
        out.append(("Open conflict", "", f"{c['entity']} {c['unit']}: {c['versions']} versions"))
    return out


class ExercisesPanel(Panel):
    TITLE = "Exercises and AAR"
    DOCK_NAME = "exercisesDock"
    WATCHES = frozenset(
        {"exercise", "exercise_objective", "aar", "aar_rating", "aar_finding", "incident",
         "organization", "log_entry", "eei_report", "request"}
    )  # fmt: skip
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_EXERCISES
    ACTIONS: ClassVar[dict[ActionId, str]] = {
        ActionId.NEW_EXERCISE: "new_exercise",
        ActionId.EDIT_EXERCISE: "edit_exercise",
        ActionId.ADD_OBJECTIVE: "add_objective",
        ActionId.START_EXERCISE: "start_exercise",
        ActionId.OPEN_AAR: "open_aar",
        ActionId.RATE_CAPABILITY: "rate",
        ActionId.ADD_FINDING: "add_finding",
        ActionId.PRINT_AAR: "print_aar",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.rows: list[ExerciseRow] = []
        self.detail = Detail("")
        #: A record just made here, selected once the reload shows it.
        self._want = ""
        self._build()

    # ------------------------------------------------------------ building
    def _button(self, text: str, tip: str, slot: Any, name: str = "") -> QToolButton:
        b = QToolButton(text=text)
        if name:
            b.setObjectName(name)
        b.setToolTip(tip)
        b.clicked.connect(lambda _c=False: slot())
        return b

    def _build(self) -> None:
        self.type_filter = combo(EXERCISE_TYPES, "All types", "exercisesType")
        self.type_filter.currentIndexChanged.connect(lambda _i: self._show())
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.type_filter)
        bar.addWidget(self.count, 1)
        self.start_button = self._button(
            "Start", "Run the exercise as an exercise incident and put it in view (Ctrl+Alt+G)",
            self.start_exercise, "startExerciseButton",
        )  # fmt: skip
        for b in (
            self._button("New…", "New exercise (Ctrl+Alt+N)", self.new_exercise),
            self._button("Edit…", "Edit the selected exercise (Ctrl+Alt+E)", self.edit_exercise),
            self._button("Objective…", "Add an objective (Ctrl+Alt+1)", self.add_objective),
            self.start_button,
            self._button(
                "AAR…", "Open or start the after-action report (Ctrl+Shift+A)", self.open_aar
            ),
        ):
            bar.addWidget(b)
        self.table = make_table("exercisesTable", EXERCISE_HEADERS)
        self.table.currentCellChanged.connect(lambda *_: self._selection_changed())
        self.table.doubleClicked.connect(lambda _i: self.edit_exercise())

        self.tabs = QTabWidget(objectName="exercisesTabs")
        self.tabs.addTab(self._objectives_tab(), "Objectives")
        self.tabs.addTab(self._aar_tab(), "After-action review")
        self.tabs.addTab(self._evidence_tab(), "Evidence from the log")

        top = QWidget()
        tbox = QVBoxLayout(top)
        tbox.setContentsMargins(0, 0, 0, 0)
        tbox.addLayout(bar)
        tbox.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.note = QLabel(objectName="exercisesNote")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)

    def _page(self, *parts: Any) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(2, 2, 2, 2)
        for part in parts:
            if isinstance(part, QHBoxLayout):
                box.addLayout(part)
            else:
                box.addWidget(part, 1 if part.objectName().endswith("Table") else 0)
        return page

    def _objectives_tab(self) -> QWidget:
        self.summary = QLabel(objectName="exerciseSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.objectives_table = make_table("objectivesTable", OBJECTIVE_HEADERS)
        self.objectives_table.doubleClicked.connect(lambda _i: self.edit_objective())
        return self._page(self.summary, self.objectives_table)

    def _aar_tab(self) -> QWidget:
        self.aar_title = QLabel(objectName="aarTitle")
        self.aar_title.setWordWrap(True)
        self.aar_title.setTextFormat(Qt.TextFormat.RichText)
        self.status_button = self._button("Mark final", "Draft ↔ final", self.toggle_final,
                                          "aarStatusButton")  # fmt: skip
        bar = QHBoxLayout()
        bar.addStretch(1)
        for b in (
            self._button("Rate…", "Rate a capability P, S, M or U (Ctrl+Alt+8)", self.rate),
            self._button(
                "Finding…", "Add a strength or area for improvement (Ctrl+Alt+9)", self.add_finding
            ),
            self._button("Edit finding…", "Edit the selected finding", self.edit_finding),
            self._button("Title/summary…", "The report's title and summary", self.edit_aar),
            self.status_button,
            self._button("Print AAR/IP…", "The AAR/IP as a PDF (Ctrl+Shift+U)", self.print_aar),
        ):
            bar.addWidget(b)
        self.ratings_table = make_table("ratingsTable", RATING_HEADERS)
        self.ratings_table.doubleClicked.connect(lambda _i: self.rate())
        self.findings_table = make_table("findingsTable", FINDING_HEADERS)
        self.findings_table.doubleClicked.connect(lambda _i: self.edit_finding())
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.ratings_table)
        split.addWidget(self.findings_table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 5)
        split.setObjectName("aarSplitTable")
        return self._page(self.aar_title, bar, split)

    def _evidence_tab(self) -> QWidget:
        self.evidence_note = QLabel(objectName="evidenceNote")
        self.evidence_note.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.evidence_note, 1)
        bar.addWidget(self._button(
            "Area for improvement…", "Write an area for improvement from the selected line",
            self.finding_from_evidence, "findingFromEvidence",
        ))  # fmt: skip
        self.evidence_table = make_table("evidenceTable", EVIDENCE_HEADERS)
        self.evidence_table.doubleClicked.connect(lambda _i: self.finding_from_evidence())
        return self._page(bar, self.evidence_table)

    # ------------------------------------------------------------ loading
    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload") and not busy(self, "detail")

    def reload(self) -> None:
        store = self.ctx.store

        def read(_p: Progress) -> _Read:
            reports = {a.exercise_id: a for a in aar.list_aars(store) if a.exercise_id}
            views = [exercises.view(store, exercise_id=e.id) for e in
                     exercises.list_exercises(store)]  # fmt: skip
            return _Read([ExerciseRow(v, reports.get(v.exercise.id)) for v in views])

        self.read_in_background(read, self._fill, failed="Exercises not loaded")

    def _fill(self, d: _Read) -> None:
        self.rows = d.rows
        self._show()
        if self._want and select_key(self.table, self._want):
            self._want = ""
        if self.table.currentRow() < 0 and self.table.rowCount():
            self.table.setCurrentCell(0, 0)
        self._read_detail()
        self._loaded = True

    def _show(self) -> None:
        wanted = self.type_filter.currentData()
        rows = [r for r in self.rows if not wanted or r.exercise.exercise_type == wanted]
        fill(self.table, (
            (r.exercise.id, [
                Cell(r.exercise.name or "", bold=True, tip=r.exercise.scenario or ""),
                EXERCISE_TYPES.get(r.exercise.exercise_type or "", r.exercise.exercise_type),
                dates_text(r.exercise),
                Cell(str(len(r.view.participants)), align_right=True,
                     tip="\n".join(r.view.participants.values())),
                incident_cell(r), aar_cell(r.report),
            ]) for r in rows
        ))  # fmt: skip
        self.count.setText(f"{len(rows)} of {len(self.rows)} exercises")

    def current(self) -> ExerciseRow | None:
        key = current_key(self.table)
        return next((r for r in self.rows if r.exercise.id == key), None)

    def _selection_changed(self) -> None:
        if self.current() is not None and self.current_id() != self.detail.exercise_id:
            self._read_detail()

    def current_id(self) -> str:
        row = self.current()
        return row.exercise.id if row else ""

    def _read_detail(self) -> None:
        """The selected exercise's report and evidence, off the GUI thread."""
        store, row = self.ctx.store, self.current()
        if row is None:
            self._fill_detail(Detail(""))
            return
        ex, report = row.exercise, row.report
        incident = row.view.incident

        def read(_p: Progress) -> Detail:
            view = aar.view(store, aar_id=report.id) if report is not None else None
            ev = aar.evidence(store, incident.id) if incident is not None else None
            return Detail(ex.id, view, ev, evidence_lines(ev) if ev else [])

        (
            QueryOp(self, read, title="Exercise not loaded")
            .supersede("detail")
            .success(self._fill_detail)
            .run_in_background()
        )

    def _fill_detail(self, d: Detail) -> None:
        self.detail = d
        row = self.current()
        self._fill_objectives(row)
        self._fill_aar(row, d.report)
        self._fill_evidence(row, d)

    def _fill_objectives(self, row: ExerciseRow | None) -> None:
        if row is None:
            self.summary.setText("No exercise yet: New… (Ctrl+Alt+N) records one.")
            fill(self.objectives_table, [])
            return
        e, ref = row.exercise, aspr.load()
        bits = [f"<b>{_esc(e.name)}</b> · {_esc(EXERCISE_TYPES.get(e.exercise_type or '', ''))}"
                f" · {_esc(dates_text(e))}"]  # fmt: skip
        for label, value in (("Threat", e.hazard), ("Location", e.location),
                             ("Sponsor", e.sponsor), ("Scenario", e.scenario)):  # fmt: skip
            if value:
                bits.append(f"<b>{label}:</b> {_esc(value)}")
        caps = sorted(exercises.capabilities_of(row.view.objectives))
        if caps:
            bits.append("<b>Capabilities exercised:</b> "
                        + _esc("; ".join(ref.label(c) for c in caps)))  # fmt: skip
        self.summary.setText("<br/>".join(bits))
        fill(self.objectives_table, (
            (str(o.number), [
                Cell(str(o.number), align_right=True), Cell(o.text or "", tip=o.text or ""),
                Cell(", ".join(ref.label(c) for c in o.capabilities or ()),
                     tip="\n".join(ref.label(c) for c in o.capabilities or ())),
            ]) for o in row.view.objectives
        ))  # fmt: skip

    def _fill_aar(self, row: ExerciseRow | None, view: aar.AarView | None) -> None:
        ref = aspr.load()
        self.status_button.setEnabled(view is not None)
        if view is None:
            hint = "no after-action report yet: AAR… (Ctrl+Shift+A) starts one" if row else ""
            self.aar_title.setText(_esc(hint))
            fill(self.ratings_table, [])
            fill(self.findings_table, [])
            return
        a = view.aar
        final = a.status == "final"
        self.status_button.setText("Back to draft" if final else "Mark final")
        state = "FINAL" if final else "DRAFT"
        self.aar_title.setText(
            f"<b>{_esc(a.title)}</b> · {state} ({_esc(a.status_by)}, "
            f"{_esc(fmt.local(a.status_at, short=True))})"
        )
        self.aar_title.setToolTip(a.summary or "")
        fill(self.ratings_table, (
            (r.id, [Cell(r.rating or "", bg=RATING_BG.get(r.rating or ""), bold=True,
                         fg=OVERDUE_FG if r.rating == "U" else None,
                         tip=RATINGS.get(r.rating or "", "")),
                    r.objective_number or "—",
                    Cell(ref.label(r.capability or ""), tip=ref.label(r.capability or ""))])
            for r in view.ratings
        ))  # fmt: skip
        fill(self.findings_table, (
            (f.id, [Cell(FINDING_LABELS.get(f.kind or "", f.kind or ""),
                         bold=f.kind == "improvement"),
                    f.objective_number or "—",
                    Cell(f.capability or "", tip=ref.label(f.capability or "")),
                    Cell(f.text or "", tip=f.text or ""), f.reference,
                    Cell(f.analysis or "", tip=f.analysis or "")])
            for f in view.findings
        ))  # fmt: skip

    def _fill_evidence(self, row: ExerciseRow | None, d: Detail) -> None:
        ev = d.evidence
        if row is None:
            self.evidence_note.setText("")
        elif ev is None and row.exercise.exercise_type not in OPERATIONS_BASED:
            self.evidence_note.setText(
                "A discussion-based exercise keeps no log: its evidence is the discussion."
            )
        elif ev is None:
            self.evidence_note.setText("Not started: the log gives evidence once it runs.")
        else:
            self.evidence_note.setText(
                f"From {ev.incident} as of {fmt.local(ev.as_of, short=True)}: "
                f"{len(ev.significant_events)} approved significant events, "
                f"{sum(bool(p['late'] or p['missing']) for p in ev.eei_periods)} periods with "
                f"late or missing EEIs, {len(ev.requests)} denied or overdue requests."
            )
        fill(self.evidence_table, (
            (str(i), [Cell(kind, bold=not kind.startswith("Significant")), when,
                      Cell(text, tip=text)])
            for i, (kind, when, text) in enumerate(d.lines)
        ))  # fmt: skip

    # ------------------------------------------------------------ commands
    def _need(self, what: str) -> ExerciseRow | None:
        row = self.current()
        if row is None:
            self._say(f"Select the exercise {what} first")
        return row

    def _report(self) -> aar.AarView | None:
        row = self.current()
        view = self.detail.report
        if row is None or view is None or self.detail.exercise_id != row.exercise.id:
            self._say("Start the after-action report first: AAR… (Ctrl+Shift+A)")
            return None
        return view

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.ctx.message.emit(text)

    def new_exercise(self) -> None:
        dialog = ExerciseDialog(self.ctx.store, self.ctx.actor, None, self)
        if dialog.exec() and dialog.exercise_id:
            self.type_filter.setCurrentIndex(0)  # the new one must not be filtered out
            self._want = dialog.exercise_id
            self._say("Exercise recorded")

    def edit_exercise(self) -> None:
        row = self._need("to edit")
        if row is not None:
            ExerciseDialog(self.ctx.store, self.ctx.actor, row.exercise, self).exec()

    def add_objective(self) -> None:
        row = self._need("to add an objective to")
        dialog = (
            ObjectiveDialog(self.ctx.store, self.ctx.actor, row.exercise, None, self)
            if row is not None
            else None
        )
        if dialog is not None and dialog.exec():
            self.tabs.setCurrentIndex(0)

    def edit_objective(self) -> None:
        row = self.current()
        key = current_key(self.objectives_table)
        found = (
            next((o for o in row.view.objectives if str(o.number) == key), None) if row else None
        )
        if row is None or found is None:
            self._say("Select the objective to edit first")
            return
        ObjectiveDialog(self.ctx.store, self.ctx.actor, row.exercise, found, self).exec()

    def start_exercise(self) -> None:
        """Run the exercise as an exercise incident and put that incident in view."""
        row = self._need("to start")
        if row is None:
            return
        store, actor, ex = self.ctx.store, self.ctx.actor, row.exercise
        (
            CollectionOp(
                self,
                lambda _p: exercises.start_exercise(
                    store, actor=actor, exercise_id=ex.id, make_current=True
                ),
                title="Exercise not started",
            )
            .success(lambda incident_id: self._started(ex, incident_id))
            .run_now()  # a refusal (a tabletop, one started already) ends in a dialog
        )

    def _started(self, ex: m.Exercise, incident_id: str) -> None:
        self.ctx.set_incident(incident_id)
        self._say(f"{ex.name} runs as an exercise incident, now in view: log, EEIs and "
                  "requests are the exercise's")  # fmt: skip

    def open_aar(self) -> None:
        """Show the exercise's report, or start one (a draft) when it has none."""
        row = self._need("whose after-action report to open")
        if row is None:
            return
        if row.report is None:
            dialog = AarDialog(self.ctx.store, self.ctx.actor, row.exercise, None, self)
            if not dialog.exec():
                return
            self._say("After-action report started as a draft")
        self.tabs.setCurrentIndex(1)

    def edit_aar(self) -> None:
        row, view = self.current(), self._report()
        if row is not None and view is not None:
            AarDialog(self.ctx.store, self.ctx.actor, row.exercise, view.aar, self).exec()

    def _objectives(self) -> list[m.ExerciseObjective]:
        row = self.current()
        return list(row.view.objectives) if row else []

    def rate(self) -> None:
        view = self._report()
        if view is not None:
            dialog = RatingDialog(
                self.ctx.store, self.ctx.actor, view.aar, self._objectives(), self
            )
            key = current_key(self.ratings_table)
            found = next((r for r in view.ratings if r.id == key), None)
            if found is not None:  # a double-click on a rating re-rates it
                dialog.objective.setCurrentIndex(
                    max(dialog.objective.findData(str(found.objective_number or "")), 0)
                )
                dialog.capability.setCurrentIndex(
                    max(dialog.capability.findData(found.capability), 0))  # fmt: skip
            if dialog.exec():
                self.tabs.setCurrentIndex(1)

    def add_finding(self, *, kind: str = "strength", text: str = "") -> bool:
        view = self._report()
        if view is None:
            return False
        dialog = FindingDialog(self.ctx.store, self.ctx.actor, view.aar, self._objectives(),
                               None, self, kind=kind, text=text)  # fmt: skip
        if dialog.exec():
            self.tabs.setCurrentIndex(1)
            return True
        return False

    def edit_finding(self) -> None:
        view = self._report()
        if view is None:
            return
        key = current_key(self.findings_table)
        found = next((f for f in view.findings if f.id == key), None)
        if found is None:
            self._say("Select the finding to edit first")
            return
        FindingDialog(self.ctx.store, self.ctx.actor, view.aar, self._objectives(), found,
                      self).exec()  # fmt: skip

    def finding_from_evidence(self) -> None:
        key = current_key(self.evidence_table)
        if not key:
            self._say("Select a line of evidence first")
            return
        kind, when, text = self.detail.lines[int(key)]
        stamp = f" ({when})" if when else ""
        self.add_finding(kind="improvement", text=f"{kind}{stamp}: {text}")

    def toggle_final(self) -> None:
        view = self._report()
        if view is None:
            return
        new = "draft" if view.aar.status == "final" else "final"
        store, actor = self.ctx.store, self.ctx.actor
        (
            CollectionOp(
                self,
                lambda _p: aar.set_status(store, actor=actor, aar_id=view.aar.id, status=new),
                title="Report status not changed",
            )
            .success(lambda _r: self._say(f"After-action report marked {new}"))
            .run_now()
        )

    def print_aar(self) -> None:
        """The AAR/IP of the selected exercise as a PDF (the `aar print` builder). The
        dialog's module is imported here: reportlab loads on first use, not at start."""
        from hcc_desktop.gui.reports.prep_documents import print_aar

        row = self.current()
        report = row.report if row is not None else None
        print_aar(self, self.ctx, report.id if report is not None else None)
