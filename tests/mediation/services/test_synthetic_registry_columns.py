"""The synthetic registry loads through PostgreSQL's COPY, which fills no column left out: each of
the registry's columns without a database default must be written (migration 0025 added three)."""

from mediation.models import MarketEntity
from mediation.services.synthetic_registry import seed_registry


def test_synthetic_businesses_are_registered_ones(places):
    added = seed_registry(count=200)
    assert added == 200
    assert MarketEntity.objects.count() == MarketEntity.with_unlicensed.count() >= 200
    assert not MarketEntity.objects.exclude(shop_link="").exists()
