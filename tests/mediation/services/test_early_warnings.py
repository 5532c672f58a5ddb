"""Hot spots planted in synthetic complaints are found, and nothing else is: ten weeks of steady
complaints in eight counties of three provinces, with a spike of safety complaints in one county,
a shop whose prepaid cards stopped being honoured, and a business complained about from four
prefectures. The warnings go to the bureaus concerned, who acknowledge them and record what they
did, on an audited history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mediation.models import Case, EarlyWarning, WarningEvent, WarningKind
from mediation.services.early_warnings import (
    warning_acknowledge,
    warning_record_action,
    warnings_detect,
    warnings_detect_for_complaint,
)
from mediation.services.synthetic_complaints import (
    Background,
    PlantedCluster,
    PlantedRunaway,
    PlantedSpike,
    complaints_generate,
)
from tests import factories

COUNTIES = ["330106", "330110", "330108", "330205", "440305", "440304", "440106", "320102"]
SPIKE_COUNTY, SPIKE_PREFECTURE, SPIKE_PROVINCE = "330106", "330100", "330000"
# 北京, 广州, 南京, 成都, 武汉, 长沙: six prefectures, none of them the business's
CLUSTER_HOMES = ["110105", "440106", "320102", "510104", "420102", "430102"]
DAYS = 70


@pytest.fixture
def planted(places):
    last_day = timezone.localdate() - datetime.timedelta(days=1)
    first_day = last_day - datetime.timedelta(days=DAYS - 1)
    entities = {
        county: [factories.shop(region=county, name=f"测试{county}第{index}号商行").pk for index in range(4)]
        for county in COUNTIES
    }
    runaway_shop = factories.shop(region="440305", name="深圳南山悦动健身服务有限公司")
    cluster_shop = factories.shop(region="330110", name="杭州余杭优选电子商务有限公司")
    entities["440305"].append(runaway_shop.pk)
    entities["330110"].append(cluster_shop.pk)
    plants = [
        PlantedSpike(
            county=SPIKE_COUNTY,
            problem_type="safety",
            category="G05",
            first_day=last_day - datetime.timedelta(days=2),
            days=3,
            complaints=14,
        ),
        PlantedRunaway(
            entity_id=runaway_shop.pk, first_day=last_day - datetime.timedelta(days=3), days=4, complaints=8
        ),
        PlantedCluster(
            entity_id=cluster_shop.pk,
            consumer_counties=CLUSTER_HOMES,
            first_day=last_day - datetime.timedelta(days=12),
            days=10,
        ),
    ]
    background = Background(
        counties=COUNTIES, first_day=first_day, days=DAYS, per_county_day=1.0, entities_by_county=entities
    )
    written = complaints_generate(background=background, plants=plants, seed=7)
    assert written > 14 + 8 + 4 + DAYS * len(COUNTIES) * 0.8
    return {"day": last_day, "runaway_shop": runaway_shop, "cluster_shop": cluster_shop}


def _found(kind):
    return list(EarlyWarning.objects.filter(kind=kind))


def test_the_planted_hot_spots_are_found_and_nothing_else(planted):
    warnings_detect(day=planted["day"])

    spikes = _found(WarningKind.SPIKE)
    found = {(w.region_id, w.category, w.problem_type) for w in spikes}
    # The planted spike, seen in its county by problem type, and by category.
    assert (SPIKE_COUNTY, "", "safety") in found
    assert (SPIKE_COUNTY, "G05", "") in found
    # Every spike found is a planted one at some level of its region: the safety spike, or the
    # runaway shop's prepaid-card complaints (sports and fitness, S03) seen in its region.
    for region, category, problem_type in found:
        planted_safety = region in (SPIKE_COUNTY, SPIKE_PREFECTURE, SPIKE_PROVINCE) and (category, problem_type) in (
            ("", ""),
            ("G05", ""),
            ("", "safety"),
        )
        planted_runaway = region in ("440305", "440300", "440000") and (category, problem_type) in (
            ("", ""),
            ("S03", ""),
            ("", "prepaid_card"),
        )
        assert planted_safety or planted_runaway, (region, category, problem_type)
    county_safety = next(w for w in spikes if (w.region_id, w.problem_type) == (SPIKE_COUNTY, "safety"))
    assert county_safety.observed >= 14
    assert county_safety.p_value < 1e-5
    assert county_safety.rising_since >= planted["day"] - datetime.timedelta(days=6)
    behind = list(county_safety.cases.all())
    assert len(behind) == county_safety.observed
    assert all("safety" in case.problem_types for case in behind)

    (runaway,) = _found(WarningKind.PREPAID_RUNAWAY)
    assert runaway.entity == planted["runaway_shop"]
    assert runaway.observed == 8
    assert runaway.rising_since == planted["day"] - datetime.timedelta(days=3)
    assert runaway.cases.count() == 8

    (cluster,) = _found(WarningKind.CROSS_REGION_CLUSTER)
    assert cluster.entity == planted["cluster_shop"]
    assert cluster.prefectures == 6

    # The warnings went to the business's bureau and the consumers' home bureaus.
    recipients = {recipient.authority.region_id for recipient in cluster.recipients.all()}
    assert {"330110", *CLUSTER_HOMES} <= recipients
    assert {r.authority.region_id for r in runaway.recipients.all()} == {"440305"}
    assert SPIKE_COUNTY in {r.authority.region_id for r in county_safety.recipients.all()}
    assert set(WarningEvent.objects.values_list("action", flat=True)) == {"raised"}


def test_detecting_again_updates_the_current_warnings_instead_of_raising_more(planted):
    first = {w.pk for w in warnings_detect(day=planted["day"])}
    again = {w.pk for w in warnings_detect(day=planted["day"])}
    assert again == first
    assert EarlyWarning.objects.count() == len(first)
    assert not WarningEvent.objects.filter(action="updated").exists()


def test_a_complaint_filed_completes_a_pattern_and_updates_its_warning(planted):
    warnings_detect(day=planted["day"])
    (cluster,) = _found(WarningKind.CROSS_REGION_CLUSTER)
    before = cluster.prefectures
    consumer = factories.consumer(home_region="610113")  # 西安: a fifth prefecture
    case = factories.complaint(consumer=consumer, entity=planted["cluster_shop"])
    warnings_detect_for_complaint(case_id=case.pk)
    cluster.refresh_from_db()
    assert cluster.prefectures == before + 1
    assert cluster.cases.filter(pk=case.pk).exists()
    assert cluster.recipients.filter(authority__region_id="610113").exists()
    assert WarningEvent.objects.filter(warning=cluster, action="updated").count() == 1


def test_officials_of_a_recipient_acknowledge_and_record_what_they_did(planted):
    warnings_detect(day=planted["day"])
    (runaway,) = _found(WarningKind.PREPAID_RUNAWAY)
    official = factories.official(factories.bureau("440305"))
    outsider = factories.official(factories.bureau("330106"))
    with pytest.raises(PermissionDenied):
        warning_acknowledge(warning=runaway, actor=outsider)
    with pytest.raises(PermissionDenied):
        warning_record_action(warning=runaway, actor=outsider, action_taken="已核查")
    with pytest.raises(ValidationError):
        warning_record_action(warning=runaway, actor=official, action_taken="  ")

    recipient = warning_acknowledge(warning=runaway, actor=official)
    assert recipient.acknowledged_by == official
    warning_record_action(warning=runaway, actor=official, action_taken="已约谈经营者，督促其退还预付款余额。")
    warning_record_action(warning=runaway, actor=official, action_taken="已移交执法大队立案调查。")
    recipient.refresh_from_db()
    assert recipient.action_taken == "已移交执法大队立案调查。"
    history = list(WarningEvent.objects.filter(warning=runaway).values_list("action", "actor", "note"))
    assert history == [
        ("raised", None, history[0][2]),
        ("acknowledged", official.pk, ""),
        ("action", official.pk, "已约谈经营者，督促其退还预付款余额。"),
        ("action", official.pk, "已移交执法大队立案调查。"),
    ]
    event = WarningEvent.objects.filter(warning=runaway).first()
    with pytest.raises(ValidationError):
        event.save()


@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15])
def test_steady_complaints_alone_raise_no_warning(places, seed):
    """The same background without anything planted: no warning at all (the test's level keeps
    false alarms rare over all the series tested)."""
    last_day = timezone.localdate() - datetime.timedelta(days=1)
    entities = {county: [factories.shop(region=county, name=f"平稳{county}商行").pk] for county in COUNTIES}
    complaints_generate(
        background=Background(
            counties=COUNTIES,
            first_day=last_day - datetime.timedelta(days=DAYS - 1),
            days=DAYS,
            per_county_day=1.0,
            entities_by_county=entities,
        ),
        seed=seed,
    )
    assert Case.objects.count() > DAYS * len(COUNTIES) * 0.8
    assert warnings_detect(day=last_day) == []
