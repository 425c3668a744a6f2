#include "real/etcd_coord_store.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "system/io/assert.h"

namespace fl::real {
namespace {

using nlohmann::json;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// A proto3 int64 as the gateway writes it: a decimal string, absent when 0.
std::int64_t int_field(const json& object, const char* name) {
  if (!object.is_object() || !object.contains(name)) return 0;
  const json& v = object.at(name);
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (!v.is_string()) return 0;
  try {
    return std::stoll(v.get<std::string>());
  } catch (const std::exception&) {
    return 0;
  }
}

io::Result<io::CoordEntry> entry_from(const json& kv) {
  io::CoordEntry e;
  auto key = base64_decode(kv.value("key", std::string()));
  auto value = base64_decode(kv.value("value", std::string()));
  if (!key || !value) return io::Status::failed(io::ErrorKind::kInternal, "etcd: bad base64");
  e.key = *key;
  e.value = *value;
  e.create_revision = int_field(kv, "create_revision");
  e.mod_revision = int_field(kv, "mod_revision");
  e.lease = int_field(kv, "lease");
  return e;
}

io::Result<io::CoordRead> read_from(const json& range) {
  io::CoordRead read;
  read.revision = int_field(range.value("header", json::object()), "revision");
  if (int_field(range, "count") > static_cast<std::int64_t>(io::kMaxCoordListEntries)) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "more than kMaxCoordListEntries entries");
  }
  for (const json& kv : range.value("kvs", json::array())) {
    auto e = entry_from(kv);
    if (!e.is_ok()) return e.status();
    read.entries.push_back(std::move(e.value()));
  }
  return read;
}

// The smallest key above every key that starts with `prefix` (etcd's GetPrefixRangeEnd); "\0"
// (every key from the prefix on) when the prefix is all 0xff.
std::string prefix_end(std::string prefix) {
  while (!prefix.empty()) {
    if (static_cast<unsigned char>(prefix.back()) != 0xff) {
      prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return std::string(1, '\0');
}

json parse(const std::string& body) { return json::parse(body, nullptr, false); }

io::Status bad_reply(const std::string& body) {
  return io::Status::failed(io::ErrorKind::kInternal,
                            "etcd: unexpected reply: " + body.substr(0, 200));
}

}  // namespace

EtcdCoordStore::EtcdCoordStore(io::Transport* transport, io::Clock* clock, std::string etcd_node)
    : transport_(transport), clock_(clock), node_(std::move(etcd_node)) {
  FL_ASSERT(transport_ != nullptr && clock_ != nullptr);
}

io::Result<std::string> EtcdCoordStore::post(const std::string& path, const std::string& body,
                                             bool writes) {
  io::Request req;
  req.method = "POST";
  req.path = path;
  req.body = body;
  auto r = transport_->call(node_, req, clock_->deadline_after_ns(kRequestTimeoutNs));
  if (!r.is_ok()) {
    if (r.status().is_indeterminate() && !writes) {
      return io::Status::failed(r.status().kind(), "etcd: " + r.status().message(), true);
    }
    return r.status();
  }
  const io::Response& resp = r.value();
  if (resp.status == 200) return resp.body;
  const json err = parse(resp.body);
  const std::int64_t code = err.is_object() ? int_field(err, "code") : -1;
  const std::string message =
      "etcd " + std::to_string(resp.status) + ": " +
      (err.is_object() ? err.value("message", std::string()) : resp.body.substr(0, 200));
  if (code == 5) return io::Status::failed(io::ErrorKind::kNotFound, message);
  if (code == 3) return io::Status::failed(io::ErrorKind::kInvalidArgument, message);
  if (code == 14 || code == 4) {
    if (writes) return io::Status::indeterminate(io::ErrorKind::kUnavailable, message);
    return io::Status::failed(io::ErrorKind::kUnavailable, message, true);
  }
  if (writes) return io::Status::indeterminate(io::ErrorKind::kInternal, message);
  return io::Status::failed(io::ErrorKind::kInternal, message, true);
}

io::Result<io::CoordRead> EtcdCoordStore::get(const std::string& key) {
  if (auto s = io::check_coord_key(key); !s.is_ok()) return s;
  auto r = post("/v3/kv/range", json{{"key", base64_encode(key)}}.dump(), false);
  if (!r.is_ok()) return r.status();
  const json j = parse(r.value());
  if (!j.is_object()) return bad_reply(r.value());
  return read_from(j);
}

io::Result<io::CoordRead> EtcdCoordStore::list(const std::string& prefix) {
  if (auto s = io::check_coord_key(prefix); !s.is_ok()) return s;
  const json body{{"key", base64_encode(prefix)},
                  {"range_end", base64_encode(prefix_end(prefix))},
                  {"limit", std::to_string(io::kMaxCoordListEntries + 1)}};
  auto r = post("/v3/kv/range", body.dump(), false);
  if (!r.is_ok()) return r.status();
  const json j = parse(r.value());
  if (!j.is_object()) return bad_reply(r.value());
  return read_from(j);
}

io::Result<io::CoordCas> EtcdCoordStore::txn(const std::string& key,
                                             std::int64_t expected_mod_revision,
                                             const std::string& success_op) {
  const std::string k = base64_encode(key);
  const json body{
      {"compare", json::array({{{"key", k},
                                {"target", "MOD"},
                                {"result", "EQUAL"},
                                {"mod_revision", std::to_string(expected_mod_revision)}}})},
      {"success", json::array({json::parse(success_op)})},
      {"failure", json::array({{{"request_range", {{"key", k}}}}})}};
  auto r = post("/v3/kv/txn", body.dump(), true);
  if (!r.is_ok()) return r.status();
  const json j = parse(r.value());
  if (!j.is_object()) return bad_reply(r.value());
  io::CoordCas out;
  out.succeeded = j.value("succeeded", false);
  out.revision = int_field(j.value("header", json::object()), "revision");
  if (!out.succeeded) {
    const json responses = j.value("responses", json::array());
    if (responses.size() != 1 || !responses[0].contains("response_range")) {
      return bad_reply(r.value());
    }
    auto read = read_from(responses[0]["response_range"]);
    if (!read.is_ok()) return read.status();
    if (!read.value().entries.empty()) out.current = read.value().entries.front();
  }
  return out;
}

io::Result<io::CoordCas> EtcdCoordStore::put_if(const std::string& key, const std::string& value,
                                                std::int64_t expected_mod_revision,
                                                std::int64_t lease) {
  if (auto s = io::check_coord_key(key); !s.is_ok()) return s;
  if (auto s = io::check_coord_value(value); !s.is_ok()) return s;
  if (expected_mod_revision < 0 || lease < 0) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "negative revision or lease");
  }
  json put{{"key", base64_encode(key)}, {"value", base64_encode(value)}};
  if (lease != 0) put["lease"] = std::to_string(lease);
  return txn(key, expected_mod_revision, json{{"request_put", put}}.dump());
}

