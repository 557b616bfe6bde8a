#pragma once
// Connects many clients without flooding the server's listen backlog: at most `concurrency`
// handshakes at a time, each client bound to its own loopback source address when the server is on
// loopback, so tens of thousands of connections do not exhaust one address's ephemeral ports.

#include "mqtt/client/client.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace tether::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using mqtt::client_events;
using mqtt::client_options;

struct connect_plan {
  tcp::endpoint server;
  std::size_t concurrency = 64;
  bool spread_sources = true;  // 127.0.0.(1 + i % 250); only used for a loopback server
};

struct connect_outcome {
  std::size_t connected = 0;
  std::size_t failed = 0;
  std::string first_error;
};

void connect_all(std::vector<mqtt::client*> clients, const connect_plan& plan,
                 std::function<void(const connect_outcome&)> done);

}  // namespace tether::bench
