"""Matching use cases (人岗匹配) over HTTP: candidates for a posting, recommendations for a worker, a worker's
interest in a posting, and the applicants an employer may see.

Results are cached (``app.state.cache``: Redis, or in-process) under
``{kind}:{model version}:{generation}:{id}:{params}:{scope}``. A change to any worker, posting or the model
bumps the generation (``api.changes``), so a cached result is never served after a change. Cached values hold
ids, scores, probabilities and reasons only; names, ID numbers and phones are joined from the database after
the cache. A cache that is away only makes answers slower.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.accounts import Scope, can_see_site
from api.changes import Changes
from api.deps import get_cache, get_changes, get_cipher, get_session
from api.live_matcher import LiveMatcher, default_build
from matcher.geo import haversine_km
from matcher.load import day
from matcher.search import Matcher, Proposal
from models.audit import record_audit
from models.base import utcnow
from models.cache import Cache
from models.crypto import PersonalDataCipher
from models.errors import Conflict, NotAllowed, NotFound
from models.match import Match, MatchEvent
from models.match_repository import MatchRepository, PersonRow, PostingRow
from models.pipeline import check_transition
from models.posting_repository import PostingRepository
from models.vocab import MatchSource, MatchStage, PostingStatus, Role

__all__ = [
    "RESULT_TTL",
    "Applicant",
    "Applications",
    "Candidate",
    "Matching",
    "Recommendation",
    "applications_service",
    "matching_service",
    "install_live_matcher",
    "live_matcher_of",
    "result_key",
]

RESULT_TTL = 600
_GROWTH = 4  # ask the matcher for this many times more when a filter thins the list out
_install_lock = threading.Lock()


def install_live_matcher(app_state: object, live: LiveMatcher | None = None) -> LiveMatcher:
    """Put ``live`` (or one built as the CLI builds it) into the app's state, once."""
    with _install_lock:
        found: LiveMatcher | None = getattr(app_state, "matcher", None)
        if found is not None and live is None:
            return found
        if live is None:
            settings = app_state.settings  # type: ignore[attr-defined]
            live = LiveMatcher(
                app_state.sessions,  # type: ignore[attr-defined]
                app_state.changes,  # type: ignore[attr-defined]
                default_build(settings.var_dir / "models"),
            )
        app_state.matcher = live  # type: ignore[attr-defined]
        return live


def live_matcher_of(request: Request) -> LiveMatcher:
    """The app's matcher, made on first use (building it from the database waits for the first query)."""
    found: LiveMatcher | None = getattr(request.app.state, "matcher", None)
    return found or install_live_matcher(request.app.state)


async def matching_service(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    cache: Annotated[Cache, Depends(get_cache)],
    changes: Annotated[Changes, Depends(get_changes)],
) -> Matching:
    seconds = request.app.state.settings.result_cache_seconds
    return Matching(session, live_matcher_of(request), cache, changes, result_seconds=seconds)


def applications_service(
    session: Annotated[Session, Depends(get_session)],
    cipher: Annotated[PersonalDataCipher, Depends(get_cipher)],
) -> Applications:
    return Applications(session, cipher)


def result_key(kind: str, version: str, generation: int, subject: int, params: str, scope: str) -> str:
    return f"{kind}:{version}:{generation}:{subject}:{params}:{scope}"


def scope_part(site_ids: frozenset[int] | None) -> str:
    """The part of a cache key that says whose view it is: the whole city, or a digest of the sites."""
    if site_ids is None:
        return "all"
    joined = ",".join(str(s) for s in sorted(site_ids))
    return "s" + hashlib.sha256(joined.encode()).hexdigest()[:16]


def _encode(items: list[Proposal]) -> bytes:
    return json.dumps([p._asdict() for p in items], ensure_ascii=False).encode()


def _decode(raw: bytes) -> list[Proposal] | None:
    try:
        return [Proposal(**item) for item in json.loads(raw)]
    except (ValueError, TypeError):
        return None  # written by another version: computed again


@dataclass(frozen=True, slots=True)
class Candidate:
    proposal: Proposal
    person: PersonRow


@dataclass(frozen=True, slots=True)
class Recommendation:
    proposal: Proposal
    row: PostingRow
    distance_km: float | None


