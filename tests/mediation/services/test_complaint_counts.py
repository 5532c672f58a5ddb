"""The counts the analysis reads: kept as complaints are filed and corrected, and the same when
recomputed from the cases. Expected figures are counted here from what each test filed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from mediation.models import Case, CaseEvent, ComplaintCount, EntityComplaintCount, TermCount
from mediation.services.cases import case_correct
from mediation.services.complaint_counts import complaint_counts_rebuild
from mediation.services.problem_types import problem_types_correct
from mediation.services.transitions import case_transition
from tests import factories

XIHU, HANGZHOU, ZHEJIANG = "330106", "330100", "330000"
NANSHAN, SHENZHEN, GUANGDONG = "440305", "440300", "440000"


def total(region: str, *, category: str = "", problem_type: str = "", day=None) -> int:
    rows = ComplaintCount.objects.filter(region_code=region, category=category, problem_type=problem_type)
    if day is not None:
        rows = rows.filter(day=day)
    return sum(rows.values_list("count", flat=True))


def snapshot() -> dict:
    """Every count that is not zero, by table and key."""
    return {
        "regions": {
            (row.region_code, row.region_level, row.parent_code, row.category, row.problem_type, row.day): row.count
            for row in ComplaintCount.objects.exclude(count=0)
        },
        "entities": {
            (row.entity_id, row.category, row.day, row.county_code, row.prefecture_code, row.province_code): row.count
            for row in EntityComplaintCount.objects.exclude(count=0)
        },
        "terms": {(row.region_code, row.week, row.term): row.count for row in TermCount.objects.exclude(count=0)},
    }


@pytest.fixture
def filed(places):
    """Three complaints against a shop of 西湖区 (two appliances, one phone), one against a shop of
    南山区, and a report against the first shop."""
    xihu_shop = factories.shop()
    nanshan_shop = factories.shop(region=NANSHAN, name="深圳南山星辰数码有限公司")
    consumer = factories.consumer()
    cases = [
        factories.complaint(consumer=consumer, entity=xihu_shop, facts="空调用了一周就坏了，不制冷，商家拒绝退货。"),
        factories.complaint(consumer=consumer, entity=xihu_shop, facts="冰箱漏水，售后一直推诿不处理。"),
        factories.complaint(
            consumer=consumer, entity=xihu_shop, category="G11", facts="手机充电时爆炸了，手被烫伤，商家不给退。"
        ),
        factories.complaint(
            consumer=consumer, entity=nanshan_shop, category="G11", facts="快递一直没送到，已经两周了。"
        ),
    ]
    factories.report(reporter=consumer, entity=xihu_shop)
    return xihu_shop, nanshan_shop, cases


def test_a_complaint_is_counted_once_at_each_level_of_the_businesss_region(filed):
    _xihu_shop, _nanshan_shop, cases = filed
    today = timezone.localdate()
    # The report is not a complaint: three complaints in 西湖区, one in 南山区.
    assert (total(XIHU), total(HANGZHOU), total(ZHEJIANG)) == (3, 3, 3)
    assert (total(NANSHAN), total(SHENZHEN), total(GUANGDONG)) == (1, 1, 1)
    assert total(XIHU, day=today) == 3
    assert total(ZHEJIANG, category="G02") == 2
    assert total(ZHEJIANG, category="G11") == 1
    # Each problem type counts the complaints that have it; a complaint with two is in both rows
    # and once in the total.
    zhejiang_cases = [Case.objects.get(pk=case.pk) for case in cases[:3]]
    assert any(len(case.problem_types) > 1 for case in zhejiang_cases)
    for problem_type in {type_ for case in zhejiang_cases for type_ in case.problem_types}:
        expected = sum(problem_type in case.problem_types for case in zhejiang_cases)
        assert total(ZHEJIANG, problem_type=problem_type) == expected
        assert total(HANGZHOU, problem_type=problem_type) == expected
    phone = zhejiang_cases[2]
    for problem_type in phone.problem_types:
        assert total(XIHU, category="G11", problem_type=problem_type) == 1
    # The rankings of a region's parts read the rows by their parent.
    assert ComplaintCount.objects.get(region_code=XIHU, category="", problem_type="").parent_code == HANGZHOU
    assert ComplaintCount.objects.get(region_code=HANGZHOU, category="", problem_type="").parent_code == ZHEJIANG


def test_a_business_is_counted_by_day_and_category_with_its_region(filed):
    xihu_shop, nanshan_shop, _cases = filed
    rows = {(row.entity_id, row.category): row for row in EntityComplaintCount.objects.all()}
    assert rows[(xihu_shop.pk, "G02")].count == 2
    assert rows[(xihu_shop.pk, "G11")].count == 1
    assert rows[(nanshan_shop.pk, "G11")].count == 1
    xihu_row = rows[(xihu_shop.pk, "G02")]
    assert (xihu_row.county_code, xihu_row.prefecture_code, xihu_row.province_code) == (XIHU, HANGZHOU, ZHEJIANG)


def test_keywords_are_counted_per_week_and_region(filed):
    _xihu_shop, _nanshan_shop, cases = filed
    complaint = Case.objects.get(pk=cases[3].pk)
    assert "快递" in complaint.keywords
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    assert TermCount.objects.get(region_code=GUANGDONG, week=monday, term="快递").count == 1
    assert TermCount.objects.get(region_code=NANSHAN, week=monday, term="快递").count == 1
    assert not TermCount.objects.filter(region_code=ZHEJIANG, term="快递").exists()


def test_recomputing_from_the_cases_gives_the_same_counts(filed):
    kept = snapshot()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM mediation_complaintcount; DELETE FROM mediation_entitycomplaintcount;")
        cursor.execute("DELETE FROM mediation_termcount")
    complaint_counts_rebuild()
    assert snapshot() == kept
    # Recomputing some days only replaces those days' counts.
    complaint_counts_rebuild(since=timezone.localdate(), until=timezone.localdate() + datetime.timedelta(days=1))
    assert snapshot() == kept


def test_an_officials_correction_moves_the_counts_and_is_audited(filed):
    _xihu_shop, _nanshan_shop, cases = filed
    case = Case.objects.get(pk=cases[0].pk)
    before = list(case.problem_types)
    official = factories.official(factories.bureau(XIHU))
    corrected = problem_types_correct(
        case=case, actor=official, problem_types=["counterfeit", "quality"], reason="鉴定为翻新机"
    )
    assert corrected.problem_types == ["counterfeit", "quality"]
    assert total(ZHEJIANG, problem_type="counterfeit") == 1
    assert total(ZHEJIANG) == 3
    for problem_type in set(before) - {"counterfeit", "quality"}:
        assert total(ZHEJIANG, problem_type=problem_type) == sum(
            problem_type in Case.objects.get(pk=other.pk).problem_types for other in cases[:3]
        )
    event = CaseEvent.objects.filter(case=case, action="correct_problem_types").get()
    assert event.actor == official
    assert event.reason == f"{','.join(before)} -> counterfeit,quality: 鉴定为翻新机"
    kept = snapshot()
    complaint_counts_rebuild()
    assert snapshot() == kept


def test_a_correction_of_the_facts_reads_them_again_unless_an_official_set_the_types(places):
    consumer = factories.consumer()
    shop = factories.shop()
    official = factories.official(factories.bureau(XIHU))
    case = factories.complaint(consumer=consumer, entity=shop, facts="快递一直没送到，已经两周了。")
    assert case.problem_types == ["delivery"]
    case = case_transition(case=case, action="return", actor=official, ground="unclear", reason="请写清楚")
    case = case_correct(
        case=case, actor=consumer.user, changes={"facts": "在健身房办了会员卡，现在店关门了，老板跑路了。"}
    )
    assert case.problem_types[0] == "prepaid_card"
    assert total(ZHEJIANG, problem_type="prepaid_card") == 1
    assert total(ZHEJIANG, problem_type="delivery") == 0
    assert total(ZHEJIANG) == 1

    problem_types_correct(case=case, actor=official, problem_types=["contract"])
    case = case_correct(
        case=Case.objects.get(pk=case.pk), actor=consumer.user, changes={"facts": "快递丢了，一直没人处理。"}
    )
    assert case.problem_types == ["contract"]
    assert total(ZHEJIANG, problem_type="contract") == 1


def test_only_the_officials_of_the_bureaus_concerned_correct_problem_types(filed):
    _xihu_shop, _nanshan_shop, cases = filed
    case = cases[0]
    for stranger in (
        factories.official(factories.bureau("440305")),
        case.consumer.user,
        factories.merchant(case.entity),
    ):
        with pytest.raises(PermissionDenied):
            problem_types_correct(case=case, actor=stranger, problem_types=["quality"])
    superior = factories.official(factories.bureau(HANGZHOU))
    assert problem_types_correct(case=case, actor=superior, problem_types=["quality"]).problem_types == ["quality"]


@pytest.mark.parametrize(
    "problem_types",
    [[], ["quality", "quality"], ["not_a_type"], ["quality", "price", "safety", "contract"], "quality"],
)
def test_a_correction_names_one_to_three_known_types(filed, problem_types):
    _xihu_shop, _nanshan_shop, cases = filed
    official = factories.official(factories.bureau(XIHU))
    with pytest.raises(ValidationError) as refused:
        problem_types_correct(case=cases[0], actor=official, problem_types=problem_types)
    assert "problem_types" in refused.value.message_dict
