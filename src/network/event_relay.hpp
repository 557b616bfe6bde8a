#pragma once
// An event_sink placed in front of another that hands every event on unchanged: measures derive from
// it and override only what they look at (calling the relay's method to pass the event on), so an
// event kind added to event_sink later reaches the next sink without touching every measure.

#include "network/events.hpp"

namespace tether::network {

class event_relay : public event_sink {
 public:
  explicit event_relay(event_sink& next) : next_(next) {}

  void on_join(const join_event& event) override { next_.on_join(event); }
  void on_uplink(const uplink_event& event) override { next_.on_uplink(event); }
  void on_downlink(const downlink_event& event) override { next_.on_downlink(event); }
  void on_drop(const drop_event& event) override { next_.on_drop(event); }
  void on_gateway(const gateway_event& event) override { next_.on_gateway(event); }

 private:
  event_sink& next_;
};

}  // namespace tether::network
