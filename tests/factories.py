"""Test data built through the services, so that it obeys the same rules as real data."""

import datetime
import decimal
import itertools
from typing import NamedTuple

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import ric

from mediation.models import (
    Authority,
    AuthorityKind,
    Case,
    CaseKind,
    CaseStatus,
    EarlyWarning,
    EntityKind,
    MarketEntity,
    Region,
    WarningKind,
)
from mediation.rules import Period
from mediation.services.cases import complaint_submit, report_submit
from mediation.services.early_warnings import warnings_detect_for_complaint
from mediation.services.joint import joint_complaint_propose, joint_representatives_elect
from mediation.services.people import consumer_register, merchant_staff_add, official_add
from mediation.services.periods import period_start
from mediation.services.registry import entity_register
from mediation.services.room_tools import mediation_terminate
from mediation.services.rooms import mediation_start
from mediation.services.settlement import agreement_record, document_sign, proposal_make, proposal_respond
from mediation.services.synthetic_registry import synthetic_uscc
from mediation.services.transitions import case_transition

_serials = itertools.count(10_000)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    # Tests log in with force_login; hashing a real password would cost a third of a second each.
    password = "!unusable"


_identities = itertools.count(1)


def resident_id(region_code: str = "110105", birth: str = "19900307", serial: str | None = None) -> str:
    """A valid resident identity number; without a serial, a new person's (one identity holds one
    account)."""
    serial = serial or f"{next(_identities) % 999 + 1:03d}"
    body = region_code + birth + serial
    return body + ric.calc_check_digit(body + "0")


def uscc(region_code: str = "330106") -> str:
    return synthetic_uscc(region_code, next(_serials))


def consumer(*, home_region: str | None = "110105", real_name: str = "张三", phone: str = "13812345678", **extra):
    region = Region.objects.get(code=home_region) if home_region else None
    return consumer_register(
        user=UserFactory(),
        real_name=real_name,
        id_number=resident_id(),
        phone=phone,
        home_region=region,
        **extra,
    )


def shop(*, region: str = "330106", name: str = "杭州西湖鑫达家用电器有限公司", **extra):
    return entity_register(
        name=name,
        uscc=uscc(region),
        business_region=Region.objects.get(code=region),
        business_address="文三路100号",
        **extra,
    )


def platform(*, region: str = "330110", name: str = "杭州云购网络科技有限公司"):
    return entity_register(
        name=name,
        kind=EntityKind.PLATFORM,
        uscc=uscc(region),
        business_region=Region.objects.get(code=region),
        business_address="文一西路969号",
    )


def bureau(region_code: str) -> Authority:
    return Authority.objects.get(kind=AuthorityKind.BUREAU, region_id=region_code)


def consumer_association(region_code: str = "330100", name: str = "杭州市消费者权益保护委员会") -> Authority:
    """The consumer association of a region (one per region: the reference data load one for every
    prefecture and county), under `name` (Order 121 Art. 19)."""
    association, _created = Authority.objects.update_or_create(
        kind=AuthorityKind.CONSUMER_ASSOCIATION, region_id=region_code, defaults={"name": name}
    )
    return association


def official(authority: Authority):
    return official_add(user=UserFactory(), authority=authority).user


def merchant(entity):
    return merchant_staff_add(user=UserFactory(), entity=entity).user


# A business licence scanned to PDF, as small as a whole PDF can be.
CLAIM_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def business_claim(entity, *, applicant=None, applicant_name: str = "王建国", document: bytes = CLAIM_PDF):
    """A pending claim of `entity`'s registry entry (认领) by its legal representative, from
    `applicant` (a new account without a role if None)."""
    from mediation.services.business_accounts import business_claim_submit

    return business_claim_submit(
        applicant=applicant or UserFactory(),
        uscc=entity.uscc,
        applicant_name=applicant_name,
        applicant_role="legal_representative",
        document_name="营业执照.pdf",
        document_content=document,
    )


def business_administrator(entity, *, official_user=None):
    """The administrator of `entity`'s accounts: its claim, approved by an official of its bureau."""
    from mediation.selectors.business_accounts import deciding_bureau
    from mediation.services.business_accounts import claim_approve

    claim = business_claim(entity)
    claim_approve(claim=claim, actor=official_user or official(deciding_bureau(entity)))
    return get_user_model().objects.get(pk=claim.applicant_id)  # read again: now with its staff record


