"""Synthetic complaints for the analysis's tests and benchmark: texts written from fragments,
spread over regions, categories, businesses and days at a steady (Poisson) rate, with hot spots
planted on top: a spike of one problem or category in a county, a business complained about from
several prefectures, a shop whose prepaid cards stop being honoured.

Each text is read by the product's own classifier and keyword extraction, as a filed complaint is,
and the rows go into PostgreSQL with COPY. The counts are then recomputed from them."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import itertools
import random
from collections.abc import Iterator, Sequence

import numpy
from django.db import connection, transaction
from django.utils import timezone

from mediation.models import Authority, AuthorityKind, Case, CaseKind, CaseStatus, IntakeChannel, Region
from mediation.services.complaint_counts import complaint_counts_rebuild
from mediation.services.complaint_text import keywords_of, problem_types_of_many

# What was bought, by category of goods or services (CaseCategory).
PRODUCTS = {
    "G01": ["牛奶", "月饼", "零食大礼包", "速冻水饺", "进口奶粉", "蛋糕", "腊肉"],
    "G02": ["空调", "冰箱", "洗衣机", "热水器", "扫地机器人", "电饭煲", "空气炸锅"],
    "G03": ["羽绒服", "运动鞋", "羊毛大衣", "牛仔裤", "皮鞋"],
    "G05": ["电动车", "新车", "二手车", "电瓶车电池"],
    "G07": ["面霜", "精华液", "面膜", "口红"],
    "G11": ["手机", "平板电脑", "蓝牙耳机", "智能手表"],
    "S01": ["餐厅套餐", "美发服务", "洗衣服务", "美甲"],
    "S02": ["英语培训课", "少儿编程课", "考研辅导班", "驾校培训"],
    "S03": ["健身课程", "游泳课", "演唱会门票"],
    "S04": ["直播间买的商品", "网购商品", "会员订阅"],
    "S07": ["装修工程", "物业服务", "全屋定制"],
    "S08": ["跟团游", "酒店预订", "机票"],
}
# What went wrong, by problem type: the fragments a text is written from.
PROBLEMS = {
    "quality": [
        "用了三天就坏了，根本不能用",
        "收到就有质量问题，开裂了",
        "里面有异物，已经变质了",
        "质量太差，没几天就掉漆",
    ],
    "false_advertising": [
        "跟宣传的完全不一样，主播说的功效都是假的",
        "广告说是进口原装，实际不是",
        "详情页描述不符，夸大宣传",
    ],
    "price": ["结账时比标价多收了钱", "先涨价再打折，价格欺诈", "收了很多隐形费用，乱收费"],
    "contract": ["签了合同却不履行，还说最终解释权归商家", "定金不退，单方面改了合同条款", "逾期交付，违约也不赔"],
    "prepaid_card": [
        "办了会员卡充了钱，现在店关门了老板跑路了",
        "储值卡余额不给退，换了老板不认卡",
        "预付的课时费不退，门店停业",
    ],
    "after_sales": ["申请退货商家拒绝退款，客服一直推诿", "保修期内不给修，售后踢皮球", "七天无理由退货被拒绝"],
    "safety": ["充电时起火爆炸了，差点伤到孩子", "用了以后皮肤过敏红肿，去了医院", "吃了以后上吐下泻，食物中毒"],
    "personal_information": ["买完以后天天接到骚扰电话，个人信息被泄露", "强制刷脸收集个人信息，未经同意"],
    "delivery": ["快递一直没送到，物流不更新", "包裹显示已签收但我没收到", "配送超时，外卖送了两个小时"],
    "counterfeit": ["收到的是假货，专柜鉴定不是正品", "卖的是高仿冒牌货，三无产品"],
}
OPENINGS = ["", "我在店里买的", "上个月网上买了", "前几天买的", "在直播间下单的", "朋友推荐办的"]
DEMANDS = ["要求退款。", "希望退一赔三。", "要求赔偿损失。", "请帮忙处理。", "要求换货。", ""]
DEMAND_OF_TEXT = {"要求退款。": "refund", "要求换货。": "replacement", "要求赔偿损失。": "compensation"}


@dataclasses.dataclass(frozen=True)
class PlantedSpike:
    """Extra complaints of one problem type in a county, over some days."""

    county: str
    problem_type: str
    first_day: datetime.date
    days: int
    complaints: int
    category: str = "G01"


@dataclasses.dataclass(frozen=True)
class PlantedCluster:
    """Complaints against one business from consumers of several prefectures."""

    entity_id: int
    consumer_counties: Sequence[str]
    first_day: datetime.date
    days: int


@dataclasses.dataclass(frozen=True)
class PlantedRunaway:
    """Prepaid-card complaints piling up against one business."""

    entity_id: int
    first_day: datetime.date
    days: int
    complaints: int


@dataclasses.dataclass
class Background:
    """The steady complaints: `per_county_day` on average in each county, against its businesses."""

    counties: Sequence[str]
    first_day: datetime.date
    days: int
    per_county_day: float
    # Businesses per county, drawn by a Zipf-like weight (a few get many complaints).
    entities_by_county: dict[str, list[int]]
    # Where consumers live: their own county mostly (all of them when this is empty), else any of these.
    consumer_counties: Sequence[str] = ()
    # How busy each county is against the others (1 each when empty): its rate is per_county_day
    # times its weight.
    county_weights: Sequence[float] = ()


class _Writer:
    """Complaint rows for COPY into mediation_case."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.serial = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        self.bureaus = dict(Authority.objects.filter(kind=AuthorityKind.BUREAU).values_list("region_id", "pk"))
        self.parents = dict(Region.objects.values_list("code", "parent_id"))
        self.columns, self.defaults = _case_columns()
        # What the product read in each text: the texts repeat, as they are written from fragments.
        self.read: dict[str, tuple[list[str], list[str]]] = {}

    def bureau_of(self, region_code: str) -> int:
        code: str | None = region_code
        while code is not None:
            if code in self.bureaus:
                return self.bureaus[code]
            code = self.parents.get(code)
        raise ValueError(f"no bureau for {region_code}")

    def text(self, problem_type: str, category: str) -> tuple[str, str]:
        rnd = self.random
        product = rnd.choice(PRODUCTS.get(category) or PRODUCTS["G01"])
        demand = rnd.choice(DEMANDS)
        facts = f"{rnd.choice(OPENINGS)}{product}，{rnd.choice(PROBLEMS[problem_type])}。{demand}"
        return facts, DEMAND_OF_TEXT.get(demand, "other")

    def row(self, *, entity_id: int, entity_county: str, consumer_county: str, day, problem_type, category) -> dict:
        rnd = self.random
        received_at = datetime.datetime.combine(
            day,
            datetime.time(rnd.randrange(7, 23), rnd.randrange(60), rnd.randrange(60)),
            timezone.get_current_timezone(),
        )
        facts, demand = self.text(problem_type, category)
        values = {
            **self.defaults,
            "number": f"SY{self.serial:012d}",
            "kind": CaseKind.COMPLAINT,
            "status": CaseStatus.CLOSED,
            "intake_channel": IntakeChannel.WEB,
            "consumer_region_id": consumer_county,
            "entity_id": entity_id,
            "category": category,
            "facts": facts,
            "demand": demand,
            "handling_authority_id": self.bureau_of(entity_county),
            "is_cross_region": consumer_county[:4] != entity_county[:4],
            "received_at": received_at,
            "closed_at": received_at,
            "created_at": received_at,
            "updated_at": received_at,
        }
        self.serial += 1
        return values

    def lines(self, rows: list[dict]) -> str:
        """The rows for COPY, with what the product reads in their texts (new texts read at once)."""
        unread = sorted({row["facts"] for row in rows} - self.read.keys())
        for facts, problem_types in zip(unread, problem_types_of_many(unread), strict=True):
            self.read[facts] = (problem_types, keywords_of(facts))
        out = []
        for row in rows:
            row["problem_types"], row["keywords"] = self.read[row["facts"]]
            out.append("\t".join(_copy_value(row[column]) for column in self.columns) + "\n")
        return "".join(out)


