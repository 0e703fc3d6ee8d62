"""Safety at the edge of the web app: who may connect, and which uploads are accepted."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from assistant.core.settings import Settings
from assistant.errors import ConfigError, InputError

PDF_MAGIC = b"%PDF-"
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_local_host(host: str) -> bool:
    """True when the bind address is only reachable from this machine (a loopback address or name)."""
    name = host.strip().strip("[]").lower()
    if name in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def app_auth(settings: Settings) -> tuple[str, str] | None:
    """The login the app requires, or None; refuses a non-local bind with no login unless open access was accepted."""
    user = (settings.app_username or "").strip()
    password = settings.app_password.get_secret_value() if settings.app_password else ""
    if bool(user) != bool(password):
        raise ConfigError(
            "only one of ASSISTANT_APP_USERNAME and ASSISTANT_APP_PASSWORD is set",
            hint="set both to require a login, or neither",
        )
    if user:
        return (user, password)
    if not is_local_host(settings.host) and not settings.allow_open_app:
        raise ConfigError(
            f"refusing to serve on {settings.host} without a login: anyone who can reach it could use the app",
            hint="set ASSISTANT_APP_USERNAME and ASSISTANT_APP_PASSWORD, or ASSISTANT_ALLOW_OPEN_APP=true to accept an "
            "open app, or keep ASSISTANT_HOST=127.0.0.1",
        )
    return None


def max_upload_bytes(settings: Settings) -> int:
    """The upload limit in bytes (Gradio's max_file_size and our own check use the same number)."""
    return int(settings.max_upload_mb * 1024 * 1024)


def check_pdf_upload(path: Path, max_bytes: int) -> Path:
    """The path, if the file is within the size limit and its content starts like a PDF; else InputError."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(len(PDF_MAGIC))
    except OSError as exc:
        raise InputError(f"cannot read the uploaded file {path.name} ({exc.strerror or exc})", hint="upload it again") from None
    if size > max_bytes:
        raise InputError(
            f"{path.name} is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB upload limit",
            hint="upload a smaller PDF, or type your skills instead",
        )
    if head != PDF_MAGIC:
        raise InputError(
            f"{path.name} is not a PDF (its content does not start with %PDF-)",
            hint="export your CV as PDF, or type your skills instead",
        )
    return path