class Matching:
    """The matching use cases of one request. Services do not commit."""

    def __init__(
        self, session: Session, live: LiveMatcher, cache: Cache, changes: Changes, *, result_seconds: int = RESULT_TTL
    ) -> None:
        self.session = session
        self.result_seconds = result_seconds  # 0: results are not cached
        self.live = live
        self.cache = cache
        self.changes = changes
        self.repo = MatchRepository(session)

    # -- candidates --------------------------------------------------------------------------------
    def candidates(self, scope: Scope, posting_id: int, *, top: int, near_misses: int) -> list[Candidate]:
        """The best workers for an open posting that ``scope`` may see (a broker: those of their sites),
        then ``near_misses`` who fail one rule; workers who withdrew consent never appear."""
        if scope.role not in (Role.ADMIN, Role.BROKER):
            raise NotAllowed("只有管理员和劳务经纪人可以查找候选人；用人单位只能查看本人同意推荐的人员。")
        posting = PostingRepository(self.session).posting(posting_id)
        if posting.status != PostingStatus.OPEN:
            raise Conflict(f"岗位当前为“{PostingStatus.of(posting.status).zh}”，发布（招聘中）后才能查找候选人。")
        sites = scope.site_ids
        params = f"top={top},near={near_misses},day={self.live.clock().isoformat()}"

        def compute(matcher: Matcher) -> list[Proposal]:
            return self._candidates(matcher, posting_id, top, near_misses, sites)

        found = self._cached("candidates", posting_id, params, scope_part(sites), compute)
        people = self.repo.people([p.id for p in found])
        return [
            Candidate(p, people[p.id])
            for p in found
            if p.id in people and _shown(people[p.id], sites)  # checked again after the cache
        ]

    def _candidates(
        self, matcher: Matcher, posting_id: int, top: int, near: int, sites: frozenset[int] | None
    ) -> list[Proposal]:
        """Asks for more than ``top`` until the filtered list is full or everyone was seen."""
        ask, ask_near = top, near
        while True:
            found = matcher.candidates(posting_id, today=day(self.live.clock()), top=ask, near_misses=ask_near)
            eligible = [p for p in found if p.eligible]
            misses = [p for p in found if not p.eligible]
            people = self.repo.people([p.id for p in found])
            kept = [p for p in eligible if p.id in people and _shown(people[p.id], sites)][:top]
            kept_near = [p for p in misses if p.id in people and _shown(people[p.id], sites)][:near]
            rows = len(matcher.worker_text.keys)
            everyone_seen = len(eligible) < ask and (near == 0 or len(misses) < ask_near)
            everyone_asked = ask >= rows and (near == 0 or ask_near >= rows)
            if everyone_seen or everyone_asked or (len(kept) >= top and len(kept_near) >= near):
                return kept + kept_near
            ask, ask_near = ask * _GROWTH, ask_near * _GROWTH

    # -- recommendations ---------------------------------------------------------------------------
    def recommendations(self, scope: Scope, worker_id: int, *, top: int) -> list[Recommendation]:
        """The best open postings for a worker ``scope`` may see (the worker themself, or staff of the site)."""
        person = self.person_in_scope(scope, worker_id)
        params = f"top={top},day={self.live.clock().isoformat()}"

        def compute(matcher: Matcher) -> list[Proposal]:
            try:
                return matcher.recommend(worker_id, today=day(self.live.clock()), top=top)
            except NotFound:
                return []  # not in the index: no labour capacity recorded, so nothing is recommended

        found = self._cached("recommend", worker_id, params, "-", compute)
        rows = self.repo.postings([p.id for p in found])
        site = person.site
        return [
            Recommendation(p, rows[p.id], _distance(site.longitude, site.latitude, rows[p.id]))
            for p in found
            if p.id in rows and rows[p.id].posting.status == PostingStatus.OPEN
        ]

    def person_in_scope(self, scope: Scope, worker_id: int) -> PersonRow:
        """The worker, if ``scope`` may act for them: their own account, or staff of their site."""
        person = self.repo.person(worker_id)
        own = scope.role is Role.WORKER and scope.worker_id == worker_id
        if person is None or not (own or can_see_site(scope, person.site.id)):
            raise NotFound(f"找不到编号为 {worker_id} 的劳动力，或您无权查看此人。")
        return person

    # -- the cache ---------------------------------------------------------------------------------
    def _cached(
        self, kind: str, subject: int, params: str, scope: str, compute: Callable[[Matcher], list[Proposal]]
    ) -> list[Proposal]:
        generation = self.changes.generation()
        with self.live.reading(generation) as matcher:
            if self.result_seconds <= 0:
                return compute(matcher)
            key = result_key(kind, matcher.scorer.version, generation, subject, params, scope)
            raw = self.cache.get(key)
            found = _decode(raw) if raw is not None else None
            if found is not None:
                return found
            found = compute(matcher)
        self.cache.set(key, _encode(found), self.result_seconds)
        return found


