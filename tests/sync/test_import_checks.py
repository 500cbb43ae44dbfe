"""Every refusal of the importer (SYNC.md "Import: all or nothing", "Tests that prove
it": Faults), through the real importer and through `hcc-desktop import`.

Each damaged, foreign or hostile package must be refused by a specific check, with a
message that names the file and what is wrong, and the store must be byte-for-byte
what it was: canonical dump, version set and import log. Hostile packages that pass the
signature are signed here with a trusted station's real key, because a trusted station
with a bug (or a stolen key) is exactly who could send them.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import random
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from faults import (
    Committed,
    cli_import,
    expect_refusal,
    flip_bit,
    peak_memory,
    region_of,
    run_cli,
    zip_regions,
)
from helpers import (
    ACTOR,
    OUTSIDER,
    Parts,
    RawMember,
    Station,
    claim_site,
    craft,
    deflated_zeros,
    encode_lines,
    export_full,
    import_log_count,
    raw_zip,
    read_parts,
    sign_manifest,
    tree,
    version_ids,
    with_id,
    write_zip,
)

from hcc_desktop.core.clock import MAX_VALID_MS, MIN_VALID_MS, pack
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.sync import format as fmt
from hcc_desktop.sync import importer, trust
from hcc_desktop.sync.errors import (
    BadContainer,
    BadHash,
    BadSignature,
    Malformed,
    NewerFormat,
    PackageRefused,
    Replay,
    TooLarge,
    Untrusted,
)

MiB = 2**20
StationFactory = Callable[..., Station]


# ------------------------------------------------------------------ fixtures


@pytest.fixture
def sender(make_station: StationFactory) -> Station:
    """S0 with one member and one later edit: five versions, a package of ~1.3 KB."""
    st = make_station("S0")
    oid = orgs.add_organization(
        st.store, actor=ACTOR, name="Mercy General", member_type="hospital", membership="core"
    )
    st.wall.advance(60)
    orgs.update_organization(st.store, actor=ACTOR, org_id=oid, phone="860-555-0100")
    return st


@pytest.fixture
def receiver(make_station: StationFactory) -> Station:
    """S1, which trusts S0..S5 and already holds a member of its own (so "unchanged"
    means something)."""
    st = make_station("S1")
    orgs.add_organization(
        st.store, actor=ACTOR, name="County EMS", member_type="ems", membership="core"
    )
    return st


@pytest.fixture
def genuine(sender: Station, ram_dir: Path) -> Path:
    return export_full(sender.store, ram_dir / "genuine.hccsync")


@pytest.fixture
def base(genuine: Path) -> Parts:
    return read_parts(genuine)


def refuse(
    receiver: Station, path: Path, exc: type[PackageRefused], fragment: str, **kw: Any
) -> PackageRefused:
    return expect_refusal(receiver.store, path, exc, fragment, wall=receiver.wall, **kw)


def lines_package(base: Parts, path: Path, lines: list[dict[str, Any]], signer: Station) -> Path:
    """A package of these lines (ids recomputed), hashes right, signed by `signer`."""
    return craft(base, path, changes=encode_lines(with_id(x) for x in lines), signer=signer.store)


# ------------------------------------------------------------------ the genuine article


def test_the_genuine_package_imports_and_a_replay_is_nothing_new(
    receiver: Station, genuine: Path, base: Parts
) -> None:
    """The control for every refusal below: the untouched package is accepted (exit 0
    with the report), and the same file again is "no new changes" (exit 0, nothing
    changes)."""
    res = cli_import(receiver.store, genuine, receiver.wall)
    assert res.code == 0, res
    assert f"{len(base.lines)} new, 0 already known, 0 conflicts" in res.out
    assert {x["id"] for x in base.lines} <= version_ids(receiver.store)
    dump, logged = dump_text(receiver.store), import_log_count(receiver.store)
    again = cli_import(receiver.store, genuine, receiver.wall)
    assert again.code == 0, again
    assert "no new changes" in again.out
    assert dump_text(receiver.store) == dump
    assert import_log_count(receiver.store) == logged


def test_replay_of_an_old_package_after_a_newer_one(
    sender: Station, receiver: Station, genuine: Path, ram_dir: Path
) -> None:
    """An old stick found in a drawer: its changes are all known, so it changes
    nothing, is not an error, and the newer values stay."""
    org = orgs.list_organizations(sender.store)[0]
    sender.wall.advance(60)
    orgs.update_organization(sender.store, actor=ACTOR, org_id=org.id, phone="860-555-0199")
    newer = export_full(sender.store, ram_dir / "newer.hccsync")
    assert cli_import(receiver.store, newer, receiver.wall).code == 0
    dump = dump_text(receiver.store)
    res = cli_import(receiver.store, genuine, receiver.wall)  # older, never imported here
    assert res.code == 0, res
    assert "0 new," in res.out
    assert dump_text(receiver.store) == dump
    res = cli_import(receiver.store, genuine, receiver.wall)  # and once more
    assert res.code == 0 and "no new changes" in res.out, res
    assert dump_text(receiver.store) == dump
    with receiver.store.read() as s:
        phone = s.connection().exec_driver_sql(
            "SELECT phone FROM organizations WHERE id = ?", (org.id,)
        )
        assert phone.scalar() == "860-555-0199"


def test_same_package_id_with_other_content_is_refused(
    sender: Station, receiver: Station, genuine: Path, base: Parts, ram_dir: Path
) -> None:
    """Equivocation: a validly signed package reusing an imported package id with
    other changes (a tampering station, or a bug) is refused, naming the package."""
    importer.import_package(receiver.store, genuine)
    lines = base.lines
    lines[-1]["value"] = "860-555-0666"
    other = lines_package(base, ram_dir / "equivocation.hccsync", lines, sender)
    assert read_parts(other).manifest["package_id"] == base.manifest["package_id"]
    exc = refuse(receiver, other, Replay, "imported before with other content")
    assert base.manifest["package_id"] in str(exc)


# ------------------------------------------------------------------ trust and signature


def test_untrusted_sender_shows_its_fingerprint(
    make_station: StationFactory, receiver: Station, ram_dir: Path
) -> None:
    outsider = make_station(OUTSIDER)
    orgs.add_organization(
        outsider.store, actor=ACTOR, name="Stranger Clinic", member_type="hospital",
        membership="core",
    )  # fmt: skip
    pkg = export_full(outsider.store, ram_dir / "outsider.hccsync")
    fp = outsider.store.identity.fingerprint
    exc = refuse(receiver, pkg, Untrusted, f"fingerprint {fp}")
    assert "not trusted here" in str(exc) and repr(OUTSIDER) in str(exc)


def test_revoked_sender_is_refused(receiver: Station, genuine: Path) -> None:
    res = run_cli("--store", str(receiver.path), "station", "revoke", "S0", wall=receiver.wall)
    assert res.code == 0, res
    refuse(receiver, genuine, Untrusted, "is revoked")


def test_bad_signature_from_another_manifest(receiver: Station, base: Parts, ram_dir: Path) -> None:
    """The manifest changed after signing (here: the vector, which decides what a
    later delta holds) while the old signature was kept."""
    path = craft(
        base, ram_dir / "bad-sig.hccsync", manifest_edit={"vector": {}}, keep_signature=True
    )
    refuse(receiver, path, BadSignature, "signature does not match: not signed by S0's key")


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda sig: {**sig, "alg": "rsa"}, "is not an Ed25519 signature"),
        (lambda sig: {**sig, "sig": 17}, "is not an Ed25519 signature"),
        (lambda sig: [sig], "is not an Ed25519 signature"),
        (lambda sig: {**sig, "sig": "not base64 !!"}, "signature does not match"),
        (lambda sig: {**sig, "sig": base64.b64encode(b"\0" * 64).decode()}, "does not match"),
    ],
    ids=["other-alg", "sig-not-text", "not-an-object", "not-base64", "zero-signature"],
)
def test_damaged_signature_member(
    receiver: Station,
    base: Parts,
    ram_dir: Path,
    edit: Callable[[Any], Any],
    fragment: str,
) -> None:
    path = write_zip(
        ram_dir / "sig.hccsync",
        [
            (fmt.MANIFEST, base.manifest_bytes),
            (fmt.CHANGES, base.changes),
            (fmt.SIGNATURE, json.dumps(edit(base.signature)).encode()),
        ],
    )
    refuse(receiver, path, BadSignature, fragment)


def test_resigned_with_an_unknown_key(
    make_station: StationFactory, receiver: Station, base: Parts, ram_dir: Path
) -> None:
    """Edited changes, hashes recomputed, and signed by a key nobody trusts while the
    manifest still names S0."""
    outsider = make_station(OUTSIDER)
    lines = base.lines
    lines[0]["value"] = "Mallory Memorial"
    path = lines_package(base, ram_dir / "resigned.hccsync", lines, outsider)
    refuse(receiver, path, BadSignature, "a station cannot sign for another")
    # ... and lies about whose it is.
    lying = claim_site(
        read_parts(path), ram_dir / "resigned-lying.hccsync", base.manifest["origin"]["site_id"]
    )
    refuse(receiver, lying, BadSignature, "signature does not match: not signed by S0's key")


def test_trusted_key_claiming_another_stations_site(
    make_station: StationFactory, receiver: Station, base: Parts, ram_dir: Path
) -> None:
    """S2 is trusted by the receiver, but may not speak for S0: neither by naming S0's
    site in its own signature record, nor by signing a manifest that says "from S0"."""
    s2 = make_station("S2")
    lines = base.lines
    lines[0]["value"] = "Impostor General"
    path = lines_package(base, ram_dir / "claim.hccsync", lines, s2)
    s0_site = base.manifest["origin"]["site_id"]
    refuse(
        receiver, path, BadSignature,
        f"signed for site {s2.store.site_id!r} but the manifest says it comes from S0 "
        f"(site {s0_site}); a station cannot sign for another",
    )  # fmt: skip
    # Same, but the signature record also claims S0's site id.
    parts = read_parts(path)
    forged = claim_site(parts, ram_dir / "claim2.hccsync", s0_site)
    refuse(receiver, forged, BadSignature, "not signed by S0's key")
    # And with S2's public key pasted into the origin: the receiver uses the key it
    # trusts for S0's site, not the one the package offers.
    manifest = parts.manifest
    manifest["origin"]["public_key"] = s2.store.identity.public_key_b64
    m_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    pasted = craft(parts, ram_dir / "claim3.hccsync", manifest_bytes=m_bytes, signer=s2.store)
    refuse(receiver, pasted, BadSignature, "a station cannot sign for another")


def test_key_file_claiming_another_site_is_not_trusted(
    make_station: StationFactory, receiver: Station, sender: Station, ram_dir: Path
) -> None:
    """`station trust` of a key file whose site id is S0's but whose key is another's:
    refused (exit 1, naming the file), and the trust list is unchanged."""
    outsider = make_station(OUTSIDER)
    key_file = ram_dir / "x9.pub.json"
    trust.export_key(outsider.store, key_file)
    body = json.loads(key_file.read_text())
    body["site_id"] = sender.store.site_id
    key_file.write_text(json.dumps(body))
    before = trust.list_stations(receiver.store)
    res = run_cli("--store", str(receiver.path), "station", "trust", str(key_file), "--yes")
    assert res.code == 1, res
    assert f"{key_file}: site_id" in res.err and "does not belong to this key" in res.err
    assert trust.list_stations(receiver.store) == before


# ------------------------------------------------------------------ damaged files


def test_truncated_at_every_length(receiver: Station, genuine: Path, ram_dir: Path) -> None:
    """A copy cut short anywhere (a pulled stick) is refused as corrupt or truncated;
    the store takes no commit at any length. The CLI is run on a sample of lengths."""
    data = genuine.read_bytes()
    before = dump_text(receiver.store)
    probe = Committed(receiver.path)
    cut = ram_dir / "cut.hccsync"
    cli_lengths = {0, 1, 21, 22, len(data) // 2, len(data) - 22, len(data) - 1}
    try:
        for n in range(len(data)):
            cut.write_bytes(data[:n])
            with pytest.raises(PackageRefused) as info:
                importer.import_package(receiver.store, cut)
            exc = info.value
            assert type(exc) is BadContainer, (n, str(exc))
            assert str(exc) == f"{cut}: container: not a package: the file is corrupt or truncated"
            assert not probe.since_mark(), f"a commit after refusing length {n}"
            if n in cli_lengths:
                res = cli_import(receiver.store, cut, receiver.wall)
                assert res.code == 1 and "corrupt or truncated" in res.err, (n, res)
                assert str(cut) in res.err
    finally:
        probe.close()
    assert dump_text(receiver.store) == before
    assert import_log_count(receiver.store) == 0


def test_every_single_bit_flip(
    receiver: Station, genuine: Path, base: Parts, ram_dir: Path
) -> None:
    """All 8 x size single-bit flips of a small package are refused, by the importer
    (no traceback, no commit) with a message naming the file, and naming the member
    when the bit is in a member's header or data.

    The receiver imported the untouched package first, so a flip that only changes
    bits the format does not authenticate (a ZIP timestamp, a spare deflate bit) is
    refused as "same package id, other content" rather than imported twice; for those
    the test also proves that what would be imported is exactly the signed content."""
    importer.import_package(receiver.store, genuine)
    data = genuine.read_bytes()
    regions = zip_regions(data)
    signed_rows = importer.check_package(receiver.store, genuine).rows
    before = dump_text(receiver.store)
    logged = import_log_count(receiver.store)
    probe = Committed(receiver.path)
    bad = ram_dir / "flipped.hccsync"
    seen: Counter[str] = Counter()
    rng = random.Random(4)
    cli_bits = set(rng.sample(range(len(data) * 8), 12))
    try:
        for bit in range(len(data) * 8):
            bad.write_bytes(flip_bit(data, bit))
            where = region_of(regions, bit // 8)
            with pytest.raises(PackageRefused) as info:
                importer.import_package(receiver.store, bad)
            exc = info.value
            text = str(exc)
            assert text.startswith(f"{bad}: {exc.check}: "), (bit, text)
            seen[type(exc).__name__] += 1
            if isinstance(exc, Replay):
                checked = importer.check_package(receiver.store, bad)
                assert checked.rows == signed_rows, f"bit {bit}: accepted other content"
                assert checked.manifest == base.manifest
            elif where.kind in ("local header", "data"):
                assert where.member in text, (bit, where, text)
            assert not probe.since_mark(), f"a commit after refusing bit {bit}"
            if bit in cli_bits:
                res = cli_import(receiver.store, bad, receiver.wall)
                assert res.code == 1, (bit, res)
                assert res.err.startswith(f"hcc-desktop: {bad}: "), (bit, res)
                probe.mark()  # the CLI's own store opening may write (catalog sync)
    finally:
        probe.close()
    assert dump_text(receiver.store) == before
    assert import_log_count(receiver.store) == logged
    # Most flips must be caught by the container's own checks (CRC, headers).
    assert seen["BadContainer"] > 0.8 * sum(seen.values()), seen


def test_edited_payload_rezipped_keeps_old_hash(
    receiver: Station, base: Parts, ram_dir: Path
) -> None:
    """changes.ndjson edited and the ZIP rebuilt (so its CRC is right), manifest and
    signature kept: the SHA-256 in the signed manifest catches it."""
    body = base.changes.replace(b"Mercy General", b"Mercy Generic")
    assert body != base.changes
    path = craft(base, ram_dir / "edited.hccsync", changes=body, rehash=False, keep_signature=True)
    refuse(receiver, path, BadHash, "changes.ndjson does not match its SHA-256 in the manifest")


def test_edited_payload_with_rehashed_manifest(
    receiver: Station, base: Parts, ram_dir: Path
) -> None:
    """The forger also fixes the hashes in the manifest: now the signature fails."""
    body = base.changes.replace(b"Mercy General", b"Mercy Generic")
    path = craft(base, ram_dir / "rehashed.hccsync", changes=body, keep_signature=True)
    refuse(receiver, path, BadSignature, "signature does not match")


def test_line_count_that_disagrees_with_the_manifest(
    sender: Station, receiver: Station, base: Parts, ram_dir: Path
) -> None:
    manifest = base.manifest
    manifest["members"][fmt.CHANGES]["lines"] += 1
    m_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    path = write_zip(
        ram_dir / "lines.hccsync",
        [
            (fmt.MANIFEST, m_bytes),
            (fmt.CHANGES, base.changes),
            (fmt.SIGNATURE, sign_manifest(m_bytes, sender.store)),
        ],
    )
    n = len(base.lines)
    refuse(receiver, path, BadHash, f"changes.ndjson has {n} lines, the manifest says {n + 1}")


@pytest.mark.parametrize(
    ("members", "fragment"),
    [
        (["M", "C", "S", ("notes.txt", b"hello")], "unexpected member 'notes.txt'"),
        (["M", "C"], "member manifest.sig is missing"),
        (["M", "S"], "member changes.ndjson is missing"),
        (["C", "S"], "member manifest.json is missing"),
        ([("Manifest.json", None), "C", "S"], "unexpected member 'Manifest.json'"),
        (["M", ("changes.json", None), "S"], "unexpected member 'changes.json'"),
        (["M", "C", "S", "C"], "duplicate member names"),
        ([], "member manifest.json is missing"),
    ],
    ids=["extra", "no-sig", "no-changes", "no-manifest", "renamed-manifest",
         "renamed-changes", "duplicate", "empty-zip"],
)  # fmt: skip
def test_extra_missing_renamed_or_duplicate_members(
    receiver: Station, base: Parts, ram_dir: Path, members: list[Any], fragment: str
) -> None:
    real = {
        "M": (fmt.MANIFEST, base.manifest_bytes),
        "C": (fmt.CHANGES, base.changes),
        "S": (fmt.SIGNATURE, base.signature_bytes),
    }
    out = []
    for item in members:
        if isinstance(item, str):
            out.append(real[item])
        else:
            name, data = item
            if data is None:  # renamed: the data of the member it imitates
                data = next(
                    d for n, d in real.values() if n.split(".")[0] == name.split(".")[0].lower()
                )
            out.append((name, data))
    path = ram_dir / "members.hccsync"
    with pytest.warns(UserWarning) if "duplicate" in fragment else contextlib.nullcontext():
        write_zip(path, out)
    refuse(receiver, path, BadContainer, fragment)


@pytest.mark.parametrize(
    "name",
    [
        "../evil.hccsync",
        "../../../../../../tmp/hcc-evil.txt",
        "/tmp/hcc-evil.txt",
        "..\\..\\evil.txt",
        "C:/Windows/Temp/hcc-evil.txt",
        "sub/../../manifest.json",
        "./manifest.json",
    ],
)
def test_path_traversal_names_write_nothing(
    receiver: Station, base: Parts, ram_dir: Path, name: str
) -> None:
    """A member named to escape the folder is refused by the allow-list, and no file
    appears anywhere: the package is read in memory, never extracted."""
    work = ram_dir / "deep" / "inside"
    work.mkdir(parents=True)
    path = write_zip(
        work / "traversal.hccsync",
        [
            (fmt.MANIFEST, base.manifest_bytes),
            (fmt.CHANGES, base.changes),
            (fmt.SIGNATURE, base.signature_bytes),
            (name, b"owned\n"),
        ],
    )
    targets = [Path("/tmp/hcc-evil.txt"), ram_dir / "evil.hccsync", ram_dir / "deep" / "evil.txt"]

    def outside_the_store() -> list[Any]:
        """Every file under the test's folder except the receiving store's own folder
        (where opening a store may create its WAL and backup files)."""
        return [e for e in tree(ram_dir) if not e[0].startswith(receiver.path.parent.name)]

    before = outside_the_store()
    assert not any(t.exists() for t in targets)
    refuse(receiver, path, BadContainer, f"unexpected member {name!r}")
    assert outside_the_store() == before
    assert not any(t.exists() for t in targets)
    # The same name in place of a real member (exactly three members, one escaping).
    swapped = write_zip(
        work / "swapped.hccsync",
        [
            (name, base.manifest_bytes),
            (fmt.CHANGES, base.changes),
            (fmt.SIGNATURE, base.signature_bytes),
        ],
    )
    before = outside_the_store()
    refuse(receiver, swapped, BadContainer, f"unexpected member {name!r}")
    assert outside_the_store() == before
    assert not any(t.exists() for t in targets)


# ------------------------------------------------------------------ sizes and bombs


def test_file_over_the_size_cap(receiver: Station, ram_dir: Path) -> None:
    """A sparse file one byte over 256 MiB: refused by its size alone, before a byte
    of it is read."""
    path = ram_dir / "huge.hccsync"
    with path.open("wb") as fh:
        fh.truncate(fmt.MAX_FILE + 1)
    with peak_memory() as mem:
        refuse(receiver, path, TooLarge, "packages are at most 256 MiB", cli_too=False)
    assert mem["peak"] < 8 * MiB, mem
    res = cli_import(receiver.store, path, receiver.wall)
    assert res.code == 1 and "at most 256 MiB" in res.err, res


def _crc_of_zeros(n: int) -> int:
    crc, block = 0, b"\0" * MiB
    for _ in range(n // MiB):
        crc = zlib.crc32(block, crc)
    return crc


def test_zip_bomb_with_honest_header(receiver: Station, base: Parts, ram_dir: Path) -> None:
    """changes.ndjson inflates to 1 GiB and says so: refused from the header, before
    inflating anything, in bounded memory."""
    size = 1024 * MiB
    path = raw_zip(
        ram_dir / "bomb.hccsync",
        [
            RawMember(fmt.MANIFEST, base.manifest_bytes),
            RawMember(
                fmt.CHANGES, deflated_zeros(size), zipfile.ZIP_DEFLATED, crc=0, file_size=size
            ),
            RawMember(fmt.SIGNATURE, base.signature_bytes),
        ],
    )
    assert path.stat().st_size < 2 * MiB
    with peak_memory() as mem:
        refuse(receiver, path, TooLarge, "changes.ndjson unpacks to more than 512 MiB")
    assert mem["peak"] < 16 * MiB, mem


def test_zip_bomb_with_lying_size_header(receiver: Station, base: Parts, ram_dir: Path) -> None:
    """The header claims the genuine small size (and CRC) while the data inflates to
    256 MiB of zeros: reading stops at the claimed size and the damage is reported;
    peak memory stays a few MiB."""
    size = 256 * MiB
    path = raw_zip(
        ram_dir / "liar.hccsync",
        [
            RawMember(fmt.MANIFEST, base.manifest_bytes),
            RawMember(
                fmt.CHANGES,
                deflated_zeros(size),
                zipfile.ZIP_DEFLATED,
                crc=zlib.crc32(base.changes),
                file_size=len(base.changes),
            ),
            RawMember(fmt.SIGNATURE, base.signature_bytes),
        ],
    )
    with peak_memory() as mem:
        refuse(receiver, path, BadContainer, "changes.ndjson is damaged")
    assert mem["peak"] < 16 * MiB, mem


def test_signed_bomb_streams_in_bounded_memory(
    sender: Station, receiver: Station, base: Parts, ram_dir: Path
) -> None:
    """A trusted station signs a manifest declaring 128 MiB of changes with the right
    hash: the hash is checked while streaming, and the first "line" (128 MiB without a
    line end) is refused at 1 MiB, never held whole."""
    size = 128 * MiB
    digest = hashlib.sha256()
    for _ in range(size // MiB):
        digest.update(b"\0" * MiB)
    manifest = base.manifest
    manifest["members"] = {fmt.CHANGES: {"sha256": digest.hexdigest(), "size": size, "lines": 0}}
    m_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    path = raw_zip(
        ram_dir / "signed-bomb.hccsync",
        [
            RawMember(fmt.MANIFEST, m_bytes),
            RawMember(
                fmt.CHANGES, deflated_zeros(size), zipfile.ZIP_DEFLATED,
                crc=_crc_of_zeros(size), file_size=size,
            ),
            RawMember(fmt.SIGNATURE, sign_manifest(m_bytes, sender.store)),
        ],
    )  # fmt: skip
    with peak_memory() as mem:
        refuse(receiver, path, Malformed, "changes.ndjson line 1: longer than 1 MiB", cli_too=False)
    assert mem["peak"] < 24 * MiB, mem


def test_manifest_bomb(receiver: Station, base: Parts, ram_dir: Path) -> None:
    """manifest.json inflating to 256 MiB (under the member cap, far over the manifest
    cap): reading stops at 4 MiB."""
    size = 256 * MiB
    path = raw_zip(
        ram_dir / "manifest-bomb.hccsync",
        [
            RawMember(fmt.MANIFEST, deflated_zeros(size), zipfile.ZIP_DEFLATED,
                      crc=_crc_of_zeros(size), file_size=size),
            RawMember(fmt.CHANGES, base.changes),
            RawMember(fmt.SIGNATURE, base.signature_bytes),
        ],
    )  # fmt: skip
    with peak_memory() as mem:
        refuse(receiver, path, TooLarge, f"manifest.json is larger than {fmt.MAX_MANIFEST} bytes")
    assert mem["peak"] < 24 * MiB, mem


def test_member_and_declared_sizes_over_the_caps(
    sender: Station, receiver: Station, base: Parts, ram_dir: Path
) -> None:
    big_sig = write_zip(
        ram_dir / "big-sig.hccsync",
        [
            (fmt.MANIFEST, base.manifest_bytes),
            (fmt.CHANGES, base.changes),
            (fmt.SIGNATURE, b" " * (fmt.MAX_SIGNATURE + 1)),
        ],
    )
    refuse(receiver, big_sig, TooLarge, f"manifest.sig is larger than {fmt.MAX_SIGNATURE} bytes")
    manifest = base.manifest
    manifest["members"][fmt.CHANGES]["size"] = fmt.MAX_MEMBER + 1
    m_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    declared = write_zip(
        ram_dir / "declared.hccsync",
        [
            (fmt.MANIFEST, m_bytes),
            (fmt.CHANGES, base.changes),
            (fmt.SIGNATURE, sign_manifest(m_bytes, sender.store)),
        ],
    )
    refuse(receiver, declared, TooLarge, f"changes.ndjson declares {fmt.MAX_MEMBER + 1} bytes")


# ------------------------------------------------------------------ hostile content


def test_ten_mib_text_field(sender: Station, receiver: Station, base: Parts, ram_dir: Path) -> None:
    lines = base.lines
    lines[1]["value"] = "x" * (10 * MiB)
    path = lines_package(base, ram_dir / "10mib.hccsync", lines, sender)
    refuse(receiver, path, Malformed, "changes.ndjson line 2: longer than 1 MiB")


def test_text_field_over_64_kib(
    sender: Station, receiver: Station, base: Parts, ram_dir: Path
) -> None:
    """Fits in a line, but no field of the program holds 64 KiB of text."""
    lines = base.lines
    lines[1]["value"] = "y" * (fmt.MAX_TEXT + 1)
    path = lines_package(base, ram_dir / "65kib.hccsync", lines, sender)
    refuse(receiver, path, Malformed, "changes.ndjson line 2: a text field is longer than 64 KiB")


def _incident_line(sender: Station, region_ids: Any) -> dict[str, Any]:
    """A version of incident.region_ids (a JSON column: any shape is the right type, so
    only the depth and number checks can refuse it)."""
    return with_id(
        {
            "id": "",
            "entity": "incident",
            "record_id": "0190f0e0-0000-7000-8000-000000000001",
            "unit": "region_ids",
            "value": region_ids,
            "hlc": pack(sender.wall(), 7),
            "site": sender.store.site_id,
            "parent": None,
            "operator": ACTOR.label,
            "resolves": None,
        }
    )


def _nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


def test_deep_json(sender: Station, receiver: Station, base: Parts, ram_dir: Path) -> None:
    """Within the depth cap a nested value is accepted; past it, and far past it (where
    a recursive parser would overflow the stack), it is refused by line."""
    ok = lines_package(
        base,
        ram_dir / "deep-ok.hccsync",
        [*base.lines, _incident_line(sender, _nested(20))],
        sender,
    )
    assert importer.check_package(receiver.store, ok).rows[-1].unit == "region_ids"
    n = len(base.lines) + 1
    deep = lines_package(
        base, ram_dir / "deep.hccsync", [*base.lines, _incident_line(sender, _nested(40))], sender
    )
    refuse(receiver, deep, Malformed, f"changes.ndjson line {n}: nested deeper than 32 levels")
    very = base.changes + b'{"value":' + b"[" * 200_000 + b"]" * 200_000 + b"}\n"
    very_deep = craft(base, ram_dir / "very-deep.hccsync", changes=very, signer=sender.store)
    refuse(receiver, very_deep, Malformed, f"changes.ndjson line {n}: nested deeper than 32 levels")


@pytest.mark.parametrize(
    ("literal", "fragment"),
    [
        (b"NaN", "NaN is not allowed"),
        (b"Infinity", "Infinity is not allowed"),
        (b"-Infinity", "-Infinity is not allowed"),
        (b"1e999", "a number is not finite"),
        (b"[1, NaN]", "NaN is not allowed"),
    ],
)
def test_nan_and_infinity(
    sender: Station, receiver: Station, base: Parts, ram_dir: Path, literal: bytes, fragment: str
) -> None:
    line = encode_lines([_incident_line(sender, "PLACEHOLDER")]).replace(b'"PLACEHOLDER"', literal)
    path = craft(base, ram_dir / "nan.hccsync", changes=base.changes + line, signer=sender.store)
    refuse(receiver, path, Malformed, f"changes.ndjson line {len(base.lines) + 1}: {fragment}")


def test_invalid_utf8_and_lone_surrogates(
    sender: Station, receiver: Station, base: Parts, ram_dir: Path
) -> None:
    raw = base.changes.replace(b"Mercy General", b"Mercy \xff\xfe General")
    path = craft(base, ram_dir / "utf8.hccsync", changes=raw, signer=sender.store)
    line = 1 + base.changes.split(b"\n").index(
        next(x for x in base.changes.split(b"\n") if b"Mercy General" in x)
    )
    refuse(receiver, path, Malformed, f"changes.ndjson line {line}: not valid UTF-8")
    surrogate = base.changes.replace(b"Mercy General", b"Mercy \\ud800 General")
    path = craft(base, ram_dir / "surrogate.hccsync", changes=surrogate, signer=sender.store)
    refuse(receiver, path, Malformed, f"changes.ndjson line {line}: text is not valid Unicode")
    bad_manifest = base.manifest_bytes.replace(b'"S0"', b'"S\xff"')
    path = write_zip(
        ram_dir / "manifest-utf8.hccsync",
        [
            (fmt.MANIFEST, bad_manifest),
            (fmt.CHANGES, base.changes),
            (fmt.SIGNATURE, sign_manifest(bad_manifest, sender.store)),
        ],
    )
    refuse(receiver, path, Malformed, "manifest.json: not valid JSON")


@pytest.mark.parametrize(
    ("edit", "exc", "fragment"),
    [
        ({"format": "hccsync/2"}, NewerFormat, "made in format hccsync/2 by a newer hcc-desktop: upgrade to import"),
        ({"format": "hccsync/17.3"}, NewerFormat, "upgrade to import"),
        ({"schema": "ffff_from_2031"}, NewerFormat, "schema 'ffff_from_2031' is newer than this hcc-desktop knows: upgrade to import"),
        ({"format": "hccsync/0"}, Malformed, "format hccsync/0 is no longer read"),
        ({"format": "tarball/1"}, Malformed, "manifest.json: format: not an hccsync package"),
        ({"vector": {"S0": -1}}, Malformed, "manifest.json: vector: expected site id → stamp"),
        ({"vector": {"aaaaaaaaaaaaaaaa": 2**70}}, Malformed, "manifest.json: vector"),
        ({"package_id": 7}, Malformed, "manifest.json: package_id: expected an id"),
    ],
    ids=["format-2", "format-17", "schema", "format-0", "not-hccsync", "vector-names",
         "vector-overflow", "package-id"],
)  # fmt: skip
def test_newer_or_foreign_format(
    sender: Station,
    receiver: Station,
    base: Parts,
    ram_dir: Path,
    edit: dict[str, Any],
    exc: type[PackageRefused],
    fragment: str,
) -> None:
    path = craft(base, ram_dir / "format.hccsync", manifest_edit=edit, signer=sender.store)
    refuse(receiver, path, exc, fragment)


def _future_hlc(line: dict[str, Any]) -> None:
    line["hlc"] = pack(MAX_VALID_MS + 1, 0)


MALFORMED_LINES: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("not-json", lambda x: b'{"id": "abc", ', "not JSON"),
    ("blank", lambda x: b"", "not JSON (Expecting value)"),
    ("array", lambda x: b"[1, 2, 3]", "expected an object with exactly the keys"),
    (
        "missing-key",
        lambda x: json.dumps({k: v for k, v in x.items() if k != "operator"}).encode(),
        "expected an object with exactly the keys",
    ),
    ("extra-key", lambda x: x.update(colour="red"), "expected an object with exactly the keys"),
    ("wrong-id", lambda x: b"ID", "id does not match the version's content"),
    ("unknown-unit", lambda x: x.update(unit="colour"), "unknown merge unit organization.colour"),
    ("unknown-entity", lambda x: x.update(entity="spaceship"), "unknown merge unit spaceship."),
    ("hlc-1999", lambda x: x.update(hlc=pack(MIN_VALID_MS - 1, 0)), "hlc outside 2020–2100"),
    ("hlc-2100", _future_hlc, "hlc outside 2020–2100"),
    ("hlc-text", lambda x: x.update(hlc="123"), "hlc: expected a positive 64-bit integer"),
    ("hlc-bool", lambda x: x.update(hlc=True), "hlc: expected a positive 64-bit integer"),
    ("hlc-huge", lambda x: x.update(hlc=2**64), "hlc: expected a positive 64-bit integer"),
    ("value-type", lambda x: x.update(value={"a": 1}), "value: organization."),
    ("site", lambda x: x.update(site="../../etc"), "site: expected a site id"),
    ("parent", lambda x: x.update(parent="not-a-version"), "parent: expected a version id"),
    ("resolves", lambda x: x.update(resolves=["zz"]), "resolves: expected a list of version ids"),
    ("operator", lambda x: x.update(operator="o" * 201), "operator: expected text of 1 to 200"),
    ("record-id", lambda x: x.update(record_id=""), "record_id: expected text of 1 to 36"),
]


@pytest.mark.parametrize(
    ("breakage", "fragment"),
    [(b, f) for _, b, f in MALFORMED_LINES],
    ids=[n for n, _, _ in MALFORMED_LINES],
)
def test_malformed_line_n(
    sender: Station,
    receiver: Station,
    base: Parts,
    ram_dir: Path,
    breakage: Callable[[dict[str, Any]], Any],
    fragment: str,
) -> None:
    """Line 3 of 5 is broken; the message gives its number and what is wrong with it."""
    lines = base.lines
    assert len(lines) == 5
    raw = [json.dumps(with_id(x), sort_keys=True, separators=(",", ":")).encode() for x in lines]
    broken = dict(lines[2])
    out = breakage(broken)
    if out == b"ID":
        broken = with_id(broken)
        broken["id"] = "0" * 64
        raw[2] = json.dumps(broken, sort_keys=True).encode()
    elif isinstance(out, bytes):
        raw[2] = out
    else:
        raw[2] = json.dumps(with_id(broken), sort_keys=True).encode()
    path = craft(
        base, ram_dir / "line3.hccsync", changes=b"\n".join(raw) + b"\n", signer=sender.store
    )
    refuse(receiver, path, Malformed, f"changes.ndjson line 3: {fragment}")


def test_last_line_without_line_end(
    sender: Station, receiver: Station, base: Parts, ram_dir: Path
) -> None:
    path = craft(base, ram_dir / "no-eol.hccsync", changes=base.changes[:-1], signer=sender.store)
    refuse(receiver, path, Malformed, f"changes.ndjson line {len(base.lines)}: no line end")


def test_value_sqlite_cannot_store_rolls_back(
    sender: Station,
    receiver: Station,
    base: Parts,
    ram_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defence in depth: should a wrongly typed value get past the line checks (here
    they are switched off), the failure inside the transaction is still reported as the
    package's fault, and the transaction leaves nothing behind."""
    monkeypatch.setattr(fmt, "check_value", lambda *a: None)
    lines = base.lines
    lines[0]["value"] = {"not": "a name"}
    path = lines_package(base, ram_dir / "unstorable.hccsync", lines, sender)
    refuse(receiver, path, Malformed, "changes.ndjson: a value cannot be stored", cli_too=False)
