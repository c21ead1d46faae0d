"""Certificates an ad asks for (持证上岗) or prefers (…优先), as canonical names of the certificate table.

Aliases come from the taxonomy (``models/data/certificates.csv``). An alias that says it is a certificate
(``叉车证``, ``B2驾照``, ``健康证``) counts wherever it stands; a bare name or class (``养老护理员``, ``低压电工``,
``A2``) counts only next to a certificate word (``持A2``, ``A2以上驾照``, ``养老护理员证书``), so a job title is
not read as a certificate. A certificate is preferred when its clause says 优先 (``有健康证者优先``), and is
skipped when the employer offers it (``免费办理健康证``, ``包考证``) or waives it (``无需…证``). A generic
``驾照`` yields to a class named elsewhere in the ad. A few spellings the table lacks (``C照``, ``焊工本``) are
in ``posting_phrases.json`` under ``certificate_alias``.

``持证上岗`` without a name (``焊工，持证上岗``) gives no certificate: the list holds what the text names, as in
``bench/data/README.md``; ``unnamed_requirement`` finds the phrase so the parser reports certificates_required
unsure and a person picks the certificate. Guessing it from the title (焊工 -> 熔化焊接与热切割作业) was tried
and dropped: the matcher excludes every worker who lacks a required certificate, and a wrong guess (低压 for a
高压电工, 育婴员 for a 母婴护理 card) would hide the right workers. ``持证者优先`` without a name gives nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.posting_text import Source, clause_of, phrases
from models.taxonomy import Taxonomy

__all__ = ["CertificateHit", "find_certificates", "unnamed_requirement"]

_MARKED = re.compile(r"证|照|本|资格|许可|证明")
_GENERIC_LICENCE = frozenset({"驾照", "驾驶证", "机动车驾驶证", "驾驶本", "驾驶执照"})
_CONTEXT_BEFORE = re.compile(
    r"(?:持有|持|具有|具备|取得|获得|拥有|有|需|须|要求|驾照|驾驶证|准驾车型|证件)\s*[::(]?\s*$"
)
_CONTEXT_AFTER = re.compile(
    r"(?:\s*[/、,或和及]\s*[ABCN][12])*"  # A2/B2驾照: a list of classes before the licence word
    r"[ \t]*(?:及以上|以上|或以上)?[ \t]*(?:等级|职业资格)?"
    r"(?:证书|证|驾照|驾驶证|照(?![顾看料护管应片])|本(?![人地科市县村厂店])|资格|"
    r"操作证|上岗证|司机|驾驶员)"
)  # not across a line break, and not 照顾 / 本人: ``育婴师\n照顾宝宝`` names no certificate
# 持/具有 name a certificate before a bare name; 需/须/要求/有 may just as well name the job hired (需钢筋工6人).
_HOLD_BEFORE = re.compile(r"(?:持有|持|具有|具备|取得|获得|拥有|证件)\s*[::(]?\s*$")
_JOB_LIKE = re.compile(r"[\u4e00-\u9fff]+(?:工|员|师|司机)$")
_COUNT_AFTER = re.compile(r"\s*(?:\d+|[一二两三四五六七八九十]+)\s*(?:名|人|个|位)")
_PREFERRED = re.compile(r"优先|加分|更佳|最好|为佳|尤佳|更好|另加|从优")
_OFFERED = re.compile(
    r"(?:免费办理|免费办|协助办理|帮助办理|帮忙办理|代办|帮办|包办|负责办理|统一办理|给办|公司办理|单位办理|免费培训|"
    r"免费考|包考|可考|帮助考取|培训考取|培训取证|培训后取得|报销|无需|不需要|不需|不要求|不用)[^,;。；]*$"
)
_OFFERED_AFTER = re.compile(
    r"\s*\(?\s*(?:由|可由)?\s*(?:公司|单位|厂里|厂方|本公司)\s*(?:统一|免费|负责|协助|帮助|帮忙)?\s*(?:办理|代办|报销|承担|考取|培训)"
    r"|\s*\(?\s*(?:免费办理|免费代办|可代办|代为办理|费用公司承担|费用报销|公司报销)"
)
_HOLD_UNNAMED = re.compile(r"持证上岗|持相关证件上岗|持有效证件上岗|证件齐全|[需须要]持证(?!残疾)")


@dataclass(frozen=True, slots=True)
class CertificateHit:
    name: str
    start: int
    end: int
    preferred: bool
    guessed: bool = False


@cache
def _index(taxonomy: Taxonomy) -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    """Alias (upper-case) -> (canonical name, marked as a certificate), and one pattern of all aliases."""
    table: dict[str, tuple[str, bool]] = {}
    for cert in taxonomy.certificates():
        for alias in (*cert.aliases, cert.name):
            key = alias.upper()
            if len(key) >= 2 and key not in table:
                marked = _MARKED.search(alias) is not None  # 健康证明, 保安员证: a certificate wherever it stands
                table[key] = (cert.name, marked)
    names = {cert.name for cert in taxonomy.certificates()}
    extra: dict[str, str] = phrases()["certificate_alias"]
    for alias, name in extra.items():
        if name in names:
            table.setdefault(alias.upper(), (name, True))
    words = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)), table


def find_certificates(src: Source, taxonomy: Taxonomy) -> list[CertificateHit]:
    pattern, table = _index(taxonomy)
    upper = src.norm.upper()
    hits: list[CertificateHit] = []
    for m in pattern.finditer(upper):
        name, marked = table[m.group()]
        if not marked and not _in_context(upper, m.start(), m.end()):
            continue
        if _edge_inside_word(upper, m.start(), m.end()):
            continue
        clause_start, clause_end = clause_of(src.norm, m.start())
        before = src.norm[clause_start : m.start()]
        if _OFFERED.search(before) or _OFFERED_AFTER.match(src.norm, m.end(), clause_end):
            continue
        after = src.norm[m.end() : clause_end].split(" ")[0]
        preferred = _PREFERRED.search(after) is not None or _PREFERRED.search(before) is not None
        generic = m.group() in _GENERIC_LICENCE
        hits.append(CertificateHit(name, m.start(), m.end(), preferred, guessed=generic))
    specific = {h.name for h in hits if not h.guessed and h.name.startswith("机动车驾驶证")}
    hits = [CertificateHit(h.name, h.start, h.end, h.preferred) for h in hits if not (h.guessed and specific)]
    return hits


def _in_context(upper: str, start: int, end: int) -> bool:
    if _CONTEXT_AFTER.match(upper, end):
        return True
    held = _HOLD_BEFORE.search(upper, max(0, start - 6), start) is not None
    if _JOB_LIKE.fullmatch(upper, start, end) and (_COUNT_AFTER.match(upper, end) or not held):
        return False  # 需钢筋工6人, 要求电焊工: the job, not its certificate
    return _CONTEXT_BEFORE.search(upper, max(0, start - 6), start) is not None


def _edge_inside_word(upper: str, start: int, end: int) -> bool:
    """A licence class glued to other letters or digits (``AB2``, ``B21``, ``N10``) is not that class."""
    first, last = upper[start], upper[end - 1]
    left = upper[start - 1] if start > 0 else ""
    right = upper[end] if end < len(upper) else ""
    return (first.isascii() and first.isalnum() and left.isascii() and left.isalnum()) or (
        last.isascii() and last.isalnum() and right.isascii() and right.isalnum()
    )


def unnamed_requirement(src: Source) -> tuple[int, int] | None:
    """The span of ``持证上岗`` / ``需持证`` when the ad requires a certificate it does not name, else None."""
    m = _HOLD_UNNAMED.search(src.norm)
    if m is None:
        return None
    clause_start, clause_end = clause_of(src.norm, m.start())
    if _OFFERED.search(src.norm[clause_start : m.start()]) or _PREFERRED.search(src.norm, m.end(), clause_end):
        return None
    return m.start(), m.end()
