"""The durable event stream end to end: every uplink event an application received is in the database's
event_log table, numbered 1, 2, 3, ... for its application in the order it was delivered, and stays there
through kill -9; numbering goes on after the restart."""
import sqlite3

import pytest

from test_uplink_path import ABP_ADDR, APP_S_KEY, NWK_S_KEY, Network, device

pytestmark = pytest.mark.tether_only


def logged(net):
    with sqlite3.connect(net.server.data_dir / "tether.db") as db:
        return db.execute("SELECT stream_seq, payload FROM event_log WHERE stream = 'app1' ORDER BY seq").fetchall()


@pytest.fixture
def net():
    n = Network()
    yield n
    n.close()


def test_delivered_events_are_logged_in_order_and_survive_kill_9(net):
    frames = [device("data", ABP_ADDR, str(f_cnt), "1", f"{f_cnt:02X}", NWK_S_KEY, APP_S_KEY) for f_cnt in range(1, 9)]
    sub = net.subscribe("v3/app1/devices/abp-dev/up", len(frames))
    for phy in frames:
        net.uplink("gw1", phy)
    events = net.events(sub)
    assert [e["uplink_message"]["f_cnt"] for _, e in events] == list(range(1, 9))

    net.server.kill()  # every event above was delivered, so it was durable in the log first
    for c in net.gateways.values():
        c.close()
    net.gateways = {}
    rows = logged(net)
    assert [seq for seq, _ in rows] == list(range(1, 9))
    for _, payload in rows:
        assert payload[0] == 2 and payload[1] == 2  # format version 2, an uplink

    net.server.start()
    sub = net.subscribe("v3/app1/devices/abp-dev/up", 1)
    net.uplink("gw1", device("data", ABP_ADDR, "9", "1", "09", NWK_S_KEY, APP_S_KEY))
    assert [e["uplink_message"]["f_cnt"] for _, e in net.events(sub)] == [9]
    assert [seq for seq, _ in logged(net)] == list(range(1, 10))  # numbering goes on, nothing reused
