"""The HTTP service: a FastAPI app over one shared Verifier (needs the ``service`` extra)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citecheck.errors import CitecheckError, IndexError_
from citecheck.verifier import Verifier

# Generated answers are kilobytes; 1 MB holds a batch of a few hundred of them.
MAX_BODY_BYTES = 1_000_000

InputFormat = Literal["text", "markdown", "bibtex", "latex", "html"]


class VerifyRequest(BaseModel):
    """One text to verify."""

    text: str = Field(min_length=1, description="The text whose citations are verified.")
    format: InputFormat | None = Field(None, description="Input format; detected when omitted.")


class BatchItemRequest(BaseModel):
    """One text of a batch, with the caller's id for it."""

    id: str | int
    text: str


class BatchRequest(BaseModel):
    """Several texts, verified with their embeddings batched."""

    items: list[BatchItemRequest] = Field(min_length=1)


class BodySizeLimit:
    """ASGI middleware answering 413 to bodies over ``max_bytes``, declared or actually sent."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        # Read the body up front (it is small by construction) so a client that sends more
        # than it declared, or streams without a length, is cut off at the limit too.
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"request body is over the {self.max_bytes}-byte limit"}, status_code=413)
        await response(scope, receive, send)


def create_app(verifier: Verifier, *, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The app; ``verifier`` (model and index) is loaded once by the caller and shared."""
    verifier.warm_up()
    app = FastAPI(title="citecheck", summary="Verify citations against verified records.",
                  version="1")
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)

    @app.exception_handler(CitecheckError)
    def citecheck_error(request: Request, exc: CitecheckError) -> JSONResponse:
        status = 503 if isinstance(exc, IndexError_) else 400
        return JSONResponse({"detail": str(exc)}, status_code=status)

    # Plain ``def`` endpoints run in FastAPI's threadpool; the Verifier is thread-safe.
    @app.get("/health")
    def health() -> dict[str, Any]:
        """Liveness, with the number of records in the index."""
        return {"status": "ok", "records": verifier.index.manifest.count}

    @app.get("/index")
    def index() -> dict[str, Any]:
        """The index manifest: sources, model, counts, coverage."""
        return verifier.index.manifest.to_dict()

    @app.post("/verify")
    def verify(request: VerifyRequest) -> dict[str, Any]:
        """Verify every citation in one text; the JSON report."""
        return verifier.verify_text(request.text, source="<request>",
                                    format=request.format).to_dict()

    @app.post("/verify/batch")
    def verify_batch(request: BatchRequest) -> list[dict[str, Any]]:
        """Verify several texts; one JSON report per item, in order, each with its id."""
        reports = verifier.verify_many([item.text for item in request.items])
        answers = []
        for item, report in zip(request.items, reports, strict=True):
            report.source = str(item.id)
            answers.append({"id": item.id, **report.to_dict()})
        return answers

    return app
