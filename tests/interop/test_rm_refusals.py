"""Bad resource messages from the command line: refused with exit 1 and one line
naming the file and the element, the store exactly as it was (every table compared)."""

from __future__ import annotations

import pytest

from tests.interop.test_rm import MSG, REQUEST, RM, reply
from tests.store_faults import snapshot
from tests.test_cli import coalition, run  # noqa: F401  (fixtures)

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<RequestResource xmlns="{msg}"><MessageID>&lol3;</MessageID></RequestResource>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<RequestResource xmlns="{msg}"><MessageID>&xxe;</MessageID></RequestResource>"""

DTD_ONLY = """<?xml version="1.0"?>
<!DOCTYPE RequestResource SYSTEM "http://example.invalid/rm.dtd">
<RequestResource xmlns="{msg}"><MessageID>X</MessageID></RequestResource>"""

NO_ID = """<RequestResource xmlns="{msg}" xmlns:rm="{rm}"><SentDateTime>2026-11-17T16:00:00Z
</SentDateTime><ResourceInformation><ResourceInfoElementID>1</ResourceInfoElementID>
<Resource><Name>Cots</Name></Resource></ResourceInformation></RequestResource>"""

NO_LINES = """<RequestResource xmlns="{msg}"><MessageID>R-9</MessageID>
<ContactInformation/></RequestResource>"""

NO_REFERENCE = """<CommitResource xmlns="{msg}" xmlns:rm="{rm}"><MessageID>C-9</MessageID>
<ResourceInformation><ResourceInfoElementID>1</ResourceInfoElementID></ResourceInformation>
</CommitResource>"""

ENVELOPE_OF_HAVE = """<EDXLDistribution xmlns="urn:oasis:names:tc:emergency:EDXL:DE:1.0">
<contentObject><xmlContent><embeddedXMLContent>
<HospitalStatus xmlns="urn:oasis:names:tc:emergency:EDXL:HAVE:1.0"/>
</embeddedXMLContent></xmlContent></contentObject></EDXLDistribution>"""

CASES = {
    "billion-laughs": (BOMB, "refused for safety"),
    "external-entity": (EXTERNAL, "refused for safety"),
    "dtd": (DTD_ONLY, "contains a DTD"),
    "not-well-formed": ("<RequestResource><MessageID>x</RequestResource>", "not well-formed"),
    "wrong-root": ("<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'/>", "root element <alert>"),
    "unhandled-type": (
        f"<RequestQuote xmlns='{MSG}'><MessageID>Q</MessageID></RequestQuote>",
        "root element <RequestQuote> is not an EDXL-RM message this program reads",
    ),
    "missing-message-id": (NO_ID, "RequestResource/MessageID is missing"),
    "missing-resource-lines": (NO_LINES, "RequestResource/ResourceInformation is missing"),
    "missing-reference": (NO_REFERENCE, "CommitResource/PrecedingMessageID"),
    "envelope-without-rm": (ENVELOPE_OF_HAVE, "carries <HospitalStatus>"),
    "reply-to-unknown-request": (
        reply("CommitResource", "C-1", "NOBODY-SENT-THIS", "Accept"),
        "PrecedingMessageID",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_naming_the_element(run, coalition, store_path, tmp_path, case) -> None:  # noqa: F811
    text, expected = CASES[case]
    f = tmp_path / f"{case}.xml"
    f.write_text(text.format(msg=MSG, rm=RM) if "{msg}" in text else text, encoding="utf-8")
    assert (
        run("incidents", "create", "Hurricane exercise", "--type", "hurricane", "--exercise").code
        == 0
    )
    before = snapshot(store_path)
    r = run("import-rm", str(f))
    assert r.code == 1, (r.out, r.err)
    assert expected in r.err and str(f) in r.err, r.err
    assert len(r.err.strip().splitlines()) == 1
    assert snapshot(store_path) == before


def test_huge_file_is_not_read(run, coalition, store_path, tmp_path) -> None:  # noqa: F811
    f = tmp_path / "huge.xml"
    pad = " " * (6 * 1024 * 1024)
    f.write_text(REQUEST.replace("<ns1:MessageID>", pad + "<ns1:MessageID>", 1), encoding="utf-8")
    before = snapshot(store_path)
    r = run("import-rm", str(f))
    assert r.code == 1 and "at most 5 MiB are read" in r.err
    assert snapshot(store_path) == before


def test_long_text_is_cut_and_said(run, coalition, tmp_path) -> None:  # noqa: F811
    f = tmp_path / "long.xml"
    long = "x" * 50_000
    f.write_text(REQUEST.replace("For the high school shelter", long), encoding="utf-8")
    assert (
        run("incidents", "create", "Hurricane exercise", "--type", "hurricane", "--exercise").code
        == 0
    )
    r = run("import-rm", str(f), "--dry-run")
    assert r.code == 0, r.err
    assert "note: Description: text of 50000 characters cut" in r.out
    assert "Dry run: nothing imported." in r.out


def test_cli_import_then_repeat_and_export(run, coalition, tmp_path) -> None:  # noqa: F811
    f = tmp_path / "rr.xml"
    f.write_text(REQUEST, encoding="utf-8")
    assert (
        run("incidents", "create", "Hurricane exercise", "--type", "hurricane", "--exercise").code
        == 0
    )
    r = run("import-rm", str(f))
    assert r.code == 0, r.err
    assert "RequestResource COUNTY-RR-77 from ems@county.example" in r.out
    assert "new request: 12 units Oxygen concentrators" in r.out
    assert "note: ResourceInformation 2/Funding not understood" in r.out
    assert "2 requests created, 0 moved, in Hurricane exercise (" in r.out
    again = run("import-rm", str(f))
    assert again.code == 0 and "Already imported: COUNTY-RR-77; nothing changed" in again.out
    number = r.out.split("Request ", 1)[1].split(" ", 1)[0]
    out = tmp_path / "answer.xml"
    e = run("export-rm", number, str(out), "--envelope")
    assert e.code == 0, e.err
    assert "ResponseToRequestResource (Provisional) in an EDXL-DE envelope" in e.out
    assert out.exists()
