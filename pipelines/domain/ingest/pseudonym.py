"""Keyed pseudonyms for respondent IDs and emails (HMAC-SHA256, BRIEF §3).

The key comes from `TANDEM_PSEUDONYM_KEY`, or else from the workspace's key
file. With neither, Tandem refuses to run: a built-in key would let anyone who
has the source code reverse the pseudonyms of a known list of employees.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_ENV = "TANDEM_PSEUDONYM_KEY"
MIN_KEY_CHARS = 32


class MissingKeyError(RuntimeError):
    """No pseudonymization key is configured."""


def load_key(key_file: Path) -> bytes:
    """Return the key from the environment, or else from `key_file`."""
    from_env = os.environ.get(KEY_ENV, "").strip()
    if from_env:
        key = from_env
    elif key_file.exists():
        key = key_file.read_text(encoding="utf-8").strip()
    else:
        raise MissingKeyError(
            f"No pseudonymization key: set {KEY_ENV} or create {key_file} "
            "(`tandem init` creates one). Tandem never falls back to a built-in key."
        )
    if len(key) < MIN_KEY_CHARS:
        raise MissingKeyError(f"The pseudonymization key must have at least {MIN_KEY_CHARS} characters")
    return key.encode("utf-8")


def create_key_file(key_file: Path) -> bool:
    """Create a random key file (mode 600) unless one exists; True if created."""
    if key_file.exists():
        return False
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return True


def pseudonymize(value: str | None, key: bytes) -> str | None:
    """HMAC-SHA256 of the normalized identifier, hex encoded; None stays None."""
    if value is None:
        return None
    text = str(value).strip().casefold()
    if not text or text == "nan":
        return None
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
