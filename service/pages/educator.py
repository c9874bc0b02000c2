"""Contoh (educators, admins): a library of redacted examples with their red flags marked, a printable
handout and a "spot the red flag" quiz.

Confirmed cases come from moderators' decisions once the review queue's tables hold some; until then
the corpus's risky examples are shown, labelled as illustrative. Every example is built from
``screener.redact.redact(text).text`` only: red flags are detected on the original, their spans moved
onto the redacted text (:func:`~service.pages.highlight.redacted_spans`), and the original text, the
evidence strings and the contacts never reach a template.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import Engine, bindparam, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from screener.catalogue import catalogue
from screener.datasets import load_corpus
from screener.indicators import Findings, detect
from screener.redact import redact
from screener.vocabulary import RISKY_CATEGORIES
from service.auth import Caller
from service.deps import ServicesDep
from service.pages.core import language, not_found, page_role, render
from service.pages.educator_images import ad_ids_with_pictures, case_picture
from service.pages.highlight import Flag, Segment, Span, redacted_spans, segments
from service.pages.i18n import N_
from service.pages.officer_images import image_response
from service.store.lookup import indicator_ids, places_named
from service.vocabulary import RISKY_VERDICTS, ItemStatus, Role

__all__ = [
    "Example",
    "build_example",
    "corpus_examples",
    "example_public",
    "library",
    "router",
    "select_examples",
]

router = APIRouter(include_in_schema=False)
Educator = Annotated[Caller, page_role(Role.EDUCATOR)]
PAGE_SIZE = 20
HANDOUT_SIZE = 6
_TOKEN = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Example:
    id: str
    source: str  # "corpus" (illustrative) or "case" (confirmed by moderators)
    category: str
    platform: str
    text: str  # REDACTED
    flags: tuple[Flag, ...]
    spans: tuple[Span, ...]  # on the redacted text
    places: tuple[tuple[str, str, str], ...]  # (id, name_id, name_en)
    picture_url: str | None = None  # a case read from a picture: the picture, redacted on the image

    @property
    def indicator_ids(self) -> frozenset[str]:
        return frozenset(f.id for f in self.flags)

    @property
    def place_ids(self) -> frozenset[str]:
        return frozenset(p[0] for p in self.places)

    def segments(self) -> list[Segment]:
        return segments(self.text, self.spans)

    def tokens(self) -> list[dict[str, Any]]:
        """Words and spaces for the quiz; a word is a red flag when a span covers part of it."""
        out = []
        for match in _TOKEN.finditer(self.text):
            a, b = match.span()
            word = not match.group().isspace()
            hit = sorted({s.flag for s in self.spans if s.start < b and a < s.end}) if word else []
            out.append({"text": match.group(), "word": word, "flags": " ".join(map(str, hit))})
        return out


def build_example(
    example_id: str, source: str, category: str, platform: str, original: str, findings: Findings
) -> Example:
    """Redact ``original`` and carry the red flags found on it over to the redacted text."""
    redaction = redact(original)
    flags: list[Flag] = []
    spans: list[Span] = []
    for hit in findings.hits:
        if hit.indicator.weight <= 0:
            continue  # the library shows red flags; legal-placement signals are not the lesson here
        number = len(flags) + 1
        ind = hit.indicator
        flags.append(Flag(number, ind.id, ind.name_id, ind.name_en, ind.level, ind.weight))
        spans.extend(Span(ev.start, ev.end, number) for ev in hit.evidence)
    moved = redacted_spans(original, redaction, spans)
    places = {m.place.id: (m.place.id, m.place.name_id, m.place.name_en) for m in findings.places}
    return Example(
        example_id, source, category, platform, redaction.text, tuple(flags), tuple(moved or ()),
        tuple(places.values()),
    )  # fmt: skip


_corpus_lock = threading.Lock()
_corpus: list[Example] | None = None


def corpus_examples() -> list[Example]:
    """The corpus's risky examples, built once per process (about 3 s)."""
    global _corpus
    with _corpus_lock:
        if _corpus is None:
            data = load_corpus()
            assert data.categories is not None and data.platforms is not None
            built = []
            for i, category in enumerate(data.categories):
                if category not in RISKY_CATEGORIES:
                    continue
                built.append(
                    build_example(
                        data.ids[i],
                        "corpus",
                        category,
                        data.platforms[i],
                        data.texts[i],
                        detect(data.texts[i]),
                    )
                )
            _corpus = [e for e in built if e.flags]
        return _corpus


_CASES_SQL = text(
    "SELECT q.id, a.text, a.platform, q.final_verdict, a.id FROM queue_items q JOIN ads a ON a.id = q.ad_id "
    "WHERE q.status = :decided AND q.final_verdict IN :risky ORDER BY q.id DESC LIMIT 500"
).bindparams(bindparam("risky", expanding=True))


def confirmed_examples(engine: Engine) -> list[Example]:
    """Every case moderators confirmed as risky, with or without red flags the detector marks (the
    page says when none are marked); needs the review queue's tables, else none."""
    try:
        if not {"queue_items", "ads"} <= set(inspect(engine).get_table_names()):
            return []
        with engine.connect() as connection:
            params = {"decided": ItemStatus.DECIDED, "risky": sorted(RISKY_VERDICTS)}
            rows = connection.execute(_CASES_SQL, params).all()
    except SQLAlchemyError:
        return []
    pictured = ad_ids_with_pictures(engine, [int(row[4]) for row in rows])
    examples = [
        dataclasses.replace(
            build_example(
                f"case-{row[0]}", "case", str(row[3]), str(row[2] or "-"), str(row[1]), detect(str(row[1]))
            ),
            picture_url=f"/contoh/gambar/{row[0]}" if int(row[4]) in pictured else None,
        )
        for row in rows
        if row[1]
    ]
    return examples


