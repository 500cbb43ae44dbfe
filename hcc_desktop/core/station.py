"""Station identity: an Ed25519 key pair, a site id derived from the public key, and a
fingerprint short enough to read over the phone.

Deriving the site id from the key means a station cannot claim another's id without
its private key, which is what lets an importer check "signed by the key of the site
that made these versions".
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


@dataclass(frozen=True)
class Identity:
    site_id: str
    public_key: bytes

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_key).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def site_id_for(public_key: bytes) -> str:
    digest = hashlib.sha256(b"hcc-site\x00" + public_key).digest()
    return base64.b32encode(digest[:10]).decode("ascii").lower()


def fingerprint(public_key: bytes) -> str:
    """Eight groups of four base32 characters (160 bits), e.g. 'K3Q7 MZ2A ...'."""
    digest = hashlib.sha256(public_key).digest()[:20]
    text = base64.b32encode(digest).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_path_for(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".key")


def create_key(path: Path) -> Identity:
    """Make a key pair; the private key file is readable by its owner only."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    pub = raw_public(key.public_key())
    return Identity(site_id_for(pub), pub)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def load_identity(path: Path) -> Identity:
    pub = raw_public(load_private_key(path).public_key())
    return Identity(site_id_for(pub), pub)
