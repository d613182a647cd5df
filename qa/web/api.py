"""The JSON API: ask, search, releases and health. Documented at /docs (OpenAPI at /openapi.json)."""

from __future__ import annotations

import re
import time
from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from qa.answer import Answer
from qa.conversation import Turn
from qa.passages import Passage
from qa.store import Filters
from qa.web.deps import ApiKey, ServiceDep, SnapshotDep

MAX_QUESTION = 1000

Question = Annotated[str, Field(min_length=1, max_length=MAX_QUESTION, pattern=r"\S",
                                description="the question, 1 to 1,000 characters, not only spaces",
                                examples=["How many arrests has Operation Hotspot led to so far?"])]


def _iso_date(value: object) -> object:
    """Only a YYYY-MM-DD string is a date here (not a number, not 20200102)."""
    if isinstance(value, date) or value is None:
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
K = Annotated[int, Field(ge=1, le=100, description="how many passages to retrieve")]
Source = Annotated[str, Field(min_length=1, max_length=200, description="an area (e.g. Hertfordshire) or part of "
                                                                          "a source file name")]


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """Every error: a short code and a sentence saying what to do."""

    error: str = Field(description="not_found, invalid_request, unauthorized, too_large, no_index, unavailable")
    message: str
    errors: list[FieldError] | None = None


class AskFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: IsoDate | None = Field(None, description="published on or after this date (YYYY-MM-DD)")
    until: IsoDate | None = Field(None, description="published on or before this date (YYYY-MM-DD)")
    source: Source | None = None

    def to_filters(self) -> Filters | None:
        return to_filters(self.since, self.until, self.source)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Question
    k: K = 5
    filters: AskFilters | None = None
    history: list[Turn] = Field(default_factory=list, max_length=20,
                                description="the conversation's earlier turns, oldest first: a follow-up is made "
                                            "stand-alone from the last one (the answer's `rewritten`)")
    explain: StrictBool = Field(False, description="add the trace of every stage (`explain`) and its verdict")
    expect: str | None = Field(None, min_length=1, max_length=300, pattern=r"\S",
                               description="the answer you know is right: the trace's verdict names the first "
                                           "stage that lost it (implies explain)")
    expect_refusal: StrictBool = Field(False, description="you know the releases don't say: the verdict names what "
                                                          "let an answer through (implies explain; with expect, expect wins: the trace's "
                                                          "expect_refusal says which was followed)")


class SearchResponse(BaseModel):
    question: str
    results: list[Passage]
    timings_ms: dict[str, float] = Field(default_factory=dict)


class ReleaseSummary(BaseModel):
    id: str
    title: str
    published: str | None = None
    date_source: str | None = Field(None, description="how the date was found: metadata, dateline or weekday")
    url: str | None = None
    area: str | None = None
    source: str


class ReleaseDetail(ReleaseSummary):
    body: str = Field(description="the whole release text; citation offsets index into it")


class ReleasePage(BaseModel):
    total: int
    offset: int
    limit: int
    releases: list[ReleaseSummary]


class Health(BaseModel):
    status: str
    releases: int
    chunks: int
    model: str
    built_at: str
    snapshot: str
    answerer: str


def _err(description: str) -> dict:
    return {"model": ErrorBody, "description": description}


COMMON_ERRORS = {401: _err("API key missing or wrong (only when QA_API_KEY is set)"),
                 413: _err("request body too large"),
                 422: _err("invalid request: the message says which field and why"),
                 503: _err("no index yet (run `qa ingest`), or the answerer is unavailable")}

router = APIRouter(prefix="/api", dependencies=[ApiKey], responses=COMMON_ERRORS, tags=["api"])
health_router = APIRouter(tags=["health"])


def to_filters(since: date | None, until: date | None, source: str | None) -> Filters | None:
    filters = Filters(since.isoformat() if since else None, until.isoformat() if until else None, source or None)
    return filters or None


@router.post("/ask", response_model=Answer, summary="Answer a question, citing the passages that say so")
def ask(body: AskRequest, service: ServiceDep) -> Answer:
    filters = body.filters.to_filters() if body.filters else None
    return service.ask(body.question, k=body.k, filters=filters,
                       explain=body.explain,
                       expect=body.expect, expect_refusal=body.expect_refusal and not body.expect,
                       history=body.history, record=True)


@router.get("/search", response_model=SearchResponse, summary="The passages that best match a question")
def search(q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION, pattern=r"\S", description="the question")],
           service: ServiceDep, k: Annotated[int, Query(ge=1, le=100)] = 5,
           since: Annotated[IsoDate | None, Query()] = None, until: Annotated[IsoDate | None, Query()] = None,
           source: Annotated[str | None, Query(min_length=1, max_length=200)] = None) -> SearchResponse:
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    results = service.retriever.search(q, k, to_filters(since, until, source), timings=timings)
    timings["total"] = (time.perf_counter() - t0) * 1000
    return SearchResponse(question=q, results=results, timings_ms=timings)


@router.get("/releases", response_model=ReleasePage, summary="The indexed releases, newest first, a page at a time")
def releases(snapshot: SnapshotDep, offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
             limit: Annotated[int, Query(ge=1, le=500)] = 50) -> ReleasePage:
    total, _ = snapshot.store.counts()
    rows = snapshot.store.releases(offset, limit)
    return ReleasePage(total=total, offset=offset, limit=limit,
                       releases=[ReleaseSummary(id=r.id, title=r.title, published=r.published,
                                                date_source=r.date_source, url=r.url, area=r.area, source=r.source)
                                 for r in rows])


@router.get("/releases/{release_id}", response_model=ReleaseDetail, responses={404: _err("no such release")},
            summary="One release: its whole text and metadata")
def release(release_id: Annotated[str, Path(min_length=1, max_length=300)], snapshot: SnapshotDep) -> ReleaseDetail:
    r = snapshot.store.release(release_id)
    if r is None:
        raise HTTPException(404, f"no release has the id {release_id!r}: GET /api/releases lists the ids")
    return ReleaseDetail(id=r.id, title=r.title, published=r.published, date_source=r.date_source, url=r.url,
                         area=r.area, source=r.source,
                         body=r.body)


@health_router.get("/healthz", response_model=Health, responses={503: _err("no index yet: run `qa ingest`")},
                   summary="Whether the server has an index, and what it holds")
def healthz(service: ServiceDep, snapshot: SnapshotDep) -> Health:
    releases_n, chunks_n = snapshot.store.counts()
    m = snapshot.manifest
    return Health(status="ok", releases=releases_n, chunks=chunks_n, model=m.model, built_at=m.built_at,
                  snapshot=snapshot.path.name, answerer=service.settings.answerer)
