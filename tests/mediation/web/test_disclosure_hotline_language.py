"""The public complaint disclosure, the officials' hotline intake form and the language a person
chooses, as they reach a browser."""

import pytest

from mediation.models import Case, CaseKind, Consumer, IntakeChannel
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from tests import factories
from tests.mediation.web.pages import browser, page


@pytest.fixture
def record(world):
    """Six complaints about the shop: one settled in mediation, one whose mediation was terminated,
    one settled directly in the ODR window, one the business refused to mediate (another category),
    one still in mediation and one waiting for the acceptance decision; the last two are not
    decided, so not yet the business's record."""
    official, consumer = world.shop_official, world.consumer_user

    def filed(**extra):
        return factories.complaint(consumer=world.consumer, entity=world.shop, **extra)

    settled = factories.consent_both(case_transition(case=filed(), action="accept", actor=official))
    mediation_start(case=settled, actor=official)
    factories.settle_in_room(settled)
    terminated = factories.consent_both(case_transition(case=filed(), action="accept", actor=official))
    mediation_start(case=terminated, actor=official)
    factories.terminate_in_room(terminated)
    direct = case_transition(case=filed(), action="send_to_business", actor=consumer)
    case_transition(case=direct, action="settle_directly", actor=consumer)
    refused = case_transition(case=filed(category="G01"), action="accept", actor=official)
    case_transition(case=refused, action="terminate", actor=official, ground="party_refused_or_absent")
    in_mediation = factories.consent_both(case_transition(case=filed(), action="accept", actor=official))
    mediation_start(case=in_mediation, actor=official)
    waiting = filed(facts="这一件还在等受理决定，不应公开。")
    return {"waiting": waiting, "all": list(Case.objects.filter(entity=world.shop))}


def test_a_business_disclosure_counts_handled_complaints_mediation_success_and_direct_settlement(world, record):
    shown = page(browser().get(f"/disclosure/{world.shop.pk}/"))
    assert world.shop.name in shown
    assert '<dd class="complaints">4</dd>' in shown
    assert "33.3%" in shown  # one of three mediations ended in agreement: a refusal to mediate counts
    assert "25.0%" in shown  # one of four settled before the authority stepped in
    assert '<li>家用电器及电子产品 <span class="muted">3</span></li><li>食品 <span class="muted">1</span></li>' in shown


def test_the_disclosure_publishes_no_personal_data_and_no_case(world, record):
    shown = page(browser().get(f"/disclosure/{world.shop.pk}/"))
    identity = world.consumer.identity
    for secret in (identity.real_name, identity.id_number, identity.phone[-11:], world.consumer_user.username):
        assert secret not in shown
    for case in record["all"]:
        assert case.number not in shown and case.facts not in shown


def test_the_disclosure_is_found_by_name_and_lists_the_most_complained_about(world, record):
    client = browser()
    found = page(client.get("/disclosure/", {"q": world.shop.name}))
    assert f'href="/disclosure/{world.shop.pk}/"' in found and "4 件投诉" in found
    leaders = page(client.get("/disclosure/"))
    assert f'href="/disclosure/{world.shop.pk}/"' in leaders
    refused = client.get("/disclosure/", {"q": "有限公司"})
    assert refused.status_code == 400 and "名称中的至少两个字" in page(refused)
    assert browser().get("/disclosure/999999999/").status_code == 404


def test_the_disclosure_reads_in_english(world, record):
    shown = page(browser(language="en").get(f"/disclosure/{world.shop.pk}/"))
    assert "Mediation success rate" in shown and "Settled directly with the business" in shown
    assert "4 complaints" in page(browser(language="en").get("/disclosure/", {"q": world.shop.name}))


CALLER = {
    "real_name": "赵六",
    "id_document_type": "resident_id",
    "phone": "13700001111",
    "home_region": "110105",
}


def hotline_complaint(world, **changes):
    return {
        "intake_channel": "hotline",
        "kind": "complaint",
        "business": world.shop.uscc,
        "facts": "来电反映：买的洗衣机漏水，商家不给修。",
        "category": "G02",
        "demand": "repair",
        "amount": "2199",
        "id_number": factories.resident_id(serial="777"),
        **CALLER,
        **changes,
    }


