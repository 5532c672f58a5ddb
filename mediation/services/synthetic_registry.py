"""Synthetic market entities with valid credit codes across real regions, for demos and benchmarks."""

import io
import random
from collections.abc import Iterator

from django.db import connection, transaction
from stdnum.cn import uscc as uscc_codes

from mediation.models import EntityKind, MarketEntity, Region, RegionLevel
from mediation.services.reference_data import PLACEHOLDER_REGION_NAMES
from mediation.services.registry import search_fields

TRADE_NAME_CHARACTERS = (
    "鑫达恒丰盛华泰隆昌源宏兴嘉禾瑞祥和美佳鸿福康安运通海天金银富贵永新博众诚信德润云"
    "星光辉明阳辰宇锦绣创优品尚悦乐享朗峰凯腾远航中亿万顺家乐欣荣"
)
INDUSTRIES = [
    "食品",
    "电子",
    "服饰",
    "家居",
    "装饰工程",
    "教育咨询",
    "旅行社",
    "汽车销售",
    "大药房",
    "餐饮管理",
    "美容美发",
    "健身服务",
    "家用电器",
    "母婴用品",
    "珠宝",
    "文化传媒",
    "网络科技",
    "物业管理",
    "超市",
    "商贸",
    "酒业",
    "茶叶",
    "化妆品",
    "眼镜",
    "通讯器材",
    "建材",
    "培训学校",
    "口腔诊所",
    "影城",
    "物流",
    "水果店",
    "烘焙",
    "鞋业",
    "家政服务",
    "摄影",
    "婚庆服务",
    "宠物用品",
    "体育用品",
    "图书",
    "租车",
]
LEGAL_FORMS = ["有限公司", "有限公司", "有限责任公司", "股份有限公司", "店", "商行", "经营部"]
PLATFORM_NAMES = ["云购", "优选", "速购", "乐淘", "惠买", "鲜到家", "直播优品", "好物"]
ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 characters
SYNTHETIC_MARK = "Y"  # first character of a synthetic organisation code; real ones are digits here


def synthetic_uscc(region_code: str, serial: int, *, individual: bool = False) -> str:
    digits = []
    for _ in range(8):
        serial, remainder = divmod(serial, len(ORG_CODE_ALPHABET))
        digits.append(ORG_CODE_ALPHABET[remainder])
    body = "9" + ("2" if individual else "1") + region_code + SYNTHETIC_MARK + "".join(reversed(digits))
    return body + uscc_codes.calc_check_digit(body)


def _short_city_name(name: str) -> str:
    for suffix in ("市", "地区", "盟"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


class _Generator:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        counties = list(
            Region.objects.filter(level=RegionLevel.COUNTY, is_current=True, is_cross_border=False)
            .exclude(name="市辖区")
            .select_related("parent")
        )
        if not counties:
            raise RuntimeError("Load the reference data first: manage.py load_reference_data")
        self.counties = counties
        self.provinces = {r.code: r for r in Region.objects.filter(level=RegionLevel.PROVINCE)}

    def city_name(self, county: Region) -> str:
        parent = county.parent
        if parent is not None and parent.name in PLACEHOLDER_REGION_NAMES:
            parent = self.provinces.get(parent.parent_id)  # a municipality's districts: 重庆, 北京
        return _short_city_name(parent.name if parent is not None else county.name)

    def name(self, county: Region) -> tuple[str, bool]:
        size = 2 if self.random.random() < 0.8 else 3
        trade = "".join(self.random.choice(TRADE_NAME_CHARACTERS) for _ in range(size))
        industry = self.random.choice(INDUSTRIES)
        legal_form = self.random.choice(LEGAL_FORMS)
        individual = legal_form in ("店", "商行", "经营部")
        return f"{self.city_name(county)}{trade}{industry}{legal_form}", individual

    def address(self, county: Region) -> str:
        road = f"{self.random.choice('东西南北中')}{self.random.randint(1, 30)}路"
        return f"{county.name}{road}{self.random.randint(1, 999)}号"


def _rows(generator: _Generator, count: int, first_serial: int, platforms: list[MarketEntity]) -> Iterator[tuple]:
    rnd = generator.random
    for index in range(count):
        county = rnd.choice(generator.counties)
        name, individual = generator.name(county)
        code = synthetic_uscc(county.code, first_serial + index, individual=individual)
        platform_id = None
        kind = EntityKind.SHOP
        business_region, address = county.code, generator.address(county)
        if platforms and rnd.random() < 0.1:
            kind = EntityKind.PLATFORM_MERCHANT
            platform_id = rnd.choice(platforms).pk
            if rnd.random() < 0.3:  # has not published an address
                business_region, address = None, ""
        terms = search_fields(name)
        yield (
            name,
            code,
            kind,
            platform_id,
            county.code,
            business_region,
            address,
            True,
            "CN",
            rnd.random() < 0.05,
            terms["search_terms"],
            True,
            "",
            "",
        )


COLUMNS = [
    "name",
    "uscc",
    "kind",
    "platform_id",
    "registered_region_id",
    "business_region_id",
    "business_address",
    "reachable_at_address",
    "country_code",
    "is_odr",
    "search_terms",
    # Registered businesses (COPY fills no column left out, and these have no database default).
    "is_registered",
    "shop_link",
    "goods",
]


def _copy_escape(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def seed_registry(*, count: int, seed: int = 12315, batch_size: int = 50_000, progress=None) -> int:
    """Add `count` synthetic entities (a few of them platforms); returns how many were added."""
    generator = _Generator(seed)
    first_serial = (MarketEntity.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    platforms = list(MarketEntity.objects.filter(kind=EntityKind.PLATFORM))
    new_platforms = max(0, min(len(PLATFORM_NAMES), count // 10_000 + 1) - len(platforms)) if count >= 100 else 0
    for index in range(new_platforms):
        county = generator.random.choice(generator.counties)
        name = f"{generator.city_name(county)}{PLATFORM_NAMES[index]}网络科技有限公司"
        platforms.append(
            MarketEntity.objects.create(
                name=name,
                uscc=synthetic_uscc(county.code, first_serial + index),
                kind=EntityKind.PLATFORM,
                registered_region=county,
                business_region=county,
                business_address=generator.address(county),
                **search_fields(name),
            )
        )
    first_serial += new_platforms
    remaining = count - new_platforms
    rows = _rows(generator, remaining, first_serial, platforms)
    added = new_platforms
    while added < count:
        batch = [row for _, row in zip(range(batch_size), rows, strict=False)]
        if not batch:
            break
        with transaction.atomic():
            if connection.vendor == "postgresql":
                buffer = io.StringIO("".join("\t".join(_copy_escape(v) for v in row) + "\n" for row in batch))
                with connection.cursor() as cursor:
                    cursor.cursor.copy_expert(f"COPY mediation_marketentity ({', '.join(COLUMNS)}) FROM STDIN", buffer)
            else:
                MarketEntity.objects.bulk_create(
                    [MarketEntity(**dict(zip(COLUMNS, row, strict=True))) for row in batch], batch_size=2000
                )
        added += len(batch)
        if progress:
            progress(added)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE mediation_marketentity")
    return added
