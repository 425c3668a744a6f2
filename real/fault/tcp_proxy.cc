#include "real/fault/tcp_proxy.h"

#include <fcntl.h>

#include <utility>  // before Asio with C++20 on Boost 1.74 (TOOLCHAIN.md)
// Asio after <utility>.
#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "system/io/assert.h"
#include "system/io/random.h"

namespace fl::real::fault {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr int kListenBacklog = 128;

// Asio opens sockets without close-on-exec: a server daemon a start script forks would inherit
// our connections and hold them open.
void set_cloexec(int fd) {
  const int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

struct Chunk {
  SteadyClock::time_point due;
  std::string bytes;
};

}  // namespace

const char* to_string(Direction direction) {
  return direction == Direction::kToServer ? "to-server" : "to-client";
}

const char* to_string(Flow flow) {
  switch (flow) {
    case Flow::kPass:
      return "pass";
    case Flow::kStall:
      return "stall";
    case Flow::kDrop:
      return "drop";
  }
  return "?";
}

class Conn;

class TcpProxy::Impl {
 public:
  explicit Impl(const ProxyOptions& options)
      : options_(options), random_(options.seed), acceptor_(io_) {}

  std::string open_acceptor(std::uint16_t port);
  void accept_loop();
  void close_all(bool reset);
  void remove(std::uint64_t id) { conns_.erase(id); }

  // Runs `fn` on the proxy thread and returns its result. REQUIRES: not on the proxy thread.
  template <class Fn>
  auto on_thread(Fn fn) -> decltype(fn()) {
    FL_ASSERT(std::this_thread::get_id() != thread_.get_id());
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }

  ProxyOptions options_;
  io::Random random_;
  asio::io_context io_{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::thread thread_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  DirectionFaults faults_[2];
  bool cut_ = false;
  bool stopping_ = false;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::shared_ptr<Conn>> conns_;
  ProxyStats stats_;
};

// One proxied connection: two pipes (client->server, server->client), each a bounded queue of
// chunks with delivery times. Lives on the proxy thread only.
class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(TcpProxy::Impl& proxy, std::uint64_t id, tcp::socket client)
      : proxy_(proxy),
        id_(id),
        client_(std::move(client)),
        server_(proxy.io_),
        timers_{asio::steady_timer(proxy.io_), asio::steady_timer(proxy.io_)} {}

  void start();
  void close(bool reset);
  // Faults changed: discard what a drop swallows, resume stalled or idle pipes.
  void refresh(int d);
  // Heal: everything held or delayed is due now.
  void release_all();

 private:
  struct Pipe {
    std::deque<Chunk> queue;
    std::size_t queued_bytes = 0;
    bool reading = false;
    bool writing = false;
    SteadyClock::time_point last_due{};
    std::array<char, TcpProxy::kChunkBytes> buf{};
  };
  tcp::socket& src(int d) { return d == 0 ? client_ : server_; }
  tcp::socket& dst(int d) { return d == 0 ? server_ : client_; }
  void read(int d);
  void on_read(int d, std::size_t n);
  void write(int d);

