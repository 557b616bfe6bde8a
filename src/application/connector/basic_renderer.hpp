#pragma once
// A minimal message_renderer: the envelope of the Data API ({type, meta, params}) with the few fields
// the link's tests read (meta.device, meta.device_addr, meta.application, meta.history, meta.time,
// params.counter_up, params.port, params.payload) and {type}, {device}, {device_addr} and
// {application} replaced in topic_up. It lets the link, the serve module and their tests run without
// the full Data API codec (condata's data_api_codec), which replaces it in `tether serve`.

#include "application/connector/message_renderer.hpp"

namespace tether::application::connector {

class basic_renderer final : public message_renderer {
 public:
  explicit basic_renderer(std::string topic_up) : topic_up_(std::move(topic_up)) {}
  void render(const stream_event& event, const render_context& context,
              std::vector<rendered_message>& out) override;

 private:
  std::string topic_up_;
};

codec_factory make_basic_codec_factory();

}  // namespace tether::application::connector
