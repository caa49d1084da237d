"""CPR numbers at rest: encrypted with a key from the environment (Fernet), and
findable for duplicate checks through a keyed hash, never in plain text."""

import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings


def _fernet() -> Fernet:
    return Fernet(settings.CPR_KEY.encode())


def encrypt(cpr: str) -> str:
    return _fernet().encrypt(cpr.encode()).decode() if cpr else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def lookup_hash(cpr: str) -> str:
    """A keyed hash: equal CPR numbers match, and without the key the hash cannot
    be turned back into a CPR number by trying all ten-digit numbers."""
    if not cpr:
        return ""
    key = hashlib.sha256(b"cpr-lookup:" + settings.CPR_KEY.encode()).digest()
    return hmac.new(key, cpr.encode(), hashlib.sha256).hexdigest()
