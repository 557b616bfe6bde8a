"""The [[connector]] tables of the --config file (issue 17, Deliver 1) refuse what `tether connector create`
refuses (validate_connector): a table with a 2-character name and one with an http:// URI are left out, each with
a warning log line naming the cause, while the good table next to them runs: an uplink reaches the user's broker
(Debian Mosquitto on a loopback port) on the good connector's topic and nothing arrives on the bad ones'."""
import json
import time

import pytest

from test_connector import Subscriber, UserBroker, cleanup, frames, wait_for  # noqa: F401 (cleanup: fixture)
from test_uplink_path import ABP_ADDR, Network

pytestmark = pytest.mark.tether_only


def table(name, uri, topic_up):
    return "\n".join(["[[connector]]", 'application = "app1"', f'name = "{name}"', f'uri = "{uri}"',
                      f'topic_up = "{topic_up}"', 'types = "uplink"']) + "\n"


def log_lines(server):
    lines = [line for line in server.log_text(limit=10_000_000).splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines]


def test_bad_tables_are_refused_with_a_warning_and_the_good_one_runs(cleanup, tmp_path):
    broker = UserBroker()
    cleanup.append(broker)
    uri = f"mqtt://127.0.0.1:{broker.port}"
    config = tmp_path / "tether.toml"
    config.write_text(table("ab", uri, "short/{type}") + "\n" +
                      table("bad-uri", f"http://127.0.0.1:{broker.port}", "http/{type}") + "\n" +
                      table("good", uri, "good/{type}/{device_addr}"))
    sub = Subscriber(broker.port)
    cleanup.append(sub)
    net = Network(extra_args=["--config", str(config), "--log-format", "json"])
    cleanup.append(net)

    def refusal(number):
        return [e for e in log_lines(net.server) if f"[[connector]] #{number} left out" in e["message"]]

    wait_for(lambda: refusal(1) and refusal(2), 15, "both bad tables to be refused in the log")
    short, http = refusal(1)[0], refusal(2)[0]
    assert short["level"] == "warning", short
    assert "connector name 'ab': invalid ID: 3-36 of a-z" in short["message"], short
    assert http["level"] == "warning", http
    assert "--uri: unknown scheme 'http'" in http["message"], http
    wait_for(lambda: any("connector app1/good: connected" in e["message"] for e in log_lines(net.server)), 15,
             "the good connector to connect")

    (phy,) = frames(ABP_ADDR, 1, 1)
    net.uplink("gw1", phy)
    topic = f"good/uplink/{ABP_ADDR.lower()}"
    wait_for(lambda: sub.received(topic), 10, f"the uplink on {topic}")
    time.sleep(1.5)  # a second sync would start a connector that the first one missed
    (_, uplink), = sub.received(topic)
    assert uplink["params"]["counter_up"] == 1
    assert sub.received("short/") == [] and sub.received("http/") == []
    started = [e["message"] for e in log_lines(net.server) if "connector app1/" in e["message"]]
    assert not [m for m in started if "app1/ab:" in m or "app1/bad-uri:" in m], started
    assert len(refusal(1)) == 1 and len(refusal(2)) == 1  # once per change of the file, not once a second
