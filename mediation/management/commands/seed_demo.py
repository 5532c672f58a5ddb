"""A demo to click through: businesses, one user of each role, and cases including a cross-region
and a cross-border one. Running it again resets the demo users' passwords and adds no duplicates."""

import datetime
import decimal
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from mediation.models import (
    Authority,
    AuthorityKind,
    Case,
    Consumer,
    EntityKind,
    MarketEntity,
    MerchantStaff,
    Official,
    Region,
)
from mediation.services.accounts import bot_service_account_ensure
from mediation.services.assistance import official_duty_set
from mediation.services.cases import complaint_submit, report_submit
from mediation.services.people import consumer_register, official_add
from mediation.services.registry import entity_register
from mediation.services.rooms import mediation_start
from mediation.services.synthetic_registry import synthetic_uscc
from mediation.services.transitions import case_transition

User = get_user_model()


def _resident_id(region_code: str, birth: str, serial: str) -> str:
    body = region_code + birth + serial
    return body + ric.calc_check_digit(body + "0")  # the check digit is computed over the first 17


class Command(BaseCommand):
    help = "Seed demo businesses, users (printed with their passwords) and cases."

    def _user(self, username: str, **extra) -> tuple:
        password = secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(username=username, defaults=extra)
        for field, value in extra.items():
            setattr(user, field, value)
        user.set_password(password)
        user.save()
        return user, password

    def _entity(self, name: str, **fields) -> MarketEntity:
        existing = MarketEntity.objects.filter(name=name).first()
        return existing or entity_register(name=name, **fields)

    @transaction.atomic
    def handle(self, *args, **options):
        region = Region.objects.get
        xihu, yuhang, chaoyang = region(code="330106"), region(code="330110"), region(code="110105")
        hong_kong = region(code="810000")

        shop = self._entity(
            "杭州西湖鑫达家用电器有限公司",
            uscc=synthetic_uscc("330106", 1),
            business_region=xihu,
            business_address="杭州市西湖区文三路100号",
            is_odr=True,
        )
        platform = self._entity(
            "杭州云购网络科技有限公司",
            kind=EntityKind.PLATFORM,
            uscc=synthetic_uscc("330110", 2),
            business_region=yuhang,
            business_address="杭州市余杭区文一西路969号",
        )
        self._entity(
            "好物优选旗舰店",
            kind=EntityKind.PLATFORM_MERCHANT,
            platform=platform,
            uscc=synthetic_uscc("440305", 3, individual=True),
        )
        hk_shop = self._entity(
            "香港铜锣湾美妆店", country_code="HK", business_region=hong_kong, business_address="香港铜锣湾轩尼诗道500号"
        )

        users = []
        consumer_user, password = self._user("consumer")
        users.append(("consumer", "consumer (北京市朝阳区)", password))
        consumer = Consumer.objects.filter(user=consumer_user).first() or consumer_register(
            user=consumer_user,
            real_name="张三",
            id_number=_resident_id("110105", "19900307", "123"),
            phone="13812345678",
            home_region=chaoyang,
        )
        merchant_user, password = self._user("merchant")
        MerchantStaff.objects.get_or_create(user=merchant_user, defaults={"entity": shop})
        users.append(("merchant", shop.name, password))
        xihu_bureau = Authority.objects.get(kind=AuthorityKind.BUREAU, region=xihu)
        chaoyang_bureau = Authority.objects.get(kind=AuthorityKind.BUREAU, region=chaoyang)
        hk_council = Authority.objects.get(kind=AuthorityKind.PARTNER_AGENCY, region=hong_kong)
        for username, authority in (
            ("official-xihu", xihu_bureau),
            ("official-chaoyang", chaoyang_bureau),
            ("partner-hk", hk_council),
        ):
            user, password = self._user(username)
            if not Official.objects.filter(user=user).exists():
                official = official_add(user=user, authority=authority)
                if authority == chaoyang_bureau:
                    # The demo consumer's home bureau answers when they ask the bot for a person.
                    official_duty_set(official=official, on_duty=True)
            users.append((username, authority.name, password))
        admin, password = self._user("admin", is_staff=True, is_superuser=True)
        users.append(("admin", "superuser", password))
        token = bot_service_account_ensure()

        if not Case.objects.filter(consumer=consumer).exists():
            now = timezone.now()
            cross_region = complaint_submit(
                consumer=consumer,
                entity=shop,
                facts="在店里买的空调用了一周就不制冷，商家不给退货。",
                category="G02",
                demand="refund",
                brand="格力",
                purchase_date=timezone.localdate(now) - datetime.timedelta(days=10),
                amount=decimal.Decimal("3500.00"),
                received_at=now,
            )
            # The cross-region complaint is accepted and in mediation, so that its live room is open.
            lead = Official.objects.get(user__username="official-xihu").user
            co_mediator = Official.objects.get(user__username="official-chaoyang").user
            cross_region = case_transition(case=cross_region, action="accept", actor=lead)
            for party in (consumer_user, merchant_user):  # both agree to mediate (Order 121 Art. 18)
                cross_region = case_transition(case=cross_region, action="consent_to_mediation", actor=party)
            mediation_start(case=cross_region, actor=lead, co_mediator=co_mediator)
            complaint_submit(
                consumer=consumer,
                entity=hk_shop,
                facts="在香港购买的面霜是假货，要求退款。",
                category="G07",
                demand="refund",
                amount=decimal.Decimal("880.00"),
                currency="HKD",
            )
            report_submit(
                reporter=consumer,
                entity=shop,
                facts="看到店里在卖没有3C标志的电热水壶。",
                violation_type="counterfeit",
            )

        self.stdout.write(self.style.SUCCESS("Demo users (user name / who / password):"))
        for username, who, password in users:
            self.stdout.write(f"  {username:<18} {who:<24} {password}")
        self.stdout.write(f"  triage bot API token: {token.key}")
        cases = Case.objects.filter(consumer=consumer).order_by("number")
        for case in cases:
            flags = "cross-border" if case.is_cross_border else "cross-region" if case.is_cross_region else "local"
            self.stdout.write(f"  case {case.number}: {case.get_kind_display()} / {flags} / {case.handling_authority}")
            if hasattr(case, "room"):
                self.stdout.write(
                    f"    live room: ws://127.0.0.1:8000/ws/rooms/{case.number}/ (see docs/room-protocol.md)"
                )
