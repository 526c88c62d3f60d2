"""People who sign in to the web application, their sessions, and the four-eyes setting.

Users have the same roles as API keys (:data:`dualuse.service.keys.ROLES`:
screener < reviewer < admin). Passwords are stored as scrypt hashes
(:func:`hashlib.scrypt`, n=2**14, r=8, p=1, a 16-byte random salt: the
parameters OWASP's Password Storage Cheat Sheet gives for scrypt's minimum).
A session is a random 256-bit cookie value; only its SHA-256 is stored, with
a CSRF token, its expiry and when it ended (sign-out). Creating or disabling
a user and changing the four-eyes setting are audit records.

Four eyes: when the setting ``four_eyes`` is on, a person may not decide an
alert that their own screening opened (see :func:`four_eyes_problem`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from dualuse.service.keys import ROLES
from dualuse.storage import chain
from dualuse.storage.db import Database
from dualuse.storage.models import Setting, WebSession, WebUser

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_CHARS = 10
SESSION_HOURS = 8
USERNAME = re.compile(r"^[A-Za-z0-9._@-]{2,100}$")
FOUR_EYES_SETTING = "four_eyes"


class UserError(ValueError):
    """A user operation that cannot be done; ``status`` is the HTTP status it maps to."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class UserInfo:
    """A web user (never the password hash).

    Attributes:
        id, username, role: identity and role.
        created_at, created_by, disabled_at: history (``disabled_at`` is ``None`` while active).
    """

    id: int
    username: str
    role: str
    created_at: str
    created_by: str
    disabled_at: str | None

    @property
    def actor(self) -> str:
        """How this user's actions are recorded: ``user:<username>``."""
        return f"user:{self.username}"

    def allows(self, role: str) -> bool:
        """True when this user's role includes ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class SessionInfo:
    """A live session: its user and CSRF token."""

    user: UserInfo
    csrf_token: str
    expires_at: str


def _info(row: WebUser) -> UserInfo:
    return UserInfo(row.id, row.username, row.role, row.created_at, row.created_by, row.disabled_at)


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` for ``password`` (hex salt and hash)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """True when ``password`` matches a :func:`hash_password` value (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


def create_user(db: Database, username: str, role: str, password: str, actor: str, channel: str = "cli") -> UserInfo:
    """Add a person who may sign in.

    Raises:
        UserError: bad user name (2-100 of letters, digits, ``._@-``), unknown role,
            password shorter than 10 characters, user name taken (409).
    """
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise UserError(f"user name {username!r}: expected 2-100 letters, digits or . _ @ -")
    if role not in ROLES:
        raise UserError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise UserError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    with db.write() as session:
        if session.scalar(select(WebUser).where(WebUser.username == username)) is not None:
            raise UserError(f"user {username!r} exists already", 409)
        row = WebUser(username=username, role=role, password_hash=hash_password(password), created_at=chain.utc_now(), created_by=actor[:200])
        session.add(row)
        session.flush()
        chain.append(session, "user_create", actor, channel, {"id": row.id, "username": username, "role": role}, subject=f"user:{row.id}")
        return _info(row)


def list_users(db: Database) -> list[UserInfo]:
    """Every user, disabled ones included, in creation order."""
    with db.read() as session:
        return [_info(row) for row in session.scalars(select(WebUser).order_by(WebUser.id))]


def disable_user(db: Database, username: str, actor: str, channel: str = "cli") -> UserInfo:
    """Disable a user (kept, marked disabled) and end their sessions.

    Raises:
        UserError: unknown user (404) or disabled already (409).
    """
    with db.write() as session:
        row = session.scalar(select(WebUser).where(WebUser.username == username))
        if row is None:
            raise UserError(f"no user {username!r}", 404)
        if row.disabled_at:
            raise UserError(f"user {username!r} was disabled at {row.disabled_at}", 409)
        now = chain.utc_now()
        row.disabled_at = now
        row.disabled_by = actor[:200]
        for live in session.scalars(select(WebSession).where(WebSession.user_id == row.id, WebSession.ended_at.is_(None))):
            live.ended_at = now
        session.flush()
        chain.append(session, "user_disable", actor, channel, {"id": row.id, "username": username, "role": row.role}, subject=f"user:{row.id}")
        return _info(row)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sign_in(db: Database, username: str, password: str, hours: float = SESSION_HOURS) -> tuple[str, SessionInfo] | None:
    """Check a user name and password; on success start a session.

    Returns:
        ``(cookie value, session)``, or ``None`` for an unknown or disabled
        user or a wrong password (the caller shows one message for all three).
    """
    with db.read() as session:
        row = session.scalar(select(WebUser).where(WebUser.username == (username or "").strip()))
        stored = row.password_hash if row is not None else hash_password("x" * MIN_PASSWORD_CHARS)  # same work either way
        ok = check_password(password or "", stored) and row is not None and not row.disabled_at
        if not ok:
            return None
        user = _info(row)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.timezone.utc)
    expires = _stamp(now + dt.timedelta(hours=hours))
    with db.write() as session:
        session.add(WebSession(token_hash=_digest(token), user_id=user.id, csrf_token=csrf, created_at=_stamp(now), expires_at=expires))
    return token, SessionInfo(user, csrf, expires)


def session_of(db: Database, token: str | None) -> SessionInfo | None:
    """The live session of a cookie value, or ``None`` (unknown, expired, signed out, user disabled)."""
    if not token or len(token) > 200:
        return None
    with db.read() as session:
        row = session.get(WebSession, _digest(token))
        if row is None or row.ended_at or row.expires_at <= chain.utc_now():
            return None
        user = session.get(WebUser, row.user_id)
        if user is None or user.disabled_at:
            return None
        return SessionInfo(_info(user), row.csrf_token, row.expires_at)


def sign_out(db: Database, token: str | None) -> None:
    """End the session of a cookie value (nothing happens for an unknown one)."""
    if not token:
        return
    with db.write() as session:
        row = session.get(WebSession, _digest(token))
        if row is not None and not row.ended_at:
            row.ended_at = chain.utc_now()


def four_eyes(db: Database) -> bool:
    """True when a reviewer may not decide alerts their own screening opened."""
    with db.read() as session:
        row = session.get(Setting, FOUR_EYES_SETTING)
        return row is not None and row.value == "on"


def set_four_eyes(db: Database, required: bool, actor: str, channel: str = "web") -> None:
    """Switch the four-eyes rule on or off (an audit record ``setting_change``)."""
    with db.write() as session:
        row = session.get(Setting, FOUR_EYES_SETTING)
        value = "on" if required else "off"
        if row is None:
            session.add(Setting(key=FOUR_EYES_SETTING, value=value))
        elif row.value == value:
            return
        else:
            row.value = value
        session.flush()
        chain.append(session, "setting_change", actor, channel, {"setting": FOUR_EYES_SETTING, "value": value}, subject=f"setting:{FOUR_EYES_SETTING}")


FOUR_EYES_REFUSAL = "four eyes: the alert was opened by your own screening; another reviewer must decide it"


def four_eyes_problem(db: Database, alert: dict, actor: str) -> str | None:
    """Why ``actor`` may not decide ``alert`` under the four-eyes rule, or ``None`` when they may.

    ``alert`` is an alert dict (:func:`dualuse.service.alerts.get_alert`); the
    screener is the actor of the screening that opened it (``opened_by``).
    """
    if not four_eyes(db):
        return None
    if alert.get("opened_by") == actor:
        return FOUR_EYES_REFUSAL
    return None
