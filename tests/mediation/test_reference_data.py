from mediation.models import Authority, AuthorityKind, Region, RegionLevel
from mediation.services.reference_data import PLACEHOLDER_REGION_NAMES, reference_data_load


def test_every_current_mainland_region_has_its_bureau(db):
    regions = Region.objects.filter(is_current=True, is_cross_border=False).exclude(name__in=PLACEHOLDER_REGION_NAMES)
    counties = regions.filter(level=RegionLevel.COUNTY)
    assert counties.count() > 2800
    assert regions.filter(level=RegionLevel.PROVINCE).count() == 31
    without_bureau = regions.exclude(authorities__kind=AuthorityKind.BUREAU)
    assert list(without_bureau.values_list("code", flat=True)) == []


def test_regions_have_parents_and_history(db):
    linping = Region.objects.get(code="330113")  # 临平区, created in 2021
    assert (linping.name, linping.parent.name, linping.parent.parent.name) == ("临平区", "杭州市", "浙江省")
    xiacheng = Region.objects.get(code="330103")  # 下城区, merged away in 2021
    assert not xiacheng.is_current
    assert not Authority.objects.filter(region=xiacheng).exists()


def test_cross_border_regions_and_partner_agencies(db):
    for code in ("810000", "820000", "710000"):
        assert Region.objects.get(code=code).is_cross_border
    agencies = dict(Authority.objects.filter(kind=AuthorityKind.PARTNER_AGENCY).values_list("region_id", "name"))
    assert agencies["810000"] == "香港消费者委员会"
    assert agencies["820000"] == "澳门消费者委员会"


def test_loading_again_changes_nothing(db):
    before = (Region.objects.count(), Authority.objects.count())
    reference_data_load()
    assert (Region.objects.count(), Authority.objects.count()) == before
