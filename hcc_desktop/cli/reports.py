"""CLI commands for paper: `briefing` (the situation briefing for an operational period)
and `form ics214 | ics213rr | hics251` (ICS and HICS forms filled from the store).

During an outage paper is the network, so every document the GUI prints can be made
headless too: by a script at the top of each period, or by the night shift over SSH.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hcc_desktop.cli.context import Context, emit, out_file, resolve_org
from hcc_desktop.cli.registry import Commands, positive
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.paper import A4, LETTER, default_paper
from hcc_desktop.reports.briefing import build_briefing
from hcc_desktop.reports.briefing_model import SECTIONS
from hcc_desktop.reports.forms.hics251 import build_hics251
from hcc_desktop.reports.forms.ics213rr import build_ics213rr
from hcc_desktop.reports.forms.ics214 import build_ics214

MAX_SUMMARY = 20_000


def _pages(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"


def _paper(args: argparse.Namespace) -> str:
    """`--a4` or `--letter` if given, else the locale's paper (`core.paper`)."""
    return getattr(args, "paper", None) or default_paper()


def _paper_options(p: argparse.ArgumentParser) -> None:
    """`--a4` / `--letter`, one or neither; neither means the locale's paper."""
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--a4",
        dest="paper",
        action="store_const",
        const=A4,
        help="A4 paper (default: from the locale: Letter in the US, Canada, Mexico, "
        f"the Philippines and a few more, else A4; here {default_paper()})",
    )
    g.add_argument(
        "--letter", dest="paper", action="store_const", const=LETTER, help="US Letter paper"
    )


def _summary(args: argparse.Namespace) -> str:
    if args.summary_file is None:
        return args.summary or ""
    path = Path(args.summary_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError("summary-file", f"{path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ValidationError("summary-file", f"{path}: expected UTF-8 text") from None
    if len(text) > MAX_SUMMARY:
        raise ValidationError(
            "summary-file", f"{path}: at most {MAX_SUMMARY} characters (got {len(text)})"
        )
    return text


def _sections(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [s for s in (part.strip() for part in text.split(",")) if s]


def cmd_briefing(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    result = build_briefing(
        ctx.store,
        out,
        incident_id=args.incident,
        period=args.period,
        summary_text=_summary(args),
        public=args.public,
        paper=_paper(args),
        sections=_sections(args.sections),
        prepared_by=ctx.actor,
    )
    period = f"period {result.period}" if result.period else "no operational period yet"
    marking = (
        "public version (protected EEIs left out)"
        if result.public
        else "SENSITIVE: contains protected EEIs"
        if result.sensitive
        else "no protected EEIs printed"
    )
    emit(
        f"Wrote {result.path}: situation briefing for {result.incident_name}, {period}; "
        f"{_pages(result.pages)}, {marking}"
    )
    return 0


def cmd_form_ics214(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    result = build_ics214(
        ctx.store,
        out,
        incident_id=args.incident,
        period=args.period,
        operator=args.log_operator,
        prepared_by=ctx.actor,
        paper=_paper(args),
    )
    who = args.log_operator or "all operators"
    emit(f"Wrote {result.path}: ICS 214 for {who}, {result.rows} entries, {_pages(result.pages)}")
    return 0


def cmd_form_ics213rr(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    result = build_ics213rr(
        ctx.store, out, request=args.request, prepared_by=ctx.actor, paper=_paper(args)
    )
    emit(f"Wrote {result.path}: ICS 213 RR for request {args.request}, {_pages(result.pages)}")
    return 0


def cmd_form_hics251(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    org = resolve_org(ctx.store, args.facility, "facility")
    result = build_hics251(
        ctx.store,
        out,
        facility_id=org.id,
        incident_id=args.incident,
        period=args.period,
        prepared_by=ctx.actor,
        paper=_paper(args),
    )
    emit(
        f"Wrote {result.path}: HICS 251 for {org.name}, {result.rows} systems filled from EEIs, "
        f"{_pages(result.pages)}"
    )
    return 0


def register(cmds: Commands) -> None:
    """`briefing` and `form ...`."""
    p = cmds.command(
        "briefing",
        cmd_briefing,
        "write the situation briefing PDF for an operational period",
        description="Write the situation briefing for an operational period as a PDF: "
        "status, beds, map, trends, open requests, significant events, EEI timeliness.",
    )
    p.add_argument("out", metavar="OUT.pdf")
    p.add_argument("--incident", metavar="ID", help="incident id (default: the current one)")
    p.add_argument("--period", metavar="N", type=positive, help="default: the current period")
    p.add_argument(
        "--public", action="store_true", help="leave out every protected (sensitive) EEI"
    )
    _paper_options(p)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--summary", metavar="TEXT", help="the situation summary")
    g.add_argument("--summary-file", metavar="F", help="read the situation summary from F")
    p.add_argument(
        "--sections",
        metavar="S,...",
        help=f"only these sections, of: {', '.join(SECTIONS)}",
    )

    f = cmds.group("form", "ICS 214, ICS 213 RR and HICS 251 forms filled from the store")
    # Its --operator chooses whose entries; the acting operator does not matter here.
    p = f.command(
        "ics214",
        cmd_form_ics214,
        "ICS 214 activity log of an operator or of everyone",
        global_options=False,
    )
    p.add_argument("--store", metavar="PATH", default=argparse.SUPPRESS, help="the store file")
    p.add_argument("out", metavar="OUT.pdf")
    p.add_argument("--incident", metavar="ID", help="incident id (default: the current one)")
    p.add_argument("--period", metavar="N", type=positive, help="default: the whole incident")
    p.add_argument(
        "--operator",
        dest="log_operator",
        metavar="NAME",
        help="only this operator's entries (default: everyone, as a unit log)",
    )
    _paper_options(p)

    p = f.command("ics213rr", cmd_form_ics213rr, "ICS 213 RR of one resource request")
    p.add_argument("request", metavar="REQUEST", help="request number, id or id prefix")
    p.add_argument("out", metavar="OUT.pdf")
    _paper_options(p)

    p = f.command("hics251", cmd_form_hics251, "HICS 251 facility system status of one facility")
    p.add_argument("facility", metavar="FACILITY", help="id, short name, key or exact name")
    p.add_argument("out", metavar="OUT.pdf")
    p.add_argument("--incident", metavar="ID", help="incident id (default: the current one)")
    p.add_argument("--period", metavar="N", type=positive, help="default: the current period")
    _paper_options(p)
