#include "tests/real/fault_support.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace fl::real::fault::testing {

RawClient::RawClient(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    error_ = std::strerror(errno);
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::send_all(const std::string& bytes) {
  std::size_t sent = 0;
  constexpr int kMaxTries = 1000;
  for (int i = 0; i < kMaxTries && sent < bytes.size(); ++i) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return sent == bytes.size();
}

std::string RawClient::recv_for(std::size_t want, int timeout_ms) {
  std::string out;
  const double until = now_ms() + timeout_ms;
  constexpr int kMaxReads = 10000;
  for (int i = 0; i < kMaxReads && out.size() < want && !closed_; ++i) {
    const int left = static_cast<int>(until - now_ms());
    if (left <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) break;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string redis_call(RawClient& c, const std::string& inline_command, std::size_t reply_bytes,
                       int timeout_ms) {
  if (!c.send_all(inline_command + "\r\n")) return "";
  return c.recv_for(reply_bytes, timeout_ms);
}

std::string pg_query(std::uint16_t port, const std::string& sql) {
  PGconn* conn = PQconnectdb(pg_conninfo(port, "postgres").c_str());
  std::string out;
  if (PQstatus(conn) != CONNECTION_OK) {
    out = std::string("ERROR: ") + PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    const auto status = PQresultStatus(res);
    if (status == PGRES_TUPLES_OK && PQntuples(res) > 0) {
      out = PQgetvalue(res, 0, 0);
    } else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      out = std::string("ERROR: ") + PQerrorMessage(conn);
    }
    PQclear(res);
  }
  PQfinish(conn);
  return out;
}

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

ThrowawayServers& shared_servers(bool redis_appendonly) {
  static std::unique_ptr<ThrowawayServers> servers[2];
  auto& s = servers[redis_appendonly ? 1 : 0];
  if (s == nullptr) {
    std::string error;
    ServersOptions o;
    o.redis_appendonly = redis_appendonly;
    s = ThrowawayServers::start(o, &error);
    if (s == nullptr) {
      ADD_FAILURE() << "could not start the servers: " << error;
      std::abort();
    }
    std::atexit([] {
      servers[0].reset();
      servers[1].reset();
    });
  }
  return *s;
}

}  // namespace fl::real::fault::testing