  TcpProxy::Impl& proxy_;
  std::uint64_t id_;
  tcp::socket client_;
  tcp::socket server_;
  asio::steady_timer timers_[2];
  Pipe pipes_[2];
  bool connected_ = false;
  bool closed_ = false;
};

void Conn::start() {
  const tcp::endpoint target(asio::ip::make_address(proxy_.options_.target_host),
                             proxy_.options_.target_port);
  boost::system::error_code ec;
  server_.open(target.protocol(), ec);
  if (ec) {
    ++proxy_.stats_.refused;
    close(true);
    return;
  }
  set_cloexec(server_.native_handle());
  set_cloexec(client_.native_handle());
  server_.async_connect(target, [self = shared_from_this()](const boost::system::error_code& ec) {
    if (self->closed_) return;
    if (ec) {
      ++self->proxy_.stats_.refused;
      self->close(true);  // the client sees a reset, as if the server refused
      return;
    }
    boost::system::error_code ignored;
    self->client_.set_option(tcp::no_delay(true), ignored);
    self->server_.set_option(tcp::no_delay(true), ignored);
    self->connected_ = true;
    self->read(0);
    self->read(1);
  });
}

void Conn::close(bool reset) {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  for (tcp::socket* s : {&client_, &server_}) {
    if (reset && s->is_open()) s->set_option(asio::socket_base::linger(true, 0), ignored);
    s->close(ignored);
  }
  for (auto& t : timers_) t.cancel();
  auto keep = shared_from_this();  // erase() below drops the map's reference
  proxy_.remove(id_);
}

void Conn::read(int d) {
  Pipe& p = pipes_[d];
  if (closed_ || !connected_ || p.reading) return;
  if (p.queued_bytes >= proxy_.options_.max_buffered_bytes) return;  // back-pressure
  p.reading = true;
  src(d).async_read_some(
      asio::buffer(p.buf),
      [self = shared_from_this(), d](const boost::system::error_code& ec, std::size_t n) {
        self->pipes_[d].reading = false;
        if (self->closed_) return;
        if (ec) {
          self->close(false);  // EOF or error on one side ends the connection (no half-close)
          return;
        }
        self->on_read(d, n);
        self->read(d);
      });
}

void Conn::on_read(int d, std::size_t n) {
  FL_ASSERT(n <= TcpProxy::kChunkBytes);
  const DirectionFaults& f = proxy_.faults_[d];
  if (f.flow == Flow::kDrop) {
    proxy_.stats_.dropped_bytes[d] += n;
    return;
  }
  Pipe& p = pipes_[d];
  std::int64_t extra_ns = f.delay_ns;
  if (f.jitter_ns > 0) {
    extra_ns += static_cast<std::int64_t>(proxy_.random_.below(f.jitter_ns + 1));
  }
  auto due = SteadyClock::now() + std::chrono::nanoseconds(extra_ns);
  if (due < p.last_due) due = p.last_due;  // never overtake an earlier chunk
  p.last_due = due;
  p.queue.push_back(Chunk{due, std::string(p.buf.data(), n)});
  p.queued_bytes += n;
  write(d);
}

void Conn::write(int d) {
  Pipe& p = pipes_[d];
  if (closed_ || p.writing || p.queue.empty()) return;
  if (proxy_.faults_[d].flow == Flow::kStall) return;  // held until heal or a new setting
  p.writing = true;
  const Chunk& front = p.queue.front();
  if (front.due > SteadyClock::now()) {
    timers_[d].expires_at(front.due);
    timers_[d].async_wait([self = shared_from_this(), d](const boost::system::error_code&) {
      self->pipes_[d].writing = false;
      self->write(d);  // also after cancel(): release_all() made the chunk due
    });
    return;
  }
  asio::async_write(
      dst(d), asio::buffer(front.bytes),
      [self = shared_from_this(), d](const boost::system::error_code& ec, std::size_t n) {
        Pipe& pipe = self->pipes_[d];
        pipe.writing = false;
        if (self->closed_) return;
        if (ec) {
          self->close(false);
          return;
        }
        FL_ASSERT_EQ(n, pipe.queue.front().bytes.size());
        FL_ASSERT(pipe.queued_bytes >= n);
        pipe.queued_bytes -= n;
        self->proxy_.stats_.forwarded_bytes[d] += n;
        pipe.queue.pop_front();
        self->write(d);
        self->read(d);
      });
}

void Conn::refresh(int d) {
  Pipe& p = pipes_[d];
  // A drop swallows what is held too, except a chunk an async_write may be sending.
  const std::size_t keep = p.writing ? 1 : 0;
  while (proxy_.faults_[d].flow == Flow::kDrop && p.queue.size() > keep) {
    const std::size_t n = p.queue.back().bytes.size();
    proxy_.stats_.dropped_bytes[d] += n;
    p.queued_bytes -= n;
    p.queue.pop_back();
  }
  write(d);
  read(d);
}

void Conn::release_all() {
  const auto now = SteadyClock::now();
  for (int d = 0; d < 2; ++d) {
    for (Chunk& c : pipes_[d].queue) c.due = std::min(c.due, now);
    pipes_[d].last_due = now;
    timers_[d].cancel();
    refresh(d);
  }
}

std::string TcpProxy::Impl::open_acceptor(std::uint16_t port) {
  boost::system::error_code ec;
  const tcp::endpoint at(asio::ip::make_address("127.0.0.1"), port);
  acceptor_.open(at.protocol(), ec);
  if (!ec) set_cloexec(acceptor_.native_handle());
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(at, ec);
  if (!ec) acceptor_.listen(kListenBacklog, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return options_.name + ": cannot listen on 127.0.0.1:" + std::to_string(port) + ": " +
           ec.message();
  }
  port_ = acceptor_.local_endpoint().port();
  return "";
}

void TcpProxy::Impl::accept_loop() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopping_ || !acceptor_.is_open()) return;
    if (!ec) {
      if (conns_.size() >= options_.max_connections) {
        ++stats_.refused;
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        const std::uint64_t id = next_id_++;
        auto conn = std::make_shared<Conn>(*this, id, std::move(socket));
        conns_.emplace(id, conn);
        ++stats_.accepted;
        conn->start();
      }
    }
    accept_loop();
  });
}

