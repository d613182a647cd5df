"""The server-rendered pages: the question page (``/?q=...``) and a release (``/releases/{id}``).

Both work with JavaScript off: the question form is a plain GET, so an answer has a
shareable URL. Citation cards link to the release page with the cited sentence's span
(``?start=&end=#cited``), where it is highlighted and scrolled into view.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from qa.conversation import Turn
from qa.store import Filters
from qa.web.api import MAX_QUESTION
from qa.web.catalog import catalog_for
from qa.web.deps import PageAccess, ServiceDep, SnapshotDep
from qa.web.render import PAGE_HEADERS, split_span, templates

router = APIRouter(dependencies=[PageAccess], include_in_schema=False)

Text = Annotated[str | None, Query(max_length=100_000)]


def render(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status, headers=PAGE_HEADERS)


def _date(value: str, name: str) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"“{name}” must be a date like 2019-06-13, not {value[:40]!r}") from None


@router.get("/", response_class=HTMLResponse)
def home(request: Request, service: ServiceDep, snapshot: SnapshotDep, q: Text = None, since: Text = None,
         until: Text = None, source: Text = None, explain: Text = None, prev: Text = None, prev_ids: Text = None,
         prev_answer: Text = None) -> HTMLResponse:
    """``explain=1`` adds the trace under "Why this answer?"; ``prev``, ``prev_ids`` and ``prev_answer`` (the
    follow-up form's hidden fields: the last question as answered, its cited release ids comma-separated, its
    short answer) make ``q`` a follow-up of it."""
    form = {"q": q or "", "since": since or "", "until": until or "", "source": source or ""}
    context = {"form": form, "catalog": catalog_for(snapshot, service.settings.corpus_dir), "answer": None,
               "error": None, "filtered": bool(since or until or source)}
    status = 200
    if q is not None and not q.strip():
        context["error"] = "Type a question first."
    elif q:
        try:
            if len(q) > MAX_QUESTION:
                raise ValueError(f"The question is {len(q):,} characters long; the limit is {MAX_QUESTION:,}. "
                                 f"Shorten it and ask again.")
            filters = Filters(_date(form["since"], "since"), _date(form["until"], "until"), source or None)
        except ValueError as exc:
            context["error"], status = str(exc), 422
        else:
            ids = [i.strip()[:300] for i in (prev_ids or "").split(",") if i.strip()][:20]
            history = [Turn(question=prev.strip()[:2000], answer_release_ids=ids,
                            answer=prev_answer.strip()[:1000] if prev_answer and prev_answer.strip() else None)
                       ] if prev and prev.strip() else []
            context["answer"] = service.ask(q, k=service.settings.top_k, filters=filters or None,
                                            explain=explain == "1", history=history, record=True)
            context["explain_url"] = f"{request.url.path}?{request.url.include_query_params(explain='1').query}#why"
    return render(request, "home.html", context, status)


@router.get("/releases/{release_id}", response_class=HTMLResponse)
def release(request: Request, release_id: str, snapshot: SnapshotDep,
            start: Annotated[int | None, Query(ge=0, le=10**12)] = None,
            end: Annotated[int | None, Query(ge=0, le=10**12)] = None) -> HTMLResponse:
    r = snapshot.store.release(release_id)
    if r is None:
        raise HTTPException(404, "There is no release with this id in the index.")
    before, cited, after = split_span(r.body, start, end)
    return render(request, "release.html", {"release": r, "before": before, "cited": cited, "after": after})
