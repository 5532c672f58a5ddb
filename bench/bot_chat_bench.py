"""One full bot turn through the WebSocket: from a message sent on /ws/bot/ to the end of the bot's
answer ("done"), through daphne, Rasa (NLU and dialogue), the action server and the mediation API
on PostgreSQL. The product runs as `make run` runs it, each part in its own process.

Conversations are complete complaints, from the first message to the filed case, answered the way
the end-to-end test answers them, one after the other. The person's one-second pace is not counted.
Prints p50, p99 and max of every turn, and of the turns that file the case."""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channels_app.settings")

from bench.common import ensure_database, percentile  # noqa: E402
from scripts.bot_chat_client import Chat, answers, button  # noqa: E402
from scripts.stack import fresh_postgres_database, start_stack  # noqa: E402

SHOP_NAME = "杭州星辰电器西湖店有限公司"


def prepare(conversations: int) -> tuple[list[str], str]:
    """Session cookies of `conversations` registered consumers, and the bot's API token."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from stdnum.cn import ric

    from mediation.models import MarketEntity, Region
    from mediation.services.accounts import bot_service_account_ensure
    from mediation.services.people import consumer_register
    from mediation.services.reference_data import reference_data_load
    from mediation.services.registry import entity_register
    from mediation.services.synthetic_registry import synthetic_uscc

    call_command("migrate", verbosity=0)
    reference_data_load(only=["330106", "110105"])
    if not MarketEntity.objects.filter(name=SHOP_NAME).exists():
        entity_register(
            name=SHOP_NAME,
            uscc=synthetic_uscc("330106", 990_000_001),
            business_region=Region.objects.get(code="330106"),
            business_address="文三路1号",
        )
    cookies = []
    for index in range(conversations):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-bot-consumer-{index}")
        if not hasattr(user, "consumer"):
            # Born on another day than the room benchmark's consumers: one identity holds one account.
            body = f"11010519850101{index % 999 + 1:03d}"
            consumer_register(
                user=user,
                real_name="王五",
                id_number=body + ric.calc_check_digit(body + "0"),
                phone="13900000000",
                home_region=Region.objects.get(code="110105"),
            )
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies, bot_service_account_ensure().key


ANSWER = answers(
    [
        ("想先确认一下", "/complaint"),
        ("名字相近", lambda question: button(question, "西湖店")),
        ("是哪家商家", SHOP_NAME),
        ("在哪里买的", "杭州西湖区文三路的门店"),
        ("买的是什么", "一台冰箱"),
        ("哪一类商品或服务", lambda question: button(question, "家用电器")),
        ("什么品牌", "海尔"),
        ("哪天买的", "上周三"),
        ("花了多少钱", "三千五百元"),
        ("说说经过", "冰箱买回来第三天就不制冷了，找商家好几次都说等等，一直不给处理"),
        ("怎么解决", "要求退款"),
        ("请核对", "/affirm"),
    ]
)


async def converse(port: int, cookies: list[str]) -> tuple[list[float], list[float]]:
    turns, filing = [], []
    for cookie in cookies:
        async with Chat(port, cookie) as chat:
            await chat.converse(f"我在{SHOP_NAME}买的冰箱坏了，商家一直拖着不处理，我要投诉", ANSWER)
        turns += chat.turn_seconds
        filing.append(chat.turn_seconds[-1])
    return turns, filing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=12)
    arguments = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    cookies, bot_token = prepare(arguments.conversations)
    with tempfile.TemporaryDirectory(prefix="bot-bench-") as logs:
        started = time.monotonic()
        stack = start_stack(
            database_url=os.environ["DATABASE_URL"],
            tracker_url=fresh_postgres_database("bench_bot_tracker"),
            bot_token=bot_token,
            logs=Path(logs),
        )
        print(f"web service, Rasa and the action server up in {time.monotonic() - started:.0f} s", flush=True)
        try:
            turns, filing = asyncio.run(converse(stack.web_port, cookies))
        finally:
            stack.stop()
    print(f"\nbot turns through /ws/bot/ ({len(cookies)} complaints from first message to filed case)")
    for name, values in (("every turn", turns), ("filing turns", filing)):
        milliseconds = [value * 1000 for value in values]
        print(
            f"  {name:<13} {len(values):4d} turns  p50 {percentile(milliseconds, 0.5):7.1f} ms"
            f"  p99 {percentile(milliseconds, 0.99):7.1f} ms  max {max(milliseconds):7.1f} ms"
        )


if __name__ == "__main__":
    main()