void TcpProxy::Impl::close_all(bool reset) {
  std::vector<std::shared_ptr<Conn>> all;
  all.reserve(conns_.size());
  for (auto& [id, c] : conns_) all.push_back(c);
  for (auto& c : all) c->close(reset);
  FL_ASSERT(conns_.empty());
  if (reset) stats_.reset += all.size();
}

std::unique_ptr<TcpProxy> TcpProxy::start(const ProxyOptions& options, std::string* error) {
  FL_ASSERT(error != nullptr);
  boost::system::error_code ec;
  asio::ip::make_address(options.target_host, ec);
  if (ec || options.target_port == 0) {
    *error = options.name + ": target must be an IP address and a port, got '" +
             options.target_host + ":" + std::to_string(options.target_port) + "'";
    return nullptr;
  }
  if (options.max_connections == 0 || options.max_connections > kMaxConnectionsLimit ||
      options.max_buffered_bytes < kChunkBytes) {
    *error = options.name + ": max_connections must be in 1.." +
             std::to_string(kMaxConnectionsLimit) +
             " and max_buffered_bytes >= " + std::to_string(kChunkBytes);
    return nullptr;
  }
  auto impl = std::make_unique<Impl>(options);
  *error = impl->open_acceptor(options.listen_port);
  if (!error->empty()) return nullptr;
  impl->guard_.emplace(impl->io_.get_executor());
  impl->accept_loop();
  Impl* raw = impl.get();
  impl->thread_ = std::thread([raw] { raw->io_.run(); });
  return std::unique_ptr<TcpProxy>(new TcpProxy(std::move(impl)));
}

TcpProxy::TcpProxy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TcpProxy::~TcpProxy() {
  impl_->on_thread([this] {
    impl_->stopping_ = true;
    boost::system::error_code ignored;
    impl_->acceptor_.close(ignored);
    impl_->close_all(false);
    return 0;
  });
  // With every socket closed and timer cancelled, run() returns once the aborted handlers ran.
  impl_->guard_.reset();
  impl_->thread_.join();
}

std::uint16_t TcpProxy::port() const { return impl_->port_; }
const std::string& TcpProxy::name() const { return impl_->options_.name; }

std::string TcpProxy::set_faults(Direction direction, const DirectionFaults& faults) {
  if (faults.delay_ns < 0 || faults.delay_ns > kMaxDelayNs || faults.jitter_ns < 0 ||
      faults.jitter_ns > kMaxDelayNs) {
    return impl_->options_.name + ": delay and jitter must be in [0, " +
           std::to_string(kMaxDelayNs) + "] ns";
  }
  const int d = static_cast<int>(direction);
  return impl_->on_thread([this, d, faults] {
    impl_->faults_[d] = faults;
    for (auto& [id, c] : impl_->conns_) c->refresh(d);
    return std::string();
  });
}

DirectionFaults TcpProxy::faults(Direction direction) const {
  const int d = static_cast<int>(direction);
  return impl_->on_thread([this, d] { return impl_->faults_[d]; });
}

void TcpProxy::cut() {
  impl_->on_thread([this] {
    impl_->cut_ = true;
    boost::system::error_code ignored;
    impl_->acceptor_.close(ignored);
    impl_->close_all(true);
    return 0;
  });
}

bool TcpProxy::is_cut() const {
  return impl_->on_thread([this] { return impl_->cut_; });
}

std::string TcpProxy::heal() {
  return impl_->on_thread([this] {
    impl_->faults_[0] = DirectionFaults{};
    impl_->faults_[1] = DirectionFaults{};
    std::vector<std::shared_ptr<Conn>> all;
    for (auto& [id, c] : impl_->conns_) all.push_back(c);
    for (auto& c : all) c->release_all();
    if (!impl_->cut_) return std::string();
    std::string error = impl_->open_acceptor(impl_->port_);
    if (!error.empty()) return error;
    impl_->cut_ = false;
    impl_->accept_loop();
    return std::string();
  });
}

ProxyStats TcpProxy::stats() const {
  return impl_->on_thread([this] {
    ProxyStats s = impl_->stats_;
    s.open = impl_->conns_.size();
    return s;
  });
}

}  // namespace fl::real::fault
