"""What a published penalty decision may say (市场监督管理行政处罚信息公示规定 Art. 6, 7): the text served
on the party, with personal information and business secrets processed. The reporter never appears;
neither do other natural persons' identity numbers, phone numbers or bank account numbers, wherever
the text holds them; passages the official marks as business secrets are withheld."""

import dataclasses
import re

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

from mediation.models import Case, MarketEntity

# The marks that replace what is withheld; the public page explains them. Language-neutral on purpose:
# the document is published as served, whatever the reader's language.
PERSONAL = "＊＊＊"
SECRET = "［…］"

# 18-character resident identity numbers (GB 11643): 17 digits and a check character.
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# Bank card and account numbers: 16 to 19 digits, maybe grouped by spaces or hyphens, passing Luhn.
_ACCOUNT_CANDIDATE = re.compile(r"(?<![\d])\d(?:[ -]?\d){15,18}(?![\d])")


@dataclasses.dataclass
class Processed:
    text: str
    # How many of each kind were withheld: reporter, id_number, phone, bank_account, secret.
    withheld: dict[str, int] = dataclasses.field(default_factory=dict)

    def count(self, kind: str, number: int = 1) -> None:
        if number:
            self.withheld[kind] = self.withheld.get(kind, 0) + number


def reporter_traces(case: Case) -> list[str]:
    """What would lead to the reporter: their real name, phone (as written in China and in E.164),
    identity number and mailing address, their e-mail and user name, the report's number and that of
    the complaint filed with it."""
    traces = [case.number]
    if case.linked_case_id is not None:
        traces.append(case.linked_case.number)
    consumer = case.consumer if case.consumer_id else None
    identity = getattr(consumer, "identity", None) if consumer is not None else None
    if identity is not None:
        traces += [identity.real_name, identity.id_number, identity.mailing_address]
        phone = identity.phone or ""
        traces.append(phone)
        if phone.startswith("+86"):
            national = phone[3:]
            traces += [
                national,
                f"{national[:3]}-{national[3:7]}-{national[7:]}",
                f"{national[:3]} {national[3:7]} {national[7:]}",
            ]
    user = consumer.user if consumer is not None and consumer.user_id else None
    if user is not None:
        traces += [user.email, user.username]
    # Longest first, so that a name inside an address is not cut out of it first. Two characters at
    # least: a Chinese name has two or more, and a single character would cut words apart.
    return sorted({trace.strip() for trace in traces if trace and len(trace.strip()) >= 2}, key=len, reverse=True)


def _mask_reporter(result: Processed, traces: list[str]) -> None:
    for trace in traces:
        found = result.text.count(trace)
        if found:
            result.text = result.text.replace(trace, PERSONAL)
            result.count("reporter", found)


def _mask_id_numbers(result: Processed, keep: set[str]) -> None:
    def replace(match: re.Match) -> str:
        value = match.group(0)
        if value.upper() in keep or not ric.is_valid(value):
            return value
        result.count("id_number")
        return PERSONAL

    result.text = _ID_CANDIDATE.sub(replace, result.text)


def _mask_bank_accounts(result: Processed, keep: set[str]) -> None:
    def replace(match: re.Match) -> str:
        digits = re.sub(r"[ -]", "", match.group(0))
        if digits in keep or not luhn.is_valid(digits):
            return match.group(0)
        result.count("bank_account")
        return PERSONAL

    result.text = _ACCOUNT_CANDIDATE.sub(replace, result.text)


def _mask_phones(result: Processed) -> None:
    matches = list(phonenumbers.PhoneNumberMatcher(result.text, "CN", leniency=phonenumbers.Leniency.VALID))
    for match in reversed(matches):
        result.text = result.text[: match.start] + PERSONAL + result.text[match.end :]
    result.count("phone", len(matches))


def _withhold_secrets(result: Processed, passages: list[str]) -> None:
    for passage in sorted({p.strip() for p in passages if p.strip()}, key=len, reverse=True):
        found = result.text.count(passage)
        if found:
            result.text = result.text.replace(passage, SECRET)
            result.count("secret", found)


def processed_for_publication(
    text: str, *, case: Case, entity: MarketEntity, secrets: list[str] | None = None
) -> Processed:
    """`text` as it may be published: the business secrets withheld, then the reporter's traces,
    then any identity number (the business's own credit code kept), bank account and phone number."""
    result = Processed(text or "")
    _withhold_secrets(result, secrets or [])
    _mask_reporter(result, reporter_traces(case))
    keep = {(entity.uscc or "").upper()}
    _mask_id_numbers(result, keep=keep)
    _mask_bank_accounts(result, keep=keep)
    _mask_phones(result)
    return result