def _case_columns() -> tuple[list[str], dict]:
    """Every column of mediation_case but the id, with the model's defaults."""
    columns, defaults = [], {}
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        defaults[field.column] = None if field.null else field.get_default()
    return columns, defaults


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):  # an array literal, then escaped for COPY as any text is
        value = "{" + ",".join('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in value) + "}"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


@functools.cache
def _zipf_cumulative(size: int) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) for rank in range(size)))


def _zipf_choice(rnd: random.Random, items: Sequence[int]) -> int:
    """One of `items`, the first ones likelier (weight 1 / rank): a few businesses get many complaints."""
    return rnd.choices(items, cum_weights=_zipf_cumulative(len(items)))[0]


def _background_rows(writer: _Writer, background: Background) -> Iterator[dict]:
    rnd = writer.random
    draws = numpy.random.default_rng(rnd.randrange(2**32))
    problem_types = list(PROBLEMS)
    problem_weights = list(itertools.accumulate([5, 2, 2, 2, 1.5, 4, 0.7, 0.6, 3, 1]))
    categories = list(PRODUCTS)
    weights = numpy.array(background.county_weights or [1.0] * len(background.counties), dtype=float)
    rates = background.per_county_day * weights
    for offset in range(background.days):
        day = background.first_day + datetime.timedelta(days=offset)
        counts = draws.poisson(rates)
        for county, count in zip(background.counties, counts, strict=True):
            for _ in range(int(count)):
                elsewhere = background.consumer_counties or (county,)
                consumer_county = county if rnd.random() < 0.8 else rnd.choice(elsewhere)
                yield writer.row(
                    entity_id=_zipf_choice(rnd, background.entities_by_county[county]),
                    entity_county=county,
                    consumer_county=consumer_county,
                    day=day,
                    problem_type=rnd.choices(problem_types, cum_weights=problem_weights)[0],
                    category=rnd.choice(categories),
                )