def test_an_official_enters_a_callers_complaint_which_lands_with_the_authority_of_jurisdiction(world):
    client = browser(world.shop_official)
    assert "替来电人登记" in page(client.get("/hotline/"))
    response = client.post("/hotline/", hotline_complaint(world))
    case = Case.objects.get(facts="来电反映：买的洗衣机漏水，商家不给修。")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.kind == CaseKind.COMPLAINT and case.intake_channel == IntakeChannel.HOTLINE
    assert case.entered_by == world.shop_official and case.consumer.user is None
    assert case.consumer.identity.real_name == "赵六" and case.handling_authority == world.shop_bureau

    # Entered at the consumer's home bureau, the case still goes to the shop's; the official is told.
    elsewhere = browser(world.home_official)
    response = elsewhere.post("/hotline/", hotline_complaint(world, facts="另一位来电人的投诉。"), follow=True)
    other = Case.objects.get(facts="另一位来电人的投诉。")
    assert other.handling_authority == world.shop_bureau
    assert f"案件{other.number}已登记" in page(response) and world.shop_bureau.name in page(response)


def test_bad_intake_data_is_refused_field_by_field_and_nothing_is_kept(world):
    client = browser(world.shop_official)
    consumers = Consumer.objects.count()
    missing = client.post("/hotline/", hotline_complaint(world, real_name="", phone=""))
    assert missing.status_code == 400 and set(missing.context["form"].errors) == {"real_name", "phone"}
    for field in ("real_name", "phone"):  # beside the field, and in the summary above the form
        assert f'<p class="error" id="id_{field}_error">匿名举报以外必须填写' in page(missing)
    assert page(missing).count("匿名举报以外必须填写") == 4
    bad_id = client.post("/hotline/", hotline_complaint(world, id_number="110105199003071234"))
    assert bad_id.status_code == 400 and "身份证号码" in page(bad_id)
    no_category = client.post("/hotline/", hotline_complaint(world, category=""))
    assert no_category.status_code == 400 and "请选择商品或服务类别" in page(no_category)
    unknown = client.post("/hotline/", hotline_complaint(world, business="完全不存在的某某某公司"))
    assert unknown.status_code == 400 and "没有与" in page(unknown)
    assert Consumer.objects.count() == consumers and not Case.objects.exists()


def test_a_name_several_businesses_share_is_answered_with_the_candidates(world):
    factories.shop(name="杭州西湖鑫达家用电器维修部")
    response = browser(world.shop_official).post("/hotline/", hotline_complaint(world, business="鑫达家用电器"))
    assert response.status_code == 400 and world.shop.uscc in page(response)


def test_an_anonymous_report_needs_no_caller_data(world):
    client = browser(world.shop_official)
    response = client.post(
        "/hotline/",
        {
            "intake_channel": "letter",
            "kind": "report",
            "business": world.shop.name,
            "facts": "来信举报：店内销售无3C标志的插线板。",
            "violation_type": "counterfeit",
            "is_anonymous": "on",
            "id_document_type": "resident_id",
        },
    )
    assert response.status_code == 302
    report = Case.objects.get(kind=CaseKind.REPORT)
    assert report.consumer is None and report.is_anonymous and report.intake_channel == IntakeChannel.LETTER


def test_only_officials_enter_cases_for_callers(world):
    for user in (world.consumer_user, world.shop_staff):
        response = browser(user).post("/hotline/", hotline_complaint(world))
        assert response.status_code == 403 and "只有市场监督管理部门的工作人员" in page(response)
    assert not Case.objects.exists()


def test_a_consumers_language_follows_them_to_a_new_device_and_the_switch_keeps_it(world):
    user = world.consumer_user
    user.set_password("换个设备-2026")
    user.save()
    phone = browser()
    assert phone.post("/language/", {"language": "en", "next": "/"}).status_code == 302  # before logging in
    laptop = browser(language="zh-hans")
    phone.force_login(user)
    phone.post("/language/", {"language": "en", "next": "/cases/"})
    world.consumer.refresh_from_db()
    assert world.consumer.preferred_language == "en"
    laptop.post("/log-in/", {"username": user.username, "password": "换个设备-2026"})
    assert '<html lang="en">' in page(laptop.get("/cases/"))
    laptop.post("/language/", {"language": "zh-hans", "next": "/cases/"})
    world.consumer.refresh_from_db()
    assert world.consumer.preferred_language == "zh-hans"
    assert "我的案件" in page(laptop.get("/cases/"))


