#include "sim/network.h"
#include "system/io/assert.h"
#include "system/io/tasks.h"

namespace fl::sim {

SimEndpoint::SimEndpoint(SimNetwork* network, SimScheduler* scheduler, io::Tasks* tasks,
                         SimClock* clock, int node, std::uint64_t incarnation)
    : network_(network),
      scheduler_(scheduler),
      tasks_(tasks),
      clock_(clock),
      node_(node),
      incarnation_(incarnation) {
  FL_ASSERT(incarnation_ > 0);
}

void SimEndpoint::serve(io::Handler handler) {
  FL_ASSERT(handler != nullptr);
  handler_ = std::move(handler);
  if (acceptor_started_) return;
  acceptor_started_ = true;
  tasks_->spawn("rpc-acceptor", [this] { accept_loop(); });
}

bool SimEndpoint::accept(Inbound inbound) {
  if (!handler_ || inbox_.size() - inbox_head_ >= kMaxInbox) return false;
  open_.emplace(std::make_tuple(inbound.from, inbound.from_inc, inbound.call_id), inbound);
  inbox_.push_back(std::move(inbound));
  if (acceptor_waiter_) {
    scheduler_->unpark(*acceptor_waiter_);
    acceptor_waiter_.reset();
  }
  return true;
}

void SimEndpoint::accept_loop() {
  // Runs for the life of the incarnation; a crash unwinds it from park().
  for (;;) {
    while (inbox_head_ == inbox_.size()) {
      inbox_.clear();
      inbox_head_ = 0;
      acceptor_waiter_ = scheduler_->current_ref();
      scheduler_->park("inbound requests", -1);
    }
    Inbound in = std::move(inbox_[inbox_head_++]);
    tasks_->spawn("rpc-handler", [this, in = std::move(in)]() mutable { handle(std::move(in)); });
  }
}

void SimEndpoint::handle(Inbound in) {
  io::Response response = handler_(in.request);
  // Answer only if this incarnation is still alive (a crashed handler never gets here anyway,
  // but a handler may finish without another suspension point after its node crashed).
  if (!scheduler_->node_alive(node_, incarnation_)) return;
  open_.erase(std::make_tuple(in.from, in.from_inc, in.call_id));
  network_->send_reply(node_, in.from, in.from_inc, in.call_id, std::move(response));
}

std::vector<SimEndpoint::Inbound> SimEndpoint::unanswered() const {
  std::vector<Inbound> out;
  out.reserve(open_.size());
  for (const auto& [key, in] : open_) out.push_back(in);
  return out;
}

void SimEndpoint::complete(std::uint64_t call_id, io::Result<io::Response> result) {
  auto it = pending_.find(call_id);
  if (it == pending_.end() || it->second.result.has_value()) return;
  it->second.result.emplace(std::move(result));
  scheduler_->unpark(it->second.waiter);
}

io::Result<io::Response> SimEndpoint::call(const std::string& node, const io::Request& request,
                                           io::Deadline deadline) {
  if (!scheduler_->node_alive(node_, incarnation_)) throw io::NodeCrashed{tasks_->node_name()};
  if (request.body.size() > io::kMaxBodyBytes || request.path.size() > io::kMaxPathBytes) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "request too large");
  }
  const int to = network_->find_node(node);
  if (to < 0) return io::Status::failed(io::ErrorKind::kUnreachable, "no such node: " + node);
  if (clock_->remaining_ns(deadline) == 0) {
    return io::Status::failed(io::ErrorKind::kTimeout, "deadline passed before sending", true);
  }
  FL_ASSERT_LT(pending_.size(), kMaxPendingCalls);
  const std::uint64_t call_id = ++next_call_id_;
  Pending& pending = pending_[call_id];
  pending.waiter = scheduler_->current_ref();
  network_->send_request(node_, incarnation_, to, call_id, request);
  struct Erase {
    std::map<std::uint64_t, Pending>* map;
    std::uint64_t id;
    ~Erase() { map->erase(id); }
  } erase{&pending_, call_id};
  scheduler_->park("rpc reply", clock_->virtual_at(deadline.monotonic_ns));
  if (pending.result.has_value()) return std::move(*pending.result);
  return io::Status::indeterminate(io::ErrorKind::kTimeout,
                                   "no reply from " + node + " before the deadline");
}

}  // namespace fl::sim