def _planted_rows(
    writer: _Writer, background: Background, plants: Sequence, entity_counties: dict[int, str]
) -> Iterator[dict]:
    rnd = writer.random
    for plant in plants:
        if isinstance(plant, PlantedSpike):
            for index in range(plant.complaints):
                yield writer.row(
                    entity_id=rnd.choice(background.entities_by_county[plant.county]),
                    entity_county=plant.county,
                    consumer_county=plant.county,
                    day=plant.first_day + datetime.timedelta(days=index % plant.days),
                    problem_type=plant.problem_type,
                    category=plant.category,
                )
        elif isinstance(plant, PlantedCluster):
            for index, consumer_county in enumerate(plant.consumer_counties):
                yield writer.row(
                    entity_id=plant.entity_id,
                    entity_county=entity_counties[plant.entity_id],
                    consumer_county=consumer_county,
                    day=plant.first_day + datetime.timedelta(days=index % plant.days),
                    problem_type="quality",
                    category="G11",
                )
        elif isinstance(plant, PlantedRunaway):
            county = entity_counties[plant.entity_id]
            for index in range(plant.complaints):
                yield writer.row(
                    entity_id=plant.entity_id,
                    entity_county=county,
                    consumer_county=county,
                    day=plant.first_day + datetime.timedelta(days=index % plant.days),
                    problem_type="prepaid_card",
                    category="S03",
                )


def complaints_generate(
    *, background: Background, plants: Sequence = (), seed: int = 12315, batch_size: int = 50_000, progress=None
) -> int:
    """Write the background's complaints and the planted ones, then recompute the counts of their
    days. Returns how many complaints were written."""
    writer = _Writer(seed)
    entity_counties = {
        entity_id: county for county, entity_ids in background.entities_by_county.items() for entity_id in entity_ids
    }
    rows = iter([*_planted_rows(writer, background, plants, entity_counties)])
    written = 0

    def copy(batch: list[dict]) -> None:
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY mediation_case ({', '.join(writer.columns)}) FROM STDIN", io.StringIO(writer.lines(batch))
            )

    for source in (rows, _background_rows(writer, background)):
        batch: list[dict] = []
        for row in source:
            batch.append(row)
            if len(batch) == batch_size:
                with transaction.atomic():
                    copy(batch)
                written += len(batch)
                batch = []
                if progress:
                    progress(written)
        if batch:
            with transaction.atomic():
                copy(batch)
            written += len(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE mediation_case")
    first_days = [background.first_day, *(plant.first_day for plant in plants)]
    end_days = [background.first_day + datetime.timedelta(days=background.days)]
    end_days += [plant.first_day + datetime.timedelta(days=plant.days) for plant in plants]
    complaint_counts_rebuild(since=min(first_days), until=max(end_days))
    return written
