#include "connector.hpp"

#include <algorithm>
#include <memory>

namespace tether::bench {
namespace {

struct connect_state {
  std::vector<mqtt::client*> clients;
  connect_plan plan;
  std::function<void(const connect_outcome&)> done;
  std::size_t next = 0;
  connect_outcome outcome;
};

std::optional<asio::ip::address> source_for(const connect_plan& plan, std::size_t i) {
  auto server = plan.server.address();
  if (!plan.spread_sources || !server.is_v4() || !server.is_loopback()) return std::nullopt;
  return asio::ip::address_v4(0x7f000001u + static_cast<std::uint32_t>(i % 250));
}

void launch(const std::shared_ptr<connect_state>& s) {
  if (s->next >= s->clients.size()) return;
  auto i = s->next++;
  s->clients[i]->start(s->plan.server, source_for(s->plan, i), [s](const boost::system::error_code& ec) {
    auto& o = s->outcome;
    if (ec) {
      ++o.failed;
      if (o.first_error.empty()) o.first_error = ec.message();
    } else {
      ++o.connected;
    }
    if (o.connected + o.failed == s->clients.size()) return s->done(o);
    launch(s);
  });
}

}  // namespace

void connect_all(std::vector<mqtt::client*> clients, const connect_plan& plan,
                 std::function<void(const connect_outcome&)> done) {
  auto s = std::make_shared<connect_state>();
  s->clients = std::move(clients);
  s->plan = plan;
  s->done = std::move(done);
  if (s->clients.empty()) return s->done(s->outcome);
  auto first = std::min(plan.concurrency, s->clients.size());
  for (std::size_t k = 0; k < first; ++k) launch(s);
}

}  // namespace tether::bench
