"""Free-text ads (``ads.jsonl``) for some of the demo city's openings, each with the labels the posting
parser is scored on (the conventions of ``bench/data/README.md``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest.demo.draw import Draw
from ingest.demo.employers import openings_data

if TYPE_CHECKING:
    from ingest.demo.postings import Opening

__all__ = ["ad_text"]


def ad_text(rng: Draw, o: Opening) -> tuple[str, dict[str, Any]]:
    """A WeChat-style ad for ``o`` and its 11 labels (``bench/data/README.md``): every labelled field is said
    in words the conventions read one way; phone, dates and shift hours are there to distract."""
    phrases = openings_data()["ad"]
    head = rng.choice(phrases["head"]).format(t=o.title, e=o.employer.name)
    if o.destination:
        head = f"【外出务工】组团赴{o.destination}\n{o.title}"
    body = [o.description.split("。")[0]]
    if o.headcount:
        body.append(rng.choice(phrases["count"]).format(n=o.headcount))
    elif rng.random() < 0.5:
        body.append("招聘若干名")
    body += [_ad_people(rng, o)]
    body += [rng.choice(phrases["required"]).format(c=_cert_text(rng, c)) for c in o.required]
    body += [rng.choice(phrases["preferred"]).format(c=_cert_text(rng, c)) for c in o.preferred]
    body += [_ad_pay(rng, o), rng.choice(phrases["board"][_flag(o.meals) + _flag(o.housing)])]
    if rng.random() < 0.6:
        body.append(o.shift)
    contact = rng.choice(phrases["contact"]).format(p=o.employer.contact_phone, n=o.employer.contact_name,
                                                    s=o.employer.contact_name[0])  # fmt: skip
    if rng.random() < 0.5:
        contact = f"{o.deadline.month}月{o.deadline.day}日前报名，" + contact
    expected = {
        "headcount": o.headcount, "salary_min": o.pay_min, "salary_max": o.pay_max, "salary_period": o.pay_period,
        "age_min": o.age_min, "age_max": o.age_max, "gender": {"男": "male", "女": "female"}.get(o.sex or ""),
        "certificates_required": list(o.required), "certificates_preferred": list(o.preferred),
        "meals": o.meals, "housing": o.housing,
    }  # fmt: skip
    return head + "\n" + "，".join(p for p in body if p) + "。\n" + contact, expected


def _flag(value: bool | None) -> str:
    return "-" if value is None else "1" if value else "0"


def _ad_people(rng: Draw, o: Opening) -> str:
    a, b = o.age_min, o.age_max
    age = f"{a}-{b}周岁" if a and b else f"{b}岁以下" if b else f"{a}周岁以上" if a else rng.choice(("年龄不限", ""))
    sex = {"男": "男", "女": rng.choice(("女", "限女性"))}.get(o.sex or "", rng.choice(("男女不限", "")))
    school = "" if o.education == "不限" else o.education + "学历"
    return "，".join(p for p in (sex, age, school) if p)


def _cert_text(rng: Draw, canonical: str) -> str:
    texts: list[str] = openings_data()["cert_texts"][canonical]
    return rng.choice(texts)


def _ad_pay(rng: Draw, o: Opening) -> str:
    a, b = o.pay_min, o.pay_max
    form = ("commission" if o.commission else "open") if b is None else "single" if a == b else "range"
    options: list[str] = openings_data()["ad"]["pay"][o.pay_period][form]
    values = {"a": a, "b": b, "u": o.unit or "件", "za": _zh_amount(a), "zb": _zh_amount(b)}
    values |= {"ka": _kilo(a), "kb": _kilo(b)}
    usable = [p for p in options if all(values[k[1:-1]] is not None for k in _fields(p))]
    return rng.choice(usable).format(**values)


def _fields(pattern: str) -> list[str]:
    return [pattern[i : pattern.index("}", i) + 1] for i, ch in enumerate(pattern) if ch == "{"]


def _kilo(value: float | None) -> str | None:
    """4500 -> "4.5", 6000 -> "6" (for 4.5k-6k); None when not a multiple of 500."""
    if value is None or value < 1000 or value % 500:
        return None
    return str(int(value) // 1000) if value % 1000 == 0 else f"{value / 1000:.1f}"


def _zh_amount(value: float | None) -> str | None:
    """3500 -> 三千五, 2000 -> 两千, 12000 -> 一万二; None for amounts people do not say that way."""
    digits = "零一二三四五六七八九"
    if value is None or value % 100 or not 1000 <= value < 20000:
        return None
    n = int(value)
    if n >= 10000:
        return None if n % 1000 else "一万" + (digits[n // 1000 % 10] if n % 10000 else "")
    head = "两" if n // 1000 == 2 else digits[n // 1000]
    return head + "千" + (digits[n // 100 % 10] if n % 1000 else "")
