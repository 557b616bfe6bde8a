#include "application/bus.hpp"

namespace tether::application {

void bus::on_join(const network::join_event& event) {
  for (auto* f : frontends_) f->on_join(event);
}

void bus::on_uplink(const network::uplink_event& event) {
  for (auto* f : frontends_) f->on_uplink(event);
}

}  // namespace tether::application
