#pragma once
// The application side's meeting point: events from the network core fan out to every application
// frontend (the TTS-style MQTT realm now; outbound connectors later). Implements the core's
// network::event_sink.

#include "network/downlinks.hpp"
#include "network/events.hpp"

#include <vector>

namespace tether::application {

// An application frontend: renders events in its own format and delivers them. Called from the
// network core's threads, several at once: must be thread-safe and must not block.
class frontend {
 public:
  virtual ~frontend() = default;
  virtual void on_join(const network::join_event& event) = 0;
  virtual void on_uplink(const network::uplink_event& event) = 0;
  virtual void on_downlink(const network::downlink_event& event) = 0;
};

class bus : public network::event_sink {
 public:
  // Before the core starts; frontends outlive the bus's use of them (main owns both).
  void attach(frontend& f) { frontends_.push_back(&f); }
  // The core that takes downlinks (set once, before traffic).
  void set_downlink_handler(network::downlink_handler& handler) { downlinks_ = &handler; }

  // From a frontend: queue downlinks. False when no core takes downlinks (nothing was queued).
  bool push_downlinks(network::downlink_request request);

  void on_join(const network::join_event& event) override;
  void on_uplink(const network::uplink_event& event) override;
  void on_downlink(const network::downlink_event& event) override;

 private:
  std::vector<frontend*> frontends_;
  network::downlink_handler* downlinks_ = nullptr;
};

}  // namespace tether::application
