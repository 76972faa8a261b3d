"""FastAPI dependencies that verify a webhook before the endpoint runs.

::

    from fastapi import Depends, FastAPI
    import hooksig
    from hooksig.fastapi import WebhookJSON, install

    app = FastAPI()
    install(app)  # rejected webhooks answer 403 {"error": code}
    aghanim = WebhookJSON(hooksig.Verifier("aghanim", secret=SECRET))

    @app.post("/webhooks/aghanim")
    async def aghanim_webhook(event: dict = Depends(aghanim)) -> dict:
        ...

The dependency reads the raw body itself (no parser touches it first), verifies it with the
request headers and stores the :class:`hooksig.Verified` result in ``request.state.webhook``.
A rejected request raises :class:`WebhookRejected`; :func:`install` makes the app answer it with
the configured status and JSON body. Without :func:`install`, FastAPI's own handler answers it
with the same status and ``{"detail": <body>}``.
"""

# No `from __future__ import annotations` here: FastAPI reads the dependency's annotations
# (`request: Request`) at runtime, and cannot resolve them as strings on a callable instance.
import json
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from hooksig._errors import VerificationError
from hooksig._hooksig import Verifier
from hooksig._http import DEFAULT_STATUS, ErrorBody, default_error_body

__all__ = ["WebhookBody", "WebhookJSON", "WebhookRejected", "install"]


class WebhookRejected(HTTPException):
    """A webhook that did not verify (or, for :class:`WebhookJSON`, is not JSON).

    Attributes:
        code: the hooksig error code (``"invalid_json"`` for a verified body that is not JSON).
        content: the JSON body to answer with.
    """

    def __init__(self, status_code: int, code: str, content: Any) -> None:
        super().__init__(status_code=status_code, detail=content)
        self.code = code
        self.content = content


async def _answer(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WebhookRejected)
    return JSONResponse(exc.content, status_code=exc.status_code)


def install(app: FastAPI) -> None:
    """Answers :class:`WebhookRejected` with its status and JSON body, as configured."""
    app.add_exception_handler(WebhookRejected, _answer)


class WebhookBody:
    """A dependency giving the verified raw body (``bytes``).

    Arguments:
        verifier: the :class:`hooksig.Verifier` for this endpoint's provider.
        status_code: the status of a rejection (default 403).
        error_body: builds the JSON body of a rejection (default ``{"error": code}``).
    """

    def __init__(
        self,
        verifier: Verifier,
        *,
        status_code: int = DEFAULT_STATUS,
        error_body: ErrorBody = default_error_body,
    ) -> None:
        if not isinstance(verifier, Verifier):
            raise TypeError(f"verifier must be a hooksig.Verifier, not {type(verifier).__name__}")
        self.verifier = verifier
        self.status_code = status_code
        self.error_body = error_body

    async def __call__(self, request: Request) -> bytes:
        body = await request.body()
        try:
            request.state.webhook = self.verifier.verify(body, request.headers)
        except VerificationError as error:
            raise WebhookRejected(self.status_code, error.code, self.error_body(error)) from None
        return body

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.verifier!r})"


class WebhookJSON(WebhookBody):
    """A dependency giving the verified body parsed as JSON.

    A verified body that is not JSON answers 400 ``{"error": "invalid_json"}``.
    """

    async def __call__(self, request: Request) -> Any:
        body = await super().__call__(request)
        try:
            return json.loads(body)
        except ValueError:
            raise WebhookRejected(400, "invalid_json", {"error": "invalid_json"}) from None
