"""The officials' analysis pages: the figures of their area counted from the complaints each test
files, the cases behind a figure, the CSV, the warnings and answering them; refused to anyone who
is not an official of a bureau, and to regions outside the official's area."""

import csv
import io

import pytest

from mediation.models import Case, WarningEvent
from tests import factories
from tests.mediation.web.pages import browser, page


@pytest.fixture
def filed(world):
    """Three appliance complaints against the 西湖区 shop and one phone complaint against a shop of
    余杭区, both in 杭州; one complaint against a 深圳 shop, outside 杭州."""
    yuhang_shop = factories.shop(region="330110", name="杭州余杭星河数码有限公司")
    shenzhen_shop = factories.shop(region="440305", name="深圳南山海岸数码有限公司")
    cases = [
        factories.complaint(consumer=world.consumer, entity=world.shop, facts="空调不制冷，商家拒绝退货。"),
        factories.complaint(consumer=world.consumer, entity=world.shop, facts="冰箱漏水，售后一直推诿。"),
        factories.complaint(consumer=world.consumer, entity=world.shop, facts="洗衣机坏了，商家不给修。"),
        factories.complaint(
            consumer=world.consumer, entity=yuhang_shop, category="G11", facts="手机充电时爆炸，手被烫伤。"
        ),
        factories.complaint(consumer=world.consumer, entity=shenzhen_shop, category="G11", facts="快递一直没送到。"),
    ]
    return {"cases": cases, "yuhang_shop": yuhang_shop}


def test_a_city_official_sees_the_figures_of_the_city_and_its_districts(world, filed):
    official = browser(world.superior_official, language="en")  # 杭州市 bureau
    response = official.get("/analysis/")
    assert response.status_code == 200
    shown = page(response)
    assert response.context["total"] == 4
    assert {region.code: count for region, count in response.context["regions"]} == {"330106": 3, "330110": 1}
    assert dict((code, count) for code, _label, count in response.context["category_counts"]) == {"G02": 3, "G11": 1}
    assert [(entity.name, count) for entity, count in response.context["businesses"]] == [
        (world.shop.name, 3),
        (filed["yuhang_shop"].name, 1),
    ]
    assert "深圳南山海岸数码有限公司" not in shown
    assert 'src="/static/vendor/echarts/echarts.min.js"' in shown
    # Nothing on the page identifies the consumer.
    identity = world.consumer.identity
    assert identity.real_name not in shown and identity.phone not in shown


def test_a_district_official_sees_the_district_and_narrows_by_category(world, filed):
    official = browser(world.shop_official, language="en")  # 西湖区 bureau
    assert official.get("/analysis/").context["total"] == 3
    phones = official.get("/analysis/?category=G11")
    assert phones.status_code == 200 and phones.context["total"] == 0
    assert page(official.get("/analysis/?region=330110")).count("outside your area") == 1


@pytest.mark.parametrize(
    ("query", "language", "message"),
    [
        ("region=440305", "en", "outside your area"),
        ("region=999999", "en", "No region has the code 999999."),
        ("start=2026-13-01", "en", "Give dates as YYYY-MM-DD."),
        ("start=2026-06-01&end=2026-05-01", "en", "The period ends before it starts."),
        ("start=2020-01-01&end=2026-01-01", "en", "Choose a period of at most two years."),
        ("category=X99", "en", "Not a category of goods or services: X99."),
        ("granularity=hour", "zh-hans", "按日、周或月显示。"),
    ],
)
def test_a_bad_question_gets_a_clear_400_in_the_officials_language(world, filed, query, language, message):
    response = browser(world.superior_official, language=language).get(f"/analysis/?{query}")
    assert response.status_code == 400
    assert message in page(response)


def test_only_officials_of_a_bureau_reach_the_analysis(world, filed):
    for user in (world.consumer_user, world.shop_staff):
        for address in ("/analysis/", "/analysis/cases/", "/analysis/export.csv", "/warnings/"):
            assert browser(user).get(address).status_code == 403
    assert browser().get("/analysis/").status_code == 302  # to the log-in page


def test_the_cases_behind_a_figure_and_the_figures_as_csv(world, filed):
    official = browser(world.superior_official, language="en")
    behind = official.get(f"/analysis/cases/?entity={world.shop.pk}")
    assert behind.status_code == 200
    assert {case.number for case in behind.context["cases"]} == {case.number for case in filed["cases"][:3]}
    safety = official.get("/analysis/cases/?problem_type=safety")
    assert [case.number for case in safety.context["cases"]] == [filed["cases"][3].number]
    assert official.get("/analysis/cases/?problem_type=weather").status_code == 400

    export = official.get("/analysis/export.csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert ["Region", "330106", "西湖区", "3"] in rows
    assert ["Business", world.shop.uscc, world.shop.name, "3"] in rows
    assert ["Category", "G11", "Phones and communication devices", "1"] in rows


def test_a_warning_reaches_the_queue_of_the_bureaus_concerned_who_acknowledge_it(world, places):
    runaway, cases, (warning,) = factories.prepaid_runaway()
    official = browser(world.shop_official, language="en")
    queue = page(official.get("/queue/"))
    assert "Early warnings to acknowledge" in queue and runaway.name in queue

    shown = official.get(f"/warnings/{warning.pk}/")
    assert shown.status_code == 200
    assert {case.number for case in shown.context["cases"]} == {case.number for case in cases}
    assert "5 complaints from" in page(shown)

    # The city bureau above follows it, but it did not go to the city bureau: no answer from there.
    assert browser(world.superior_official).get(f"/warnings/{warning.pk}/").status_code == 200
    refused = browser(world.superior_official).post(f"/warnings/{warning.pk}/answer/", {"answer": "acknowledge"})
    assert refused.status_code == 403
    # A bureau of another area does not see it at all.
    assert browser(world.outsider_official).get(f"/warnings/{warning.pk}/").status_code == 403

    assert (
        official.post(f"/warnings/{warning.pk}/answer/", {"answer": "action", "action_taken": " "}).status_code == 400
    )
    assert official.post(f"/warnings/{warning.pk}/answer/", {"answer": "acknowledge"}).status_code == 302
    done = official.post(f"/warnings/{warning.pk}/answer/", {"answer": "action", "action_taken": "已约谈经营者"})
    assert done.status_code == 302
    assert "Early warnings to acknowledge" not in page(official.get("/queue/"))
    assert list(WarningEvent.objects.filter(warning=warning).values_list("action", flat=True)) == [
        "raised",
        "acknowledged",
        "action",
    ]
    assert "已约谈经营者" in page(official.get(f"/warnings/{warning.pk}/"))
    assert Case.objects.filter(pk__in=[case.pk for case in cases]).count() == 5


def test_a_name_that_looks_like_a_formula_is_exported_as_text(world, places):
    formula = factories.shop(region="330106", name='=HYPERLINK("http://example.com")有限公司')
    factories.complaint(consumer=world.consumer, entity=formula)
    export = browser(world.shop_official, language="en").get("/analysis/export.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    (business,) = [row for row in rows if row[:1] == ["Business"]]
    assert business[2] == "'" + formula.name
