"""How the sandbox keeps a demo user's password: salted PBKDF2, never the password."""

from __future__ import annotations

import hashlib

__all__ = ["hash_password"]


def hash_password(password: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 1000).hex()
