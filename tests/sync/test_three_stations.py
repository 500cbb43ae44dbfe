"""The "Done when" scenario of issue 4, entirely through the command line.

Three stations are made with `init`, trust each other by exchanging public-key files
(`station export-key` / `station trust`, fingerprints compared with `station show`),
edit on each side (one real conflict: two stations move the same request from
"submitted" to different states), and carry full and delta packages in different
orders. Then: byte-identical `dump` on all three, the one conflict listed identically
by `conflicts list --json` everywhere, and after `conflicts resolve` on one station the
resolution travels like any edit and closes the conflict on all three.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faults import CliResult, run_cli
from helpers import DAY_MS, START_MS, FakeWall

FINGERPRINT = re.compile(r"Fingerprint: ((?:[A-Z2-7]{4} ){7}[A-Z2-7]{4})$", re.M)


@dataclass
class Node:
    name: str
    store: Path
    wall: Any

    def __call__(self, *args: str, ok: bool = True) -> CliResult:
        """Run `hcc-desktop --store STORE ARGS` on this station's clock; the clock moves
        a few seconds per command, as an operator's would."""
        res = run_cli(
            "--store", str(self.store), "--operator", f"Operator {self.name}",
            "--position", "Situation Unit Leader", *args, wall=self.wall,
        )  # fmt: skip
        self.wall.advance(7)
        if ok:
            assert res.code == 0, (self.name, args, res)
        return res

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").out)


def test_three_stations_converge_and_resolve_the_one_conflict(tmp_path: Path) -> None:
    # Clocks days apart, as offline PCs are (ahead only: an entry dated before the
    # incident started would be refused by the log itself).
    nodes = [
        Node("State EOC", tmp_path / "state" / "hcc.sqlite", FakeWall(START_MS)),
        Node("Region 1 HCC", tmp_path / "r1" / "hcc.sqlite", FakeWall(START_MS + 2 * DAY_MS)),
        Node("Region 2 HCC", tmp_path / "r2" / "hcc.sqlite", FakeWall(START_MS + 5 * 60_000)),
    ]
    state, r1, r2 = nodes
    keys = tmp_path / "keys"
    keys.mkdir()
    prints: dict[str, str] = {}
    for n in nodes:
        n.store.parent.mkdir()  # `init` makes no missing folders (a typo'd --store)
        out = n("init", "--station", n.name).out
        assert f"Station:     {n.name}" in out
        prints[n.name] = FINGERPRINT.search(n("station", "show").out).group(1)  # type: ignore[union-attr]
        exported = n("station", "export-key", str(keys / f"{n.name}.pub")).out
        assert prints[n.name] in exported
    assert len(set(prints.values())) == 3
    for n in nodes:
        for other in nodes:
            if other is not n:
                out = n("station", "trust", str(keys / f"{other.name}.pub"), "--yes").out
                # What the operator reads back over the phone must match the other screen.
                assert f"Trusted {other.name}" in out and prints[other.name] in out
        listed = n.json("station", "list")
        assert sorted(s["name"] for s in listed) == sorted(x.name for x in nodes)

    # The state EOC opens the incident and a request; everyone gets them.
    state("incidents", "create", "Ice storm", "--type", "other")
    incident = state.json("incidents", "list")[0]["id"]
    state(
        "requests", "add", "--kind", "Generator 250 kW", "--quantity", "2", "--status", "submitted"
    )
    number = state.json("requests", "list")[0]["number"]
    state("log", "add", "EOC activated at level 2")
    packages = tmp_path / "usb"
    packages.mkdir()

    def carry(src: Node, dst: Node, label: str, *extra: str) -> str:
        pkg = packages / f"{label}.hccsync"
        src("export", str(pkg), *extra)
        return dst("import", str(pkg)).out

    carry(state, r1, "state-1")
    carry(state, r2, "state-1b")
    for n in (r1, r2):
        n("incidents", "use", incident)

    # Concurrent edits: the one real conflict, and ordinary edits on every side.
    r1("requests", "set-status", number, "approved", "--note", "R1 has two in stock")
    r2("requests", "set-status", number, "denied", "--note", "R2: none available")
    r1("log", "add", "Region 1: shelters open")
    r2("log", "add", "Region 2: road closures on Route 9")
    state("log", "add", "Governor's declaration signed")

    # Packages travel in different orders, full and delta, with relays and repeats.
    carry(r2, state, "r2-full")
    carry(state, r1, "state-relay-r2")  # R2's edits reach R1 through the state EOC
    carry(r1, r2, "r1-full")
    out = carry(r1, state, "r1-delta", "--for", "State EOC")
    assert "conflicts" in out
    carry(state, r2, "state-final")
    carry(r2, r1, "r2-final", "--for", "Region 1 HCC")
    # Old sticks: everything on them is known already, which is not an error.
    assert "0 new," in r1("import", str(packages / "r2-full.hccsync")).out
    assert "no new changes" in r1("import", str(packages / "state-1.hccsync")).out

    dumps = {n.name: n("dump").out for n in nodes}
    assert len(set(dumps.values())) == 1, "the three stations do not show the same data"
    assert "Region 2: road closures on Route 9" in dumps[state.name]
    listed = {n.name: n("conflicts", "list", "--json").out for n in nodes}
    assert len(set(listed.values())) == 1, listed
    conflicts = json.loads(listed[state.name])
    assert len(conflicts) == 1, conflicts
    (conflict,) = conflicts
    assert conflict["entity"] == "request" and conflict["unit"] == "status"
    sides = {s["value"]["status"]: s for s in conflict["sides"]}
    assert set(sides) == {"approved", "denied"}
    assert {s["station"] for s in conflict["sides"]} == {r1.name, r2.name}
    assert sum(s["winner"] for s in conflict["sides"]) == 1

    # Resolve on R2 (keeping R1's approval); the resolution travels like an edit.
    keep = sides["approved"]["version_id"][:12]
    r2("conflicts", "resolve", conflict["id"][:12], "--keep", keep)
    assert r2.json("conflicts", "list") == []
    carry(r2, state, "resolution")
    carry(state, r1, "resolution-relay")
    for n in nodes:
        assert n.json("conflicts", "list") == [], n.name
        (req,) = n.json("requests", "list")
        assert req["status"] == "approved", (n.name, req)
    dumps = {n.name: n("dump").out for n in nodes}
    assert len(set(dumps.values())) == 1
    for n in nodes:
        check = n.json("check")
        assert check["ok"] is True, (n.name, check)