def complaint(*, consumer, entity, **extra) -> Case:
    fields = {
        "facts": "空调用了一周就不制冷，商家拒绝退货。",
        "category": "G02",
        "demand": "refund",
        "brand": "格力",
        "purchase_date": timezone.localdate() - datetime.timedelta(days=10),
        "amount": decimal.Decimal("3500.00"),
        **extra,
    }
    return complaint_submit(consumer=consumer, entity=entity, **fields)


class PrepaidRunaway(NamedTuple):
    shop: MarketEntity
    complaints: list[Case]
    # Every warning detection raised on the last complaint, and the runaway's own among them.
    raised: list[EarlyWarning]

    @property
    def warning(self) -> EarlyWarning:
        (runaway,) = [warning for warning in self.raised if warning.kind == WarningKind.PREPAID_RUNAWAY]
        return runaway


def prepaid_runaway(*, region: str = "330106", name: str = "杭州西湖悦动健身服务有限公司") -> PrepaidRunaway:
    """Five prepaid-card complaints within days against a gym of `region`, from consumers of the
    same county, and the warnings detection raises when the last is filed."""
    gym = shop(region=region, name=name)
    complaints = [
        complaint(
            consumer=consumer(home_region=region, phone=f"1390000{index:04d}"),
            entity=gym,
            category="S03",
            facts="健身房年卡充了三千，现在店关门了，老板跑路了。",
        )
        for index in range(5)
    ]
    return PrepaidRunaway(gym, complaints, warnings_detect_for_complaint(case_id=complaints[-1].pk))


def report(*, reporter, entity, **extra) -> Case:
    fields = {"facts": "店里在卖没有3C标志的电热水壶。", "violation_type": "counterfeit", **extra}
    if fields.get("is_anonymous"):  # anonymous reports come by phone, letter or visit, never online
        fields.setdefault("intake_channel", "hotline")
    return report_submit(reporter=reporter, entity=entity, **fields)


# Statuses a complaint reaches only after its business was told of it (ODR or acceptance).
_BUSINESS_TOLD = {"odr", "accepted", "mediating", "settled", "terminated"}


def with_status(case: Case, status: str) -> Case:
    """Put a case in a status for a test's starting point (tests only; the product moves cases
    through the transition service)."""
    told = {"business_notified_at": timezone.now()} if status in _BUSINESS_TOLD and case.is_complaint else {}
    Case.objects.filter(pk=case.pk).update(status=status, **told)
    case.refresh_from_db()
    period = _RUNNING_PERIOD.get((case.kind, status))
    if period is not None:  # the period the move into this status would have started today
        (field,) = period_start(case, period, timezone.localdate())
        case.next_due = getattr(case, field)
        case.save(update_fields=[field, "next_due"])
    return case


_RUNNING_PERIOD = {
    (CaseKind.COMPLAINT, CaseStatus.ODR): Period.ODR_SETTLEMENT,
    (CaseKind.COMPLAINT, CaseStatus.ACCEPTED): Period.MEDIATION,
    (CaseKind.COMPLAINT, CaseStatus.MEDIATING): Period.MEDIATION,
    (CaseKind.COMPLAINT, CaseStatus.TERMINATED): Period.TERMINATION_NOTICE,
    (CaseKind.REPORT, CaseStatus.CASE_OPENED): Period.PENALTY_DECISION,
}


def consent_both(case: Case, *, official=None) -> Case:
    """Both parties agree to mediation (Order 121 Art. 18): each on their case page, or, for a party
    without an account, recorded by the handling `official` as given by phone."""
    staff = case.entity.staff.first()
    for party, user in (("consumer", case.consumer.user), ("business", staff.user if staff else None)):
        if user is not None:
            case = case_transition(case=case, action="consent_to_mediation", actor=user)
        else:
            case = case_transition(
                case=case, action="record_consent", actor=official, ground=party, reason="电话确认同意调解"
            )
    return case