def test_a_caller_gives_name_phone_and_mailing_address_and_no_identity_number(world):
    """Order 121 Art. 10: 投诉人的姓名、电话号码、通讯地址; the identity number is not asked of a caller."""
    from tests.conftest import client_for

    client = browser(world.shop_official)
    response = client.post(
        "/hotline/", hotline_complaint(world, id_number="", mailing_address="北京市朝阳区建国路1号 100022")
    )
    assert response.status_code == 302
    case = Case.objects.get(facts="来电反映：买的洗衣机漏水，商家不给修。")
    assert case.consumer.identity.id_number == ""
    assert case.consumer.identity.mailing_address == "北京市朝阳区建国路1号 100022"
    official_view = client_for(world.shop_official).get(f"/api/cases/{case.number}/").json()
    assert official_view["consumer"]["mailing_address"] == "北京市朝阳区建国路1号 100022"
    case_transition(case=case, action="accept", actor=world.shop_official)
    business_view = client_for(world.shop_staff).get(f"/api/cases/{case.number}/").content.decode()
    assert "建国路" not in business_view and "13700001111" not in business_view


def agent(**changes):
    return {
        "agent_name": "钱七",
        "agent_id_number": factories.resident_id(serial="888"),
        "agent_phone": "13600002222",
        "agent_scope": "代为投诉、参加调解、签署调解协议",
        "agent_valid_until": "2099-12-31",
        "agent_original_seen": "on",
        **changes,
    }


def test_an_agent_complains_for_the_consumer_with_the_original_power_of_attorney(world):
    """Order 121 Art. 11: 授权委托书原件以及受托人身份证明; the agent is seen by the handling officials only."""
    from tests.conftest import client_for

    client = browser(world.shop_official)
    assert "Art. 11" in page(client.get("/hotline/")) or "第十一条" in page(client.get("/hotline/"))
    no_original = client.post("/hotline/", hotline_complaint(world, **agent(agent_original_seen="")))
    assert no_original.status_code == 400 and "授权委托书原件" in page(no_original)
    expired = client.post("/hotline/", hotline_complaint(world, **agent(agent_valid_until="2020-01-01")))
    assert expired.status_code == 400
    assert not Case.objects.exists()
    assert client.post("/hotline/", hotline_complaint(world, **agent())).status_code == 302
    case = Case.objects.get()
    assert case.agent.name == "钱七" and case.agent.recorded_by == world.shop_official
    official_view = client_for(world.shop_official).get(f"/api/cases/{case.number}/").json()
    assert official_view["agent"]["scope"] == "代为投诉、参加调解、签署调解协议"
    case_transition(case=case, action="accept", actor=world.shop_official)
    assert "钱七" not in client_for(world.shop_staff).get(f"/api/cases/{case.number}/").content.decode()


def test_an_agent_is_not_entered_online(world):
    from tests.conftest import client_for

    body = {
        "entity": world.shop.pk,
        "facts": "替我父亲投诉：洗衣机漏水。",
        "category": "G02",
        "demand": "repair",
        "agent": {
            "name": "钱七",
            "id_number": factories.resident_id(serial="889"),
            "phone": "13600002222",
            "scope": "代为投诉",
            "valid_until": "2099-12-31",
            "original_seen": True,
        },
    }
    response = client_for(world.consumer_user).post("/api/complaints/", body, format="json")
    assert response.status_code == 400 and response.json()["agent"]


def test_the_language_choice_outlasts_closing_the_browser(places):
    """A person who switches to English keeps it for a year, not only until the browser closes."""
    from django.test import Client

    answer = Client().post("/language/", {"language": "en", "next": "/"})
    cookie = answer.cookies["django_language"]
    assert cookie.value == "en" and int(cookie["max-age"]) == 365 * 24 * 3600
