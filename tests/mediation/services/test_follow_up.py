"""The follow-up (回访, Order 121 Art. 26: "市场监督管理部门可以采取抽查、回访等方式，加强对投诉处理情况的评估"):
the complainant rates how their closed complaint was handled, once; the handling bureau reads the
ratings; the public disclosure shows a business's average only from the published minimum of
ratings on (settings.FOLLOW_UP_MIN_RATINGS_PUBLISHED), and never a comment or who rated."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mediation.models import CaseStatus, FollowUp, Notification
from mediation.selectors.disclosure import complaint_disclosure
from mediation.selectors.follow_up import bureau_follow_ups, case_follow_up
from mediation.services.errors import DomainError
from mediation.services.follow_up import MAX_COMMENT_LENGTH, follow_up_rate
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import client_for


def closed_complaint(world, consumer=None):
    """A complaint accepted, mediated by the parties' own agreement (terminated here) and closed by
    the bureau, as the life cycle does it."""
    consumer = consumer or world.consumer
    case = factories.complaint(consumer=consumer, entity=world.shop)
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    case = factories.with_status(case, CaseStatus.TERMINATED)
    return case_transition(case=case, action="close", actor=world.shop_official)


def test_the_complainant_rates_a_closed_complaint_once(world):
    case = closed_complaint(world)
    follow_up = follow_up_rate(case=case, actor=world.consumer_user, rating=4, comment="处理及时，态度好。")
    assert (follow_up.rating, follow_up.comment, follow_up.rated_by) == (4, "处理及时，态度好。", world.consumer_user)
    with pytest.raises(DomainError):
        follow_up_rate(case=case, actor=world.consumer_user, rating=5, comment="")
    assert FollowUp.objects.get(case=case).rating == 4


def test_closing_asks_the_complainant_to_rate(world):
    case = closed_complaint(world)
    assert Notification.objects.filter(case=case, kind="rate_handling", user=world.consumer_user).count() == 1


@pytest.mark.parametrize("who", ["shop_staff", "shop_official", "home_official", "outsider_official"])
def test_only_the_complainant_rates(world, who):
    case = closed_complaint(world)
    with pytest.raises(PermissionDenied):
        follow_up_rate(case=case, actor=getattr(world, who), rating=1, comment="")
    stranger = factories.consumer(real_name="李四")
    with pytest.raises(PermissionDenied):
        follow_up_rate(case=case, actor=stranger.user, rating=1, comment="")
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "status",
    [CaseStatus.ACCEPTED, CaseStatus.MEDIATING, CaseStatus.SETTLED, CaseStatus.TERMINATED, CaseStatus.WITHDRAWN],
)
def test_not_before_the_complaint_is_closed(world, status):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = factories.with_status(case, status)
    with pytest.raises(DomainError):
        follow_up_rate(case=case, actor=world.consumer_user, rating=5, comment="")


@pytest.mark.parametrize(
    ("rating", "comment", "field"),
    [(0, "", "rating"), (6, "", "rating"), ("五", "", "rating"), (None, "", "rating"), (3, "好" * 501, "comment")],
)
def test_a_rating_from_1_to_5_and_a_short_comment(world, rating, comment, field):
    case = closed_complaint(world)
    with pytest.raises(ValidationError) as refused:
        follow_up_rate(case=case, actor=world.consumer_user, rating=rating, comment=comment)
    assert field in refused.value.message_dict
    assert MAX_COMMENT_LENGTH == 500
    follow_up_rate(case=case, actor=world.consumer_user, rating=3, comment="好" * 500)


def test_a_report_is_not_rated(world):
    report = factories.report(reporter=world.consumer, entity=world.shop)
    report = factories.with_status(report, CaseStatus.CLOSED)
    with pytest.raises(DomainError):
        follow_up_rate(case=report, actor=world.consumer_user, rating=5, comment="")


def test_the_case_page_part_the_complainant_and_the_handling_bureau_see(world):
    case = closed_complaint(world)
    mine = case_follow_up(case, user=world.consumer_user)
    assert mine.may_rate and mine.follow_up is None
    assert case_follow_up(case, user=world.shop_official) is None  # nothing rated yet
    follow_up_rate(case=case, actor=world.consumer_user, rating=2, comment="等了很久")
    assert not case_follow_up(case, user=world.consumer_user).may_rate
    assert case_follow_up(case, user=world.shop_official).follow_up.comment == "等了很久"
    for other in (world.shop_staff, world.outsider_official):
        assert case_follow_up(case, user=other) is None


def test_the_bureau_reads_its_ratings_by_period(world):
    ratings = [5, 4, 1]
    for rating in ratings:
        consumer = factories.consumer(real_name="王五")
        case = closed_complaint(world, consumer)
        follow_up_rate(case=case, actor=consumer.user, rating=rating, comment="")
    today = timezone.localdate()
    figures = bureau_follow_ups(authority=world.shop_bureau, since=today - datetime.timedelta(days=30), until=today)
    assert figures.count == 3 and figures.average == pytest.approx(10 / 3)
    assert dict(figures.by_rating) == {5: 1, 4: 1, 3: 0, 2: 0, 1: 1}
    assert [(count, average) for _month, count, average in figures.by_month] == [(3, pytest.approx(10 / 3))]
    earlier = bureau_follow_ups(
        authority=world.shop_bureau, since=today - datetime.timedelta(days=60), until=today - datetime.timedelta(1)
    )
    assert earlier.count == 0 and earlier.average is None
    other = bureau_follow_ups(authority=world.home_bureau, since=today - datetime.timedelta(days=30), until=today)
    assert other.count == 0


@pytest.mark.parametrize(("given", "shown"), [(4, None), (5, 3.4)])
def test_the_disclosure_shows_the_average_from_the_minimum_of_ratings_on(world, settings, given, shown):
    settings.FOLLOW_UP_MIN_RATINGS_PUBLISHED = 5
    comment = "经办人王某某很负责"
    for rating in [5, 4, 3, 3, 2][:given]:
        consumer = factories.consumer(real_name="王五")
        case = closed_complaint(world, consumer)
        follow_up_rate(case=case, actor=consumer.user, rating=rating, comment=comment)
    disclosure = complaint_disclosure(entity=world.shop)
    assert disclosure.rating.count == given
    assert disclosure.rating.average == (pytest.approx(shown) if shown else None)
    page = client_for(world.consumer_user).get(f"/disclosure/{world.shop.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    if shown:
        assert "3.4" in text
    else:
        assert "Not enough ratings" in text
    assert comment not in text and "王五" not in text  # never the comments, never who rated


def test_ratings_of_complaints_not_accepted_do_not_count_for_the_business(world, settings):
    settings.FOLLOW_UP_MIN_RATINGS_PUBLISHED = 1
    consumer = factories.consumer(real_name="王五")
    case = factories.complaint(consumer=consumer, entity=world.shop)
    case = case_transition(case=case, action="not_accept", actor=world.shop_official, ground="time_barred")
    case = case_transition(case=case, action="close", actor=world.shop_official)
    follow_up_rate(case=case, actor=consumer.user, rating=1, comment="")
    assert complaint_disclosure(entity=world.shop).rating.count == 0
