import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mediation.models import MarketEntity
from mediation.selectors import registry as registry_selector
from mediation.selectors.registry import has_search_terms, registry_search
from mediation.services.registry import entity_register, name_search_terms, query_search_terms
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def registry(places):
    names = [
        "杭州华为电器有限公司",
        "华为技术有限公司",
        "深圳中华为民服务部",  # holds 华为 only across a word boundary
        "杭州鑫达食品有限公司",
        "ＡＢＣ优品超市",  # full-width Latin letters
    ]
    return {name: factories.shop(name=name) for name in names}


def _names(query, **extra):
    return [entity.name for entity in registry_search(query=query, **extra)]


def test_exact_name_first_then_prefix_then_whole_word(registry):
    assert _names("华为技术有限公司")[0] == "华为技术有限公司"
    results = _names("华为")
    assert results[0] == "华为技术有限公司"  # starts with the fragment
    assert results.index("杭州华为电器有限公司") < results.index("深圳中华为民服务部")  # whole word beats a bigram
    assert "杭州鑫达食品有限公司" not in results


def test_any_fragment_of_the_name_finds_it(registry):
    assert _names("达食品") == ["杭州鑫达食品有限公司"]
    assert _names("食品有限")[0] == "杭州鑫达食品有限公司"
    assert _names("州鑫") == ["杭州鑫达食品有限公司"]
    assert _names("abc优品") == ["ＡＢＣ优品超市"]


def test_search_by_code_and_code_prefix(registry):
    entity = registry["华为技术有限公司"]
    assert _names(entity.uscc) == ["华为技术有限公司"]
    assert _names(entity.uscc.lower()) == ["华为技术有限公司"]
    assert "华为技术有限公司" in _names(entity.uscc[:10])


def test_code_with_a_wrong_check_character_is_refused(registry):
    code = registry["华为技术有限公司"].uscc
    with pytest.raises(ValidationError, match="check character"):
        registry_search(query=code[:-1] + ("1" if code[-1] == "0" else "0"))


@pytest.mark.parametrize("query", ["华", "有限公司", "  ", "股份有限公司"])
def test_queries_that_cannot_narrow_anything_are_refused(registry, query):
    with pytest.raises(ValidationError, match="at least two characters"):
        registry_search(query=query)


def test_search_terms_of_a_fragment_are_a_subset_of_the_name(registry):
    name = "杭州鑫达食品有限公司"
    for start in range(len(name) - 1):
        for end in range(start + 2, len(name) + 1):
            fragment = name[start:end]
            assert set(query_search_terms(fragment)) <= set(name_search_terms(fragment)) <= set(name_search_terms(name))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL")
def test_name_search_is_served_by_the_gin_index(registry):
    query = MarketEntity.objects.filter(has_search_terms(query_search_terms("鑫达食品"))).query
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "marketentity_search_terms_gin" in plan


def test_registering_refuses_bad_codes_and_duplicates(places):
    code = factories.uscc("330106")
    entity_register(name="甲店", uscc=code, business_region=places.xihu)
    with pytest.raises(ValidationError) as raised:
        entity_register(name="乙店", uscc=code)
    assert "already registered" in raised.value.message_dict["uscc"][0]
    with pytest.raises(ValidationError) as raised:
        entity_register(name="丙店", uscc="")
    assert "uscc" in raised.value.message_dict
    assert MarketEntity.objects.filter(uscc=code).count() == 1


def test_tiers_do_not_repeat_and_respect_the_limit(registry):
    names = _names("华为", limit=2)
    assert len(names) == 2 == len(set(names))
    assert len(_names("华为", limit=50)) == len(set(_names("华为", limit=50))) == 3


@pytest.fixture
def same_trade_name(places):
    """星辰 shops across the country, the West Lake one's full registered name among them."""
    shops = {
        "太原星辰电子店": "140105",
        "济南星辰茶叶店": "370102",
        "星辰电器": "110105",
        "深圳星辰电器商行": "440305",
        "杭州星辰电器滨江店有限公司": "330108",
        "杭州星辰电器西湖店有限公司": "330106",
        "星辰电器城": "330106",
    }
    return {name: factories.shop(name=name, region=region) for name, region in shops.items()}


def test_a_full_registered_name_inside_a_sentence_finds_that_business_first(same_trade_name):
    sentence = "我在杭州星辰电器西湖店有限公司买的冰箱坏了，商家一直拖着不处理，我要投诉"
    assert _names(sentence)[0] == "杭州星辰电器西湖店有限公司"
    # Of nested registered names (星辰电器, 星辰电器城) written whole, the longest comes first.
    assert _names("在星辰电器城二楼买的")[:2] == ["星辰电器城", "星辰电器"]


def test_a_partial_name_ranks_the_exact_name_then_names_holding_every_word_then_the_rest(same_trade_name):
    ranked = _names("星辰电器")
    assert ranked[0] == "星辰电器"  # the exact name
    holding_the_words = {"深圳星辰电器商行", "杭州星辰电器滨江店有限公司", "杭州星辰电器西湖店有限公司", "星辰电器城"}
    assert set(ranked[1:5]) == holding_the_words
    assert set(ranked[5:]) == set()  # 太原星辰电子店 and 济南星辰茶叶店 hold 星辰 but not 电器


def test_the_place_puts_that_citys_businesses_first(same_trade_name):
    assert _names("星辰")[:1] == ["星辰电器"]  # shortest first, without a place
    for near in ("杭州", "杭州市西湖区文三路的门店", "330106", "浙江"):
        ranked = _names("星辰", near=near)
        assert set(ranked[:3]) == {"星辰电器城", "杭州星辰电器滨江店有限公司", "杭州星辰电器西湖店有限公司"}, near
        assert ranked[3] == "星辰电器"  # then the rest, shortest first
    assert _names("太原 星辰")[0] == "太原星辰电子店"  # a place in the query itself
    assert _names("星辰", near="火星")[:1] == ["星辰电器"]  # a place the registry does not know changes nothing


def test_a_fragment_too_broad_to_rank_asks_for_the_city_or_more_of_the_name(same_trade_name, monkeypatch):
    monkeypatch.setattr(registry_selector, "RANKED_IN_FULL", 3)
    # 电器 is in five names: more than can be ranked, and no name starts with it.
    with pytest.raises(ValidationError, match="add the city") as refused:
        registry_search(query="电器")
    assert refused.value.code == "query_too_broad"
    # With the city, the few of that city are ranked in full.
    assert set(_names("电器", near="杭州")[:3]) == {
        "星辰电器城",
        "杭州星辰电器滨江店有限公司",
        "杭州星辰电器西湖店有限公司",
    }
    # The exact name and the names starting with the fragment still come; the broad tiers give nothing.
    monkeypatch.setattr(registry_selector, "RANKED_IN_FULL", 2)
    assert _names("星辰电器") == ["星辰电器", "星辰电器城"]


def test_an_exact_name_shared_by_more_businesses_than_can_be_ranked_is_refused_not_an_error(
    same_trade_name, monkeypatch
):
    factories.shop(name="星辰电器", region="440305")
    monkeypatch.setattr(registry_selector, "RANKED_IN_FULL", 1)
    with pytest.raises(ValidationError) as refused:
        registry_search(query="星辰电器")
    assert refused.value.code == "query_too_broad"
