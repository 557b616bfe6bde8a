#pragma once
// --log-format: `text` (spdlog's usual lines, the default) or `json`: one JSON object per line with
// time (RFC 3339, UTC), level, logger, component (the line's "[realm]" or "word:" prefix), message,
// and the correlation IDs of the scope the line was logged in (core/log_context.hpp: gateway_id,
// application_id, device_id, dev_addr, dev_eui, client_id, remote_address, ...), each as a string.

#include <spdlog/formatter.h>

#include <memory>
#include <string_view>

namespace tether::cli {

std::unique_ptr<spdlog::formatter> make_json_log_formatter();

// Applies `format` ("text" or "json") to every logger; throws std::invalid_argument otherwise.
void set_log_format(std::string_view format);

}  // namespace tether::cli
