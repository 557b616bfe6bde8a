// Plain TCP on the worker's own epoll set: no Asio socket after accept, so an idle connection holds
// no reactor entry (Asio's is 168 bytes), no pending operation (≈ 112 bytes) and no receive buffer;
// a socket is read only once readable, into its worker's shared buffer.

#include "mqtt/transport.hpp"
#include "mqtt/worker_pool.hpp"

#include <boost/asio/post.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace tether::mqtt {

namespace asio = boost::asio;

namespace {

boost::system::error_code last_error() { return {errno, boost::system::system_category()}; }

class tcp_transport final : public transport, private poll_target {
 public:
  tcp_transport(worker_socket socket, worker& home) : home_(home) {
    set_remote(socket);
    boost::system::error_code ec;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);  // writes are batched already
    fd_ = socket.release(ec);
    if (ec) {
      fd_ = -1;
      return;
    }
    if (::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK) != 0 || home_.poll_add(fd_, this)) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  ~tcp_transport() override { close_socket(); }

  // Reads at once if input may be waiting (posted: the caller may be the previous read's sink), else
  // when the set reports the socket readable.
  void read(std::shared_ptr<read_sink> sink) override {
    reader_ = std::move(sink);
    if (fd_ < 0 || readable_) {
      asio::post(home_.context(), [this, keep = reader_] {
        if (reader_) read_now();  // `keep`: the sink owns this transport
      });
    }
  }

  void write(asio::const_buffer data, write_handler handler) override {
    pending_write w{data, 0, std::move(handler)};
    if (fd_ < 0) {
      complete(std::move(w), asio::error::bad_descriptor);
      return;
    }
    auto ec = send_some(w);
    if (ec || w.done == w.data.size()) {
      complete(std::move(w), ec);
      return;
    }
    writer_ = std::make_unique<pending_write>(std::move(w));  // rare: the socket's buffer is full
  }

  void close() override {
    if (fd_ < 0) return;
    close_socket();
    // What was pending completes with operation_aborted, as with an Asio socket; posted, since the
    // handlers may hold the last reference to the connection that owns this transport.
    if (reader_) {
      asio::post(home_.context(),
                 [sink = std::move(reader_)] { sink->on_read(asio::error::operation_aborted, {}); });
    }
    if (writer_) {
      auto w = std::move(*writer_);
      writer_.reset();
      complete(std::move(w), asio::error::operation_aborted);
    }
  }

  asio::any_io_executor executor() override { return home_.context().get_executor(); }

 private:
  struct pending_write {
    asio::const_buffer data;
    std::size_t done = 0;
    write_handler handler;
  };

  void on_poll(std::uint32_t events) override {
    if (writer_ && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
      auto ec = send_some(*writer_);
      if (ec || writer_->done == writer_->data.size()) {
        auto w = std::move(*writer_);
        writer_.reset();
        complete(std::move(w), ec);
      }
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) {
      readable_ = true;
      if (reader_) read_now();  // last: the sink may release the connection, and this with it
    }
  }

  // One read into the worker's buffer. Input is known to be drained only when a read comes back
  // short: until then a new read needs no new edge.
  void read_now() {
    auto sink = std::move(reader_);
    if (fd_ < 0) {
      sink->on_read(asio::error::operation_aborted, {});
      return;
    }
    auto& buffer = home_.receive_buffer();
    for (;;) {
      auto n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (n > 0) {
        readable_ = static_cast<std::size_t>(n) == buffer.size();
        sink->on_read({}, std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
        return;
      }
      if (n == 0) {
        sink->on_read(asio::error::eof, {});
        return;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        readable_ = false;
        reader_ = std::move(sink);  // wait for the next edge
        return;
      }
      sink->on_read(last_error(), {});
      return;
    }
  }

  // Sends what the socket takes; an error, or none with the rest left in `w` (EAGAIN).
  boost::system::error_code send_some(pending_write& w) {
    while (w.done < w.data.size()) {
      auto n =
          ::send(fd_, static_cast<const char*>(w.data.data()) + w.done, w.data.size() - w.done, MSG_NOSIGNAL);
      if (n >= 0) {
        w.done += static_cast<std::size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
      return last_error();
    }
    return {};
  }

  // Write handlers always run later, never inside write(): as Asio's async_write.
  void complete(pending_write w, boost::system::error_code ec) {
    asio::post(home_.context(), [handler = std::move(w.handler), ec, n = w.done] { handler(ec, n); });
  }

  void close_socket() {
    if (fd_ < 0) return;
    home_.poll_remove(fd_, this);
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    fd_ = -1;
  }

  worker& home_;
  std::shared_ptr<read_sink> reader_;      // the pending read
  std::unique_ptr<pending_write> writer_;  // a write waiting for room in the socket's buffer
  int fd_ = -1;
  bool readable_ = true;  // input may be waiting without a new edge (a read filled the buffer)
};

}  // namespace

std::string transport::remote_address() const {
  if (!known_remote_) return "unknown";
  return remote_.address().to_string() + ":" + std::to_string(remote_.port());
}

const char* to_string(transport_kind kind) noexcept {
  switch (kind) {
    case transport_kind::tcp:
      return "tcp";
    case transport_kind::tls:
      return "tls";
    case transport_kind::websocket:
      return "ws";
    case transport_kind::websocket_tls:
      return "wss";
  }
  return "?";
}

std::unique_ptr<transport> make_tls_transport(asio::ip::tcp::socket socket, asio::ssl::context& tls);
std::unique_ptr<transport> make_websocket_transport(asio::ip::tcp::socket socket, asio::ssl::context* tls);

std::unique_ptr<transport> make_transport(transport_kind kind, worker_socket socket, worker& home,
                                          asio::ssl::context* tls) {
  switch (kind) {
    case transport_kind::tcp:
      return std::make_unique<tcp_transport>(std::move(socket), home);
    case transport_kind::tls:
      return make_tls_transport(std::move(socket), *tls);
    case transport_kind::websocket:
      return make_websocket_transport(std::move(socket), nullptr);
    case transport_kind::websocket_tls:
      return make_websocket_transport(std::move(socket), tls);
  }
  return nullptr;
}

}  // namespace tether::mqtt