io::Result<io::CoordCas> EtcdCoordStore::delete_if(const std::string& key,
                                                   std::int64_t expected_mod_revision) {
  if (auto s = io::check_coord_key(key); !s.is_ok()) return s;
  if (expected_mod_revision <= 0) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "expected revision must be > 0");
  }
  return txn(key, expected_mod_revision,
             json{{"request_delete_range", {{"key", base64_encode(key)}}}}.dump());
}

io::Result<io::CoordLease> EtcdCoordStore::grant_lease(std::int64_t ttl_s) {
  if (auto s = io::check_coord_ttl(ttl_s); !s.is_ok()) return s;
  auto r = post("/v3/lease/grant", json{{"TTL", std::to_string(ttl_s)}}.dump(), true);
  if (!r.is_ok()) return r.status();
  const json j = parse(r.value());
  if (!j.is_object()) return bad_reply(r.value());
  io::CoordLease lease{int_field(j, "ID"), int_field(j, "TTL")};
  if (lease.id <= 0 || lease.ttl_s < ttl_s) return bad_reply(r.value());
  return lease;
}

io::Result<std::int64_t> EtcdCoordStore::keep_alive(std::int64_t lease) {
  if (lease <= 0) return io::Status::failed(io::ErrorKind::kInvalidArgument, "lease id <= 0");
  auto r = post("/v3/lease/keepalive", json{{"ID", std::to_string(lease)}}.dump(), true);
  if (!r.is_ok()) return r.status();
  // A streaming endpoint: one JSON object per line, {"result": {...}}; TTL absent (0) when the
  // lease is gone.
  const std::string first = r.value().substr(0, r.value().find('\n'));
  const json j = parse(first);
  if (!j.is_object() || !j.contains("result")) return bad_reply(r.value());
  const std::int64_t ttl = int_field(j["result"], "TTL");
  if (ttl <= 0) return io::Status::failed(io::ErrorKind::kNotFound, "lease expired or revoked");
  return ttl;
}

io::Status EtcdCoordStore::revoke_lease(std::int64_t lease) {
  if (lease <= 0) return io::Status::failed(io::ErrorKind::kInvalidArgument, "lease id <= 0");
  auto r = post("/v3/lease/revoke", json{{"ID", std::to_string(lease)}}.dump(), true);
  if (!r.is_ok() && r.status().kind() == io::ErrorKind::kNotFound) return io::Status::ok();
  return r.status();
}

std::string base64_encode(const std::string& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::optional<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t n = 0;
    int pad = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      const char* at = c == '=' ? nullptr : std::strchr(kAlphabet, c);
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++pad;
      } else if (at == nullptr || c == '\0' || pad > 0) {
        return std::nullopt;
      }
      n = (n << 6) | (at ? static_cast<std::uint32_t>(at - kAlphabet) : 0);
    }
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

}  // namespace fl::real