@dataclass(frozen=True, slots=True)
class Applicant:
    """A worker who agreed to be put forward; ``phone`` in full only when ``revealed`` (to the employer)."""

    match: Match
    person: PersonRow
    phone: str | None
    revealed: bool


_AGREED = "本人已同意向用人单位推荐"
_SETTLED = {MatchStage.INTERVIEW, MatchStage.OFFERED, MatchStage.HIRED, MatchStage.SEPARATED}


class Applications:
    """A worker's interest in a posting (报名/有意向) and the applicants the posting's employer may see."""

    def __init__(self, session: Session, cipher: PersonalDataCipher) -> None:
        self.session = session
        self.cipher = cipher
        self.repo = MatchRepository(session)

    def interest(
        self, scope: Scope, person: PersonRow, posting_id: int, *, interested: bool, reason: str | None
    ) -> Match:
        """Record that the worker is interested (and so agrees to be put forward to the employer) or not.

        ``person`` comes from ``Matching.person_in_scope``; staff acting for a worker must say the worker agreed."""
        posting = PostingRepository(self.session).posting(posting_id)
        worker = person.worker
        if interested and posting.status != PostingStatus.OPEN:
            raise Conflict(f"岗位当前为“{PostingStatus.of(posting.status).zh}”，暂不能报名。")
        if interested and worker.consent_withdrawn_at is not None:
            raise Conflict("本人已撤回推荐同意，报名前请先在个人信息中恢复同意。")
        match = self.repo.match_of(worker.id, posting_id)
        if match is not None and MatchStage.of(match.stage) in _SETTLED:
            raise Conflict(f"已进入“{MatchStage.of(match.stage).zh}”环节，不能再更改意向；如有变化请联系经纪人。")
        now = utcnow()
        if match is None:
            own = scope.role is Role.WORKER
            source = MatchSource.WORKER if own else MatchSource.BROKER
            match = Match(
                worker_id=worker.id,
                posting_id=posting_id,
                source=source.value,
                proposed_at=now,
                proposed_by=scope.username,
            )
        stage = MatchStage.INTERESTED if interested else MatchStage.DECLINED
        if match.id is not None:  # an existing match moves by the pipeline's rules (models.pipeline)
            if match.stage == stage.value:
                return match  # said again: nothing new to record
            check_transition(match.stage, stage)
        match.stage, match.stage_at = stage.value, now
        match.agreed_at = now if interested else None
        match.declined_reason = None if interested else (reason or "本人表示不感兴趣")
        detail = {"by": scope.role.value, "interested": interested, "reason": reason}
        self.repo.add(match, MatchEvent(stage=stage.value, at=now, actor=scope.username, detail=detail))
        return match

    def applicants(self, scope: Scope, posting_id: int, *, offset: int, limit: int) -> tuple[list[Applicant], int]:
        """Workers who agreed to be put forward for the posting and kept their consent. The posting's employer
        sees name and phone in full, and each such view is written to the audit log; staff see masks."""
        posting = PostingRepository(self.session).posting(posting_id)
        employer = scope.role is Role.EMPLOYER
        if employer and posting.employer_id != scope.employer_id:
            raise NotAllowed("只能查看本单位岗位的报名人员。")
        if scope.role not in (Role.ADMIN, Role.BROKER) and not employer:
            raise NotAllowed("您的账号无权查看报名人员。")
        rows, total = self.repo.applicants(
            posting_id, site_ids=None if employer else scope.site_ids, offset=offset, limit=limit
        )
        out = []
        for match, person in rows:
            worker = person.worker
            if employer:
                phone = self.cipher.decrypt(worker.phone_enc) if worker.phone_enc else None
                detail = {"posting_id": posting_id, "match_id": match.id}
                subject = f"worker:{worker.id}"
                record_audit(self.session, scope.actor, "employer_view", subject, reason=_AGREED, detail=detail)
                out.append(Applicant(match, person, phone, True))
            else:
                out.append(Applicant(match, person, worker.phone_mask, False))
        return out, total


def _shown(person: PersonRow, sites: frozenset[int] | None) -> bool:
    """Whether a candidate may be listed: consent not withdrawn, and of the viewer's sites."""
    if person.worker.consent_withdrawn_at is not None:
        return False
    return sites is None or person.site.id in sites


def _distance(longitude: float | None, latitude: float | None, row: PostingRow) -> float | None:
    """Kilometres from the worker's site to the workplace, when both places are known."""
    posting = row.posting
    if longitude is None or latitude is None or posting.longitude is None or posting.latitude is None:
        return None
    return round(float(haversine_km(longitude, latitude, posting.longitude, posting.latitude)), 1)
