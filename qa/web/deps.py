"""FastAPI dependencies shared by the API and the pages, as ``Annotated`` aliases."""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from qa.service import Service
from qa.settings import Settings
from qa.snapshot import Snapshot


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_service(request: Request) -> Service:
    return request.app.state.service


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServiceDep = Annotated[Service, Depends(get_service)]


def get_snapshot(service: ServiceDep) -> Snapshot:
    """The live snapshot; raises IndexMissing (→ 503) when no index has been built."""
    return service.snapshots.get()


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]

_bearer = HTTPBearer(auto_error=False, description="Needed only when the server sets QA_API_KEY.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _matches(given: str, key: str) -> bool:
    return secrets.compare_digest(given.encode("utf-8", "replace"), key.encode("utf-8"))


def require_api_key(settings: SettingsDep, credentials: BearerDep) -> None:
    """When QA_API_KEY is set, the request must carry ``Authorization: Bearer <key>``."""
    if not settings.api_key:
        return
    if credentials is None:
        raise HTTPException(401, "this server needs an API key: send the header `Authorization: Bearer <key>`",
                            headers={"WWW-Authenticate": "Bearer"})
    if not _matches(credentials.credentials, settings.api_key):
        raise HTTPException(401, "the API key is wrong: send the key set in QA_API_KEY as "
                            "`Authorization: Bearer <key>`", headers={"WWW-Authenticate": "Bearer"})


def require_page_access(request: Request, settings: SettingsDep) -> None:
    """When QA_PROTECT_PAGES is on (and a key is set), pages need the key: as a Bearer token,
    or as the password of HTTP Basic authentication (any user name), which browsers ask for."""
    if not (settings.api_key and settings.protect_pages):
        return
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    given = None
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            given = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            given = None
    if given is None or not _matches(given, settings.api_key):
        raise HTTPException(401, "this page needs the server's key: enter it as the password (any user name)",
                            headers={"WWW-Authenticate": 'Basic realm="qa", charset="UTF-8"'})


ApiKey = Depends(require_api_key)
PageAccess = Depends(require_page_access)
