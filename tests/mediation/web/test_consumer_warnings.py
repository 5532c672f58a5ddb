"""Consumer warnings (消费预警和风险提示, Order 121 Art. 38): a bureau drafts one from an early warning,
publishes it, and withdraws it; the public and the triage bot read the published ones."""

from mediation.models import ConsumerWarning, ConsumerWarningEvent
from tests import factories
from tests.mediation.web.pages import browser, page


def _early_warning():
    _shop, _complaints, (warning,) = factories.prepaid_runaway()
    return warning


def test_a_bureau_drafts_from_an_early_warning_publishes_and_withdraws(world, api):
    early = _early_warning()
    official = browser(world.shop_official, language="en")
    form = official.get(f"/consumer-warnings/manage/?from_warning={early.pk}")
    assert form.status_code == 200
    assert form.context["draft"]["early_warning"] == early.pk and form.context["draft"]["region"] == "330106"

    drafted = official.post(
        "/consumer-warnings/manage/",
        {
            "title": "警惕健身房预付卡跑路",
            "body": "近期西湖区多名消费者投诉健身房关门跑路，办卡前请核实经营者资质，避免一次性大额充值。",
            "category": "S03",
            "region": "330106",
            "early_warning": str(early.pk),
        },
    )
    assert drafted.status_code == 302
    warning = ConsumerWarning.objects.get()
    assert warning.early_warning == early and warning.authority == world.shop_bureau
    # A draft is not public.
    assert browser().get(f"/alerts/{warning.pk}/").status_code == 404
    assert api.get("/api/public/consumer-warnings/").json() == []

    assert official.post(f"/consumer-warnings/manage/{warning.pk}/", {"do": "publish"}).status_code == 302
    public = page(browser().get("/alerts/"))
    assert "警惕健身房预付卡跑路" in public
    shown = browser().get(f"/alerts/{warning.pk}/")
    assert shown.status_code == 200 and "避免一次性大额充值" in page(shown)
    listed = api.get("/api/public/consumer-warnings/?region=330106").json()
    assert [(item["title"], item["region"], item["url"]) for item in listed] == [
        ("警惕健身房预付卡跑路", "330106", f"/alerts/{warning.pk}/")
    ]
    # A warning of 西湖区 concerns its people; one of 杭州 as a whole would too, not the reverse.
    assert api.get("/api/public/consumer-warnings/?region=110105").json() == []
    assert api.get("/api/public/consumer-warnings/?region=9").status_code == 400

    assert (
        official.post(f"/consumer-warnings/manage/{warning.pk}/", {"do": "withdraw", "reason": ""}).status_code == 400
    )
    withdrawn = official.post(
        f"/consumer-warnings/manage/{warning.pk}/", {"do": "withdraw", "reason": "经营者已恢复营业并退款"}
    )
    assert withdrawn.status_code == 302
    assert browser().get(f"/alerts/{warning.pk}/").status_code == 404
    assert api.get("/api/public/consumer-warnings/").json() == []
    assert list(ConsumerWarningEvent.objects.filter(consumer_warning=warning).values_list("action", "note")) == [
        ("drafted", ""),
        ("published", ""),
        ("withdrawn", "经营者已恢复营业并退款"),
    ]


def test_only_the_drafting_bureau_changes_a_warning_and_only_inside_its_area(world):
    official = browser(world.shop_official, language="en")
    outside = official.post(
        "/consumer-warnings/manage/", {"title": "标题", "body": "正文", "category": "", "region": "440305"}
    )
    assert outside.status_code == 400 and "outside your area" in page(outside)
    empty = official.post("/consumer-warnings/manage/", {"title": " ", "body": "", "region": ""})
    assert empty.status_code == 400
    assert "Give the warning a title." in page(empty) and "Write what consumers should know." in page(empty)

    assert official.post("/consumer-warnings/manage/", {"title": "标题", "body": "正文"}).status_code == 302
    warning = ConsumerWarning.objects.get()
    assert browser(world.outsider_official).get(f"/consumer-warnings/manage/{warning.pk}/").status_code == 404
    for user in (world.consumer_user, world.shop_staff):
        assert browser(user).get("/consumer-warnings/manage/").status_code == 403
    # Published, it can no longer be edited, only withdrawn.
    official.post(f"/consumer-warnings/manage/{warning.pk}/", {"do": "publish"})
    edit = official.post(
        f"/consumer-warnings/manage/{warning.pk}/", {"do": "edit", "title": "新标题", "body": "新正文"}
    )
    assert edit.status_code == 400 and "Only a draft can be edited" in page(edit)
    assert ConsumerWarning.objects.get().title == "标题"
