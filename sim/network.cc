#include "sim/network.h"

#include "system/io/assert.h"

namespace fl::sim {

SimNetwork::SimNetwork(SimScheduler* scheduler, io::Random random)
    : scheduler_(scheduler), random_(random) {
  FL_ASSERT(scheduler_ != nullptr);
}

void SimNetwork::add_node(int node, std::string name) {
  FL_ASSERT_EQ(node, node_count());
  FL_ASSERT(find_node(name) < 0);
  names_.push_back(std::move(name));
  endpoints_.push_back(nullptr);
  const std::size_t n = names_.size();
  // Re-layout the n*n tables; only done while building the topology.
  std::vector<std::uint8_t> blocked(n * n, 0);
  std::vector<std::int64_t> clog(n * n, 0);
  for (std::size_t f = 0; f + 1 < n; ++f) {
    for (std::size_t t = 0; t + 1 < n; ++t) {
      blocked[f * n + t] = blocked_[f * (n - 1) + t];
      clog[f * n + t] = clog_until_[f * (n - 1) + t];
    }
  }
  blocked_.swap(blocked);
  clog_until_.swap(clog);
}

int SimNetwork::find_node(const std::string& name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

const std::string& SimNetwork::node_name(int node) const {
  return names_.at(static_cast<std::size_t>(node));
}

void SimNetwork::set_link(int from, int to, LinkConfig config) {
  FL_ASSERT(config.latency_min_ns >= 0 && config.latency_min_ns <= config.latency_max_ns);
  overrides_[{from, to}] = config;
}

const LinkConfig* SimNetwork::override_of(int from, int to) const {
  if (overrides_.empty()) return nullptr;
  auto it = overrides_.find({from, to});
  return it == overrides_.end() ? nullptr : &it->second;
}

const LinkConfig& SimNetwork::link(int from, int to) const {
  const LinkConfig* faulted = override_of(from, to);
  return faulted != nullptr ? *faulted : default_link_;
}

void SimNetwork::set_blocked(int from, int to, bool blocked) {
  const std::size_t n = names_.size();
  FL_ASSERT(from >= 0 && to >= 0 && static_cast<std::size_t>(from) < n &&
            static_cast<std::size_t>(to) < n);
  blocked_[static_cast<std::size_t>(from) * n + static_cast<std::size_t>(to)] = blocked ? 1 : 0;
}

bool SimNetwork::blocked(int from, int to) const {
  const std::size_t n = names_.size();
  return blocked_[static_cast<std::size_t>(from) * n + static_cast<std::size_t>(to)] != 0;
}

void SimNetwork::clog(int from, int to, std::int64_t until_ns) {
  const std::size_t n = names_.size();
  clog_until_.at(static_cast<std::size_t>(from) * n + static_cast<std::size_t>(to)) = until_ns;
}

void SimNetwork::heal() {
  std::fill(blocked_.begin(), blocked_.end(), 0);
  std::fill(clog_until_.begin(), clog_until_.end(), 0);
  overrides_.clear();
}

void SimNetwork::attach(int node, SimEndpoint* endpoint) {
  FL_ASSERT(endpoints_.at(static_cast<std::size_t>(node)) == nullptr);
  endpoints_[static_cast<std::size_t>(node)] = endpoint;
}

std::uint64_t SimNetwork::incarnation_of(int node) const {
  const SimEndpoint* ep = endpoints_.at(static_cast<std::size_t>(node));
  return ep == nullptr ? 0 : ep->incarnation();
}

void SimNetwork::detach(int node) {
  SimEndpoint* ep = endpoints_.at(static_cast<std::size_t>(node));
  if (ep == nullptr) return;
  endpoints_[static_cast<std::size_t>(node)] = nullptr;
  // The kernel resets every connection of the dead process: callers learn it after a latency.
  for (const SimEndpoint::Inbound& in : ep->unanswered()) {
    Message m;
    m.kind = Kind::kReset;
    m.from = node;
    m.to = in.from;
    m.to_inc = in.from_inc;
    m.call_id = in.call_id;
    ++stats_.resets;
    transmit(std::move(m));
  }
}

void SimNetwork::send_request(int from, std::uint64_t from_inc, int to, std::uint64_t call_id,
                              const io::Request& request) {
  Message m;
  m.kind = Kind::kRequest;
  m.from = from;
  m.to = to;
  m.from_inc = from_inc;
  m.to_inc = incarnation_of(to);
  m.call_id = call_id;
  m.request = request;
  transmit(std::move(m));
}

void SimNetwork::send_reply(int from, int to, std::uint64_t to_inc, std::uint64_t call_id,
                            io::Response response) {
  Message m;
  m.kind = Kind::kReply;
  m.from = from;
  m.to = to;
  m.to_inc = to_inc;
  m.call_id = call_id;
  m.response = std::move(response);
  transmit(std::move(m));
}

void SimNetwork::transmit(Message message) {
  ++stats_.sent;
  if (blocked(message.from, message.to)) {
    ++stats_.partitioned;
    return;
  }
  const LinkConfig& cfg = link(message.from, message.to);
  if (random_.chance(cfg.loss)) {
    ++stats_.lost;
    return;
  }
  const int copies = random_.chance(cfg.duplicate) ? 2 : 1;
  if (copies == 2) ++stats_.duplicated;
  const std::size_t n = names_.size();
  const std::int64_t clog = clog_until_[static_cast<std::size_t>(message.from) * n +
                                        static_cast<std::size_t>(message.to)];
  for (int c = 0; c < copies; ++c) {
    std::int64_t latency = random_.between(cfg.latency_min_ns, cfg.latency_max_ns);
    if (cfg.tail > 0 && random_.chance(cfg.tail)) latency *= cfg.tail_factor;
    const std::int64_t now = scheduler_->now_ns();
    const std::int64_t start = clog > now ? clog : now;
    schedule_copy(message, start + latency);
  }
}

void SimNetwork::schedule_copy(const Message& message, std::int64_t at_ns) {
  std::uint64_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = message;
  } else {
    FL_ASSERT_MSG(slots_.size() < kMaxInFlight, "too many messages in flight");
    slot = slots_.size();
    slots_.push_back(message);
  }
  scheduler_->schedule_event(at_ns, slot);
}

void SimNetwork::on_event(std::uint64_t slot) {
  FL_ASSERT_LT(slot, slots_.size());
  FL_ASSERT(slots_[slot].has_value());
  Message m = std::move(*slots_[slot]);
  slots_[slot].reset();
  free_slots_.push_back(slot);
  if (blocked(m.from, m.to)) {  // the partition began while the message was in flight
    ++stats_.partitioned;
    return;
  }
  deliver(m);
}

void SimNetwork::bounce(const Message& request, Kind kind) {
  Message m;
  m.kind = kind;
  m.from = request.to;
  m.to = request.from;
  m.to_inc = request.from_inc;
  m.call_id = request.call_id;
  if (kind == Kind::kRefused) ++stats_.refused;
  transmit(std::move(m));
}

void SimNetwork::deliver(Message& m) {
  SimEndpoint* ep = endpoints_[static_cast<std::size_t>(m.to)];
  if (m.kind == Kind::kRequest) {
    // A connection to a process that is gone (or was down when the caller connected) is refused.
    if (ep == nullptr || m.to_inc == 0 || ep->incarnation() != m.to_inc) {
      bounce(m, Kind::kRefused);
      return;
    }
    ++stats_.delivered;
    if (!ep->accept(SimEndpoint::Inbound{m.from, m.from_inc, m.call_id, std::move(m.request)})) {
      bounce(m, Kind::kRefused);
    }
    return;
  }
  if (ep == nullptr || ep->incarnation() != m.to_inc) return;  // the caller died meanwhile
  ++stats_.delivered;
  switch (m.kind) {
    case Kind::kReply:
      ep->complete(m.call_id, io::Result<io::Response>(std::move(m.response)));
      break;
    case Kind::kRefused:
      ep->complete(m.call_id, io::Status::failed(io::ErrorKind::kUnreachable,
                                                 "connection refused by " + names_[m.from], true));
      break;
    case Kind::kReset:
      ep->complete(m.call_id, io::Status::indeterminate(io::ErrorKind::kConnectionLost,
                                                        "connection reset by " + names_[m.from]));
      break;
    case Kind::kRequest:
      break;
  }
}

}  // namespace fl::sim
