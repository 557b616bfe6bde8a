#include "application/bus.hpp"

namespace tether::application {

void bus::on_join(const network::join_event& event) {
  for (auto* f : frontends_) f->on_join(event);
}

void bus::on_uplink(const network::uplink_event& event) {
  for (auto* f : frontends_) f->on_uplink(event);
}

void bus::on_downlink(const network::downlink_event& event) {
  for (auto* f : frontends_) f->on_downlink(event);
}

bool bus::push_downlinks(network::downlink_request request) {
  if (!downlinks_) return false;
  downlinks_->push_downlinks(std::move(request));
  return true;
}

}  // namespace tether::application
