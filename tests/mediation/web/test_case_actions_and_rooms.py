"""The official's actions on the case page (accept, not accept with a ground, return, start
mediation with a co-mediator), the consumer's and the business's own moves, the mediation room page
and the chat with an official on duty. Each role's page is also read in English."""

import pytest
from django.utils import timezone

from mediation.models import Case, CaseStatus, HelpRequest, MediationRoom, RoomParticipant, RoomRole
from mediation.services.assistance import help_request_open, official_duty_set
from mediation.services.registry import entity_register
from mediation.services.settlement import document_sign, proposal_make, proposal_respond
from mediation.services.transitions import case_transition
from tests import factories
from tests.mediation.web.pages import browser, page


@pytest.fixture
def complaint(world):
    return factories.complaint(consumer=world.consumer, entity=world.shop)


def test_the_handling_official_is_offered_the_decisions_on_a_new_complaint_and_accepts_it(world, complaint):
    client = browser(world.shop_official)
    shown = page(client.get(f"/cases/{complaint.number}/"))
    for action in ("accept", "not_accept", "return"):
        assert f'action="/cases/{complaint.number}/actions/{action}/"' in shown
    assert "不予受理的理由" not in shown  # the grounds are choices, not free text
    assert 'name="not_accept-ground"' in shown and 'name="return-reason"' in shown

    response = client.post(f"/cases/{complaint.number}/actions/accept/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{complaint.number}/"
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.ACCEPTED
    after = page(client.get(response["Location"]))
    assert "已完成：受理。" in after
    assert f'action="/cases/{complaint.number}/actions/start_mediation/"' in after


@pytest.mark.parametrize("language, missing", [("zh-hans", "该字段是必填项。"), ("en", "This field is required.")])
def test_not_accepting_needs_a_ground_and_returning_needs_a_reason_in_the_officials_language(
    world, complaint, language, missing
):
    client = browser(world.shop_official, language)
    response = client.post(f"/cases/{complaint.number}/actions/not_accept/", {"not_accept-ground": ""})
    assert response.status_code == 400 and missing in page(response)
    response = client.post(
        f"/cases/{complaint.number}/actions/return/", {"return-ground": "information_missing", "return-reason": " "}
    )
    assert response.status_code == 400 and missing in page(response)
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.SUBMITTED and complaint.events.count() == 1

    refusal = {"not_accept-ground": "time_barred", "not_accept-reason": "购买已逾三年"}
    # Not accepting cannot be undone: the page says what it does and acts on the second step only.
    asked = client.post(f"/cases/{complaint.number}/actions/not_accept/", refusal)
    assert asked.status_code == 200 and 'name="confirmed" value="1"' in page(asked)
    assert 'name="not_accept-reason" value="购买已逾三年"' in page(asked)
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.SUBMITTED
    response = client.post(f"/cases/{complaint.number}/actions/not_accept/", {**refusal, "confirmed": "1"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.NOT_ACCEPTED and complaint.non_acceptance_ground == "time_barred"
    assert complaint.events.last().reason == "购买已逾三年"


def test_only_the_handling_authority_decides_and_a_stale_page_is_told_so(world, complaint):
    for outsider in (world.consumer_user, world.home_official):
        client = browser(outsider)
        assert 'actions/accept/"' not in page(client.get(f"/cases/{complaint.number}/"))
        response = client.post(f"/cases/{complaint.number}/actions/accept/")
        assert response.status_code == 409 and "此案件现在不能由您执行这项操作" in page(response)
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.SUBMITTED

    official = browser(world.shop_official)
    assert official.post(f"/cases/{complaint.number}/actions/accept/").status_code == 302
    again = official.post(f"/cases/{complaint.number}/actions/accept/")
    assert again.status_code == 409
    assert browser(world.outsider_official).post(f"/cases/{complaint.number}/actions/accept/").status_code == 404


def test_mediation_starts_with_a_co_mediator_of_the_consumers_home_bureau_and_opens_the_room(world, complaint):
    factories.consent_both(case_transition(case=complaint, action="accept", actor=world.shop_official))
    world.home_official.last_name, world.home_official.first_name = "王", "明"
    world.home_official.save()
    client = browser(world.shop_official)
    form = page(client.get(f"/cases/{complaint.number}/"))
    # The consumer's home bureau is proposed, its official shown by name (family name first) and bureau.
    home_bureau = world.home_official.official.authority.name
    assert f'<option value="{world.home_official.pk}" selected>王明 ({home_bureau})</option>' in form
    assert f'<option value="{world.outsider_official.pk}"' not in form

    start = f"/cases/{complaint.number}/actions/start_mediation/"
    refused = client.post(start, {"start_mediation-co_mediator": world.outsider_official.pk})
    assert refused.status_code == 400 and "选择一个有效的选项" in page(refused)
    assert not MediationRoom.objects.filter(case=complaint).exists()

    response = client.post(
        f"/cases/{complaint.number}/actions/start_mediation/", {"start_mediation-co_mediator": world.home_official.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{complaint.number}/room/"
    seats = dict(MediationRoom.objects.get(case=complaint).participants.values_list("role", "user"))
    assert seats == {
        RoomRole.LEAD_MEDIATOR: world.shop_official.pk,
        RoomRole.CO_MEDIATOR: world.home_official.pk,
        RoomRole.CONSUMER: world.consumer_user.pk,
        RoomRole.MERCHANT: world.shop_staff.pk,
    }
    # The co-mediator finds the invitation in their queue until they enter the room.
    invited = page(browser(world.home_official).get("/queue/"))
    assert 'id="invitations"' in invited and f'href="/cases/{complaint.number}/room/"' in invited
    assert 'id="invitations"' not in page(browser(world.shop_official).get("/queue/"))
    RoomParticipant.objects.filter(user=world.home_official).update(first_joined_at=timezone.now())
    assert 'id="invitations"' not in page(browser(world.home_official).get("/queue/"))


def test_an_official_on_duty_at_the_home_bureau_is_proposed_first(world, complaint):
    factories.consent_both(case_transition(case=complaint, action="accept", actor=world.shop_official))
    on_duty = factories.official(world.home_official.official.authority)
    official_duty_set(official=on_duty.official, on_duty=True)
    form = page(browser(world.shop_official).get(f"/cases/{complaint.number}/"))
    assert f'<option value="{on_duty.pk}" selected>' in form
    assert f'<option value="{world.home_official.pk}">' in form


def test_a_cross_border_mediation_starts_with_an_official_of_the_partner_agency(world):
    hong_kong_shop = entity_register(name="香港铜锣湾美妆店", country_code="HK", business_region=world.places.hong_kong)
    case = factories.complaint(consumer=world.consumer, entity=hong_kong_shop)
    partner = factories.official(case.co_mediating_authority)
    case = case_transition(case=case, action="accept", actor=world.home_official)
    factories.consent_both(case, official=world.home_official)
    client = browser(world.home_official)
    assert f'<option value="{partner.pk}" selected>' in page(client.get(f"/cases/{case.number}/"))  # the partner agency
    start = f"/cases/{case.number}/actions/start_mediation/"
    response = client.post(start, {"start_mediation-co_mediator": partner.pk})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/room/"
    shown = page(browser(partner, "en").get(f"/cases/{case.number}/room/"))
    assert 'data-role="co_mediator"' in shown and "Mediation room" in shown
    assert case.co_mediating_authority.name == "香港消费者委员会"


@pytest.fixture
def room_world(places):
    return factories.RoomWorld()


def test_every_seat_reaches_the_room_page_from_the_case_page_and_nobody_else_does(room_world):
    people = {
        "consumer": room_world.consumer_user,
        "merchant": room_world.shop_staff,
        "lead_mediator": room_world.shop_official,
        "co_mediator": room_world.home_official,
    }
    for role, user in people.items():
        client = browser(user)
        assert f'href="/cases/{room_world.number}/room/"' in page(client.get(f"/cases/{room_world.number}/"))
        room = client.get(f"/cases/{room_world.number}/room/")
        assert room.status_code == 200
        shown = page(room)
        assert f'data-role="{role}"' in shown and f'data-socket-path="/ws/rooms/{room_world.number}/"' in shown
        assert ('class="terminate-form"' in shown) == (role == "lead_mediator")
        assert ('data-caucus="consumer"' in shown) == (role in ("lead_mediator", "co_mediator"))
        assert ('data-action="sign"' in shown) == (role in ("consumer", "merchant"))
    assert browser(room_world.outsider_official).get(f"/cases/{room_world.number}/room/").status_code == 404
    other = factories.consumer(real_name="王五", phone="13912340000")
    assert browser(other.user).get(f"/cases/{room_world.number}/room/").status_code == 404


def test_the_room_page_a_business_receives_names_no_consumer(room_world):
    identity = room_world.consumer.identity
    shown = page(browser(room_world.shop_staff).get(f"/cases/{room_world.number}/room/"))
    secrets = (identity.real_name, identity.id_number, identity.phone[-11:], room_world.consumer_user.username)
    for secret in secrets:
        assert secret not in shown


def test_the_signed_document_is_offered_to_read_and_download_on_the_case_page(room_world):
    seats = room_world.seats
    proposal = proposal_make(seat=seats[RoomRole.MERCHANT], terms={"refund_amount": "3000.00"})
    proposal_respond(seat=seats[RoomRole.CONSUMER], number=proposal.number, response="accept")
    document_sign(seat=seats[RoomRole.CONSUMER])
    for user in (room_world.consumer_user, room_world.shop_staff):
        shown = page(browser(user).get(f"/cases/{room_world.number}/"))
        assert f'href="/api/cases/{room_world.number}/mediation-document/?download=1"' in shown
    download = browser(room_world.consumer_user).get(f"/api/cases/{room_world.number}/mediation-document/?download=1")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_amounts_are_shown_with_the_currency_sign_and_grouped_digits(world, complaint):
    assert "¥3,500.00" in page(browser(world.consumer_user).get(f"/cases/{complaint.number}/"))


def test_a_business_in_the_odr_window_replies_on_the_record_and_the_consumer_confirms_the_settlement(world, complaint):
    case_transition(case=complaint, action="send_to_business", actor=world.consumer_user)
    complaint.refresh_from_db()
    merchant = browser(world.shop_staff)
    shown = page(merchant.get(f"/cases/{complaint.number}/"))
    assert "请在此日期前与消费者直接和解" in shown
    assert f"{complaint.odr_due.year}年{complaint.odr_due.month}月{complaint.odr_due.day}日" in shown
    assert f'action="/cases/{complaint.number}/actions/respond/"' in shown
    assert shown.count("/actions/") == 1  # the business's only move is its reply

    empty = merchant.post(f"/cases/{complaint.number}/actions/respond/", {"respond-reason": ""})
    assert empty.status_code == 400 and "该字段是必填项。" in page(empty)
    reply = "非常抱歉，我们同意全额退款3500元，三日内上门取回空调。"
    assert merchant.post(f"/cases/{complaint.number}/actions/respond/", {"respond-reason": reply}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.ODR and complaint.next_due == complaint.odr_due
    assert reply in page(merchant.get(f"/cases/{complaint.number}/"))

    consumer = browser(world.consumer_user)
    shown = page(consumer.get(f"/cases/{complaint.number}/"))
    assert reply in shown
    assert 'actions/settle_directly/"' in shown and 'actions/escalate/"' in shown
    asked = consumer.post(f"/cases/{complaint.number}/actions/settle_directly/")
    assert asked.status_code == 200 and "自行和解" in page(asked)
    assert Case.objects.get(pk=complaint.pk).status == CaseStatus.ODR
    assert consumer.post(f"/cases/{complaint.number}/actions/settle_directly/", {"confirmed": "1"}).status_code == 302
    assert Case.objects.get(pk=complaint.pk).status == CaseStatus.SETTLED


def test_a_business_never_reads_what_officials_wrote_on_the_timeline(world, complaint):
    official = browser(world.shop_official)
    reason = "消费者张三来电补充：空调外机漏水"
    official.post(
        f"/cases/{complaint.number}/actions/return/", {"return-ground": "information_missing", "return-reason": reason}
    )
    assert reason in page(browser(world.consumer_user).get(f"/cases/{complaint.number}/"))
    complaint.refresh_from_db()
    case_transition(case=complaint, action="resubmit", actor=world.consumer_user)
    case_transition(case=complaint, action="accept", actor=world.shop_official)
    assert reason not in page(browser(world.shop_staff).get(f"/cases/{complaint.number}/"))


@pytest.mark.parametrize(
    "who, words",
    [
        ("shop_official", ["What you can do now", "Not accept", "Ground", "Return for correction", "Timeline"]),
        ("shop_staff", ["Settle it with the consumer directly by", "Timeline", "Business"]),
    ],
)
def test_the_official_and_the_business_read_their_case_page_in_english(world, complaint, who, words):
    if who == "shop_staff":
        case_transition(case=complaint, action="send_to_business", actor=world.consumer_user)
    shown = page(browser(getattr(world, who), "en").get(f"/cases/{complaint.number}/"))
    assert '<html lang="en">' in shown
    for word in words:
        assert word in shown
    assert "办理进程" not in shown


def test_the_room_page_is_in_english_for_an_english_reader(room_world):
    shown = page(browser(room_world.shop_staff, "en").get(f"/cases/{room_world.number}/room/"))
    assert "Mediation room" in shown and "Propose terms" in shown and '"channelMain": "Everyone"' in shown


def test_the_consumer_and_the_officials_on_duty_reach_their_chat_and_nobody_else(world):
    official_duty_set(official=world.home_official.official, on_duty=True)
    help_request, _created = help_request_open(consumer=world.consumer)
    for user, role in ((world.consumer_user, "consumer"), (world.home_official, "duty_official")):
        shown = page(browser(user).get(f"/help/{help_request.pk}/"))
        assert f'data-role="{role}"' in shown and f'data-socket-path="/ws/help/{help_request.pk}/"' in shown
        assert ('data-action="release"' in shown) == (role == "duty_official")
    assert browser(world.shop_official).get(f"/help/{help_request.pk}/").status_code == 404
    assert browser(world.consumer_user).get(f"/help/{HelpRequest.objects.count() + 99}/").status_code == 404


def test_the_parties_agree_to_mediation_on_their_pages_and_the_official_sees_who_has(world, complaint):
    case_transition(case=complaint, action="accept", actor=world.shop_official)
    url = f"/cases/{complaint.number}/"
    consumer = browser(world.consumer_user)
    assert f'action="{url}actions/consent_to_mediation/"' in page(consumer.get(url))
    assert consumer.post(f"{url}actions/consent_to_mediation/").status_code == 302
    official_view = page(browser(world.shop_official).get(url))
    assert "是否同意调解" in official_view
    assert official_view.index("已同意") < official_view.index("尚未同意")  # the complainant, then the business
    refused = browser(world.shop_official).post(f"{url}actions/start_mediation/")
    assert refused.status_code == 409 and "尚未同意：经营者" in page(refused)
    assert not MediationRoom.objects.filter(case=complaint).exists()


def test_an_official_forwards_a_complaint_to_a_bureau_offered_on_the_page(world, complaint):
    from mediation.services.jurisdiction import bureaus_up_from

    city_bureau = bureaus_up_from(world.places.xihu)[1]  # 杭州市, above the handling 西湖区 bureau
    client = browser(world.shop_official)
    form = page(client.get(f"/cases/{complaint.number}/"))
    assert f'<option value="{city_bureau.pk}">{city_bureau.name}</option>' in form
    assert f'<option value="{world.shop_official.official.authority_id}">' not in form
    response = client.post(
        f"/cases/{complaint.number}/actions/forward/",
        {"forward-authority": city_bureau.pk, "forward-reason": "涉及多个区县，报请上级处理"},
    )
    assert response.status_code == 302 and response["Location"] == "/queue/"
    complaint.refresh_from_db()
    assert complaint.handling_authority == city_bureau


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_withdrawing_says_what_it_does_and_acts_on_the_second_step(world, complaint, language):
    consumer = browser(world.consumer_user, language)
    asked = consumer.post(f"/cases/{complaint.number}/actions/withdraw/")
    shown = page(asked)
    assert asked.status_code == 200 and 'role="alertdialog"' in shown
    assert ("cannot take it back" in shown) if language == "en" else ("撤回后" in shown)
    assert f'href="/cases/{complaint.number}/"' in shown  # the way back, doing nothing
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.SUBMITTED
    done = consumer.post(f"/cases/{complaint.number}/actions/withdraw/", {"confirmed": "1"})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == CaseStatus.WITHDRAWN