def entrustment_consent_both(case: Case, *, official) -> Case:
    """Both parties agreed, by phone, to entrusting the mediation (Order 121 Art. 19), recorded by the
    handling `official`."""
    for party in ("consumer", "business"):
        case = case_transition(
            case=case, action="record_entrustment_consent", actor=official, ground=party, reason="电话确认"
        )
    return case


def joint_complaint(case: Case, *, official, consented: bool = False, representative_settled: bool = False):
    """`case` and another complainant's complaint against the same business, proposed for joint
    handling (Order 121 Art. 12) by the handling `official`; with `consented` both complainants agreed
    (by phone), with `representative_settled` the other complainant was elected representative and
    their complaint settled. Returns (the joint complaint, the other complaint)."""
    other = complaint(consumer=consumer(real_name="李四", phone="13900001111"), entity=case.entity)
    other = with_status(other, case.status)
    joint = joint_complaint_propose(
        official_user=official, numbers=[case.number, other.number], dispute="同一批次空调不制冷"
    )
    if consented or representative_settled:
        for member in (case, other):
            case_transition(case=member, action="record_joint_consent", actor=official, reason="电话确认同意共同投诉")
    if representative_settled:
        joint_representatives_elect(
            official_user=official,
            joint=joint,
            numbers=[other.number],
            election_record="两名投诉人签字推选，12月1日收到",
        )
        other = with_status(other, CaseStatus.SETTLED)
        Case.objects.filter(pk=other.pk).update(settlement_terms="退款3000元")
        other.refresh_from_db()
    return joint, other


def settle_in_room(case: Case, *, refund: str = "3000") -> Case:
    """Settle a complaint in mediation the way the product does: in its room, on the business's
    proposal, accepted and signed by both parties and recorded by the lead mediator."""
    seats = {seat.role: seat for seat in case.room.participants.all()}
    proposal = proposal_make(seat=seats["merchant"], terms={"refund_amount": refund})
    proposal_respond(seat=seats["consumer"], number=proposal.number, response="accept")
    document_sign(seat=seats["consumer"])
    document_sign(seat=seats["merchant"])
    agreement_record(seat=seats["lead_mediator"])
    return Case.objects.get(pk=case.pk)


def terminate_in_room(case: Case, *, ground: str = "agreement_impossible") -> Case:
    """The lead mediator terminates the mediation in its room."""
    lead = case.room.participants.get(role="lead_mediator")
    mediation_terminate(actor=lead, reason=ground)
    return Case.objects.get(pk=case.pk)


class Places:
    def __init__(self):
        self.xihu = Region.objects.get(code="330106")  # 杭州市西湖区
        self.yuhang = Region.objects.get(code="330110")  # 杭州市余杭区
        self.chaoyang = Region.objects.get(code="110105")  # 北京市朝阳区
        self.shenzhen_nanshan = Region.objects.get(code="440305")
        self.hong_kong = Region.objects.get(code="810000")
        self.macao = Region.objects.get(code="820000")


class World:
    def __init__(self, places: Places):
        self.places = places
        self.shop = shop(is_odr=True)
        self.shop_staff = merchant(self.shop)
        self.shop_bureau = bureau("330106")
        self.shop_official = official(self.shop_bureau)
        self.consumer = consumer()
        self.consumer_user = self.consumer.user
        self.home_bureau = bureau("110105")
        self.home_official = official(self.home_bureau)
        self.outsider_official = official(bureau("440305"))
        self.superior_official = official(bureau("330100"))  # 杭州市, above the shop's 西湖区 bureau


class RoomWorld(World):
    """A cross-region complaint in mediation: a consumer from 北京朝阳区 against a shop in 杭州西湖区,
    mediated by the shop's bureau (lead) with the consumer's home bureau (co-mediator)."""

    def __init__(self):
        super().__init__(Places())
        self.case = complaint(consumer=self.consumer, entity=self.shop)
        self.case = consent_both(case_transition(case=self.case, action="accept", actor=self.shop_official))
        self.room = mediation_start(case=self.case, actor=self.shop_official, co_mediator=self.home_official)
        self.number = self.case.number
        self.seats = {seat.role: seat for seat in self.room.participants.all()}


__all__ = ["CaseStatus", "UserFactory"]
