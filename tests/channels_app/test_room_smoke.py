import pytest

from tests.channels_app.room_client import RoomClient

pytestmark = pytest.mark.django_db(transaction=True)


async def test_consumer_and_merchant_exchange_messages(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    merchant = await RoomClient.join(room_world.shop_staff, room_world.number)
    ack = await consumer.say("空调坏了，要求退款", "c-1")
    assert ack["type"] == "ack"
    got = await merchant.next("message", client_msg_id="c-1")
    assert got["text"] == "空调坏了，要求退款"
    assert got["seq"] == ack["seq"]
    await consumer.close()
    await merchant.close()