def library(engine: Engine) -> list[Example]:
    """The confirmed cases, or (until there are some) the corpus's illustrative examples."""
    return confirmed_examples(engine) or corpus_examples()


_library = library


@router.get("/contoh/gambar/{item_id}")
async def example_picture(
    request: Request, services: ServicesDep, caller: Educator, item_id: int
) -> Response:
    """A confirmed case's picture with phone numbers, names, handles and links blacked out."""
    found = await run_in_threadpool(case_picture, services.engine, item_id)
    return not_found(request) if found is None else image_response(found, "image/png")


def example_public(example: Example) -> dict[str, Any]:
    """An example as JSON (``GET /api/v1/examples``): redacted exactly as the page shows it."""
    return {
        "id": example.id,
        "source": example.source,
        "category": example.category,
        "platform": example.platform,
        "text": example.text,
        "flags": [
            {"number": f.number, "id": f.id, "name_id": f.name_id, "name_en": f.name_en, "level": f.level}
            for f in example.flags
        ],
        "spans": [{"start": sp.start, "end": sp.end, "flag": sp.flag} for sp in example.spans],
        "places": [{"id": p[0], "name_id": p[1], "name_en": p[2]} for p in example.places],
    }


def _filters(examples: list[Example], lang: str) -> dict[str, Any]:
    ind_counts = Counter(i for e in examples for i in e.indicator_ids)
    names = {ind.id: (ind.name_id if lang == "id" else ind.name_en) for ind in catalogue()}
    place_counts = Counter(p for e in examples for p in e.places)
    return {
        "indicators": sorted(((i, names.get(i, i), n) for i, n in ind_counts.items()), key=lambda x: x[1]),
        "places": [(p[0], p[1] if lang == "id" else p[2], n) for p, n in place_counts.most_common(40)],
        "platforms": sorted(Counter(e.platform for e in examples).items()),
    }


def select_examples(examples: list[Example], indicator: str, place: str, platform: str) -> list[Example]:
    """The examples matching the filters; an indicator or a place may be named in either language."""
    indicators = (indicator_ids(indicator) | {indicator}) if indicator else set()
    places = ({p.id for p in places_named(place)} | {place}) if place else set()
    return [
        e
        for e in examples
        if (not indicators or indicators & e.indicator_ids)
        and (not places or places & e.place_ids)
        and (not platform or e.platform == platform)
    ]


_select = select_examples


def _explanations(examples: list[Example]) -> list[Any]:
    present = {i for e in examples for i in e.indicator_ids}
    return [ind for ind in catalogue() if ind.id in present]


Filter = Annotated[str, Query(max_length=80)]


@router.get("/contoh")
async def examples(
    request: Request,
    services: ServicesDep,
    caller: Educator,
    indicator: Filter = "",
    place: Filter = "",
    platform: Filter = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The library, filtered."""
    library = await run_in_threadpool(_library, services.engine)
    chosen = _select(library, indicator, place, platform)
    start = (page - 1) * PAGE_SIZE
    return render(
        request,
        "examples.html",
        {
            "examples": chosen[start : start + PAGE_SIZE],
            "count": len(chosen),
            "page": page,
            "pages": max(1, -(-len(chosen) // PAGE_SIZE)),
            "illustrative": library[0].source == "corpus" if library else True,
            "options": _filters(library, language(request)),
            "selected": {"indicator": indicator, "place": place, "platform": platform},
        },
    )


@router.get("/contoh/cetak")
async def handout(
    request: Request,
    services: ServicesDep,
    caller: Educator,
    indicator: Filter = "",
    place: Filter = "",
    platform: Filter = "",
) -> Response:
    """A printable handout of the first examples matching the filter."""
    library = await run_in_threadpool(_library, services.engine)
    chosen = _select(library, indicator, place, platform)[:HANDOUT_SIZE]
    return render(
        request,
        "handout.html",
        {
            "examples": chosen,
            "explanations": _explanations(chosen),
            "illustrative": library[0].source == "corpus" if library else True,
        },
    )


@router.get("/contoh/kuis")
async def quiz(
    request: Request,
    services: ServicesDep,
    caller: Educator,
    n: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
) -> Response:
    """Spot the red flag: one example; the learner picks phrases, then reveals the answer."""
    library = await run_in_threadpool(_library, services.engine)
    pool = [e for e in library if len({s.flag for s in e.spans}) >= 2]
    if not pool:
        context = {
            "title": N_("Kuis: temukan tanda bahaya"),
            "text": N_("Tidak ada contoh untuk saringan ini."),
        }
        return render(request, "error.html", context, status_code=404)
    index = (secrets.randbelow(len(pool)) if n is None else n) % len(pool)
    example = pool[index]
    return render(
        request,
        "quiz.html",
        {
            "example": example,
            "index": index,
            "next_index": (index + 1 + secrets.randbelow(max(1, len(pool) - 1))) % len(pool),
            "illustrative": example.source == "corpus",
            "total_flags": len({s.flag for s in example.spans}),
        },
    )
