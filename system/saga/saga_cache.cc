// SagaCache: encoding of the entries, and the best-effort rules (miss on anything unexpected,
// back off after an error). Saga views are stored as their saga_instances row (to_row/from_row),
// so the cache has no codec of its own to drift from the table's.
#include "system/saga/saga_cache.h"

#include <nlohmann/json.hpp>

#include "system/io/random.h"
#include "system/saga/txn.h"

namespace fl::saga {
namespace {

using nlohmann::json;

std::string request_hash(const std::string& type, const std::string& data_json) {
  std::string bytes = type;
  bytes.push_back('\0');
  bytes += data_json.empty() ? "{}" : data_json;
  return hex16(io::hash_bytes(bytes));
}

std::string encode_row(const io::Row& row) {
  json out = json::array();
  for (const io::Value& v : row) {
    if (const auto* i = std::get_if<std::int64_t>(&v))
      out.push_back(*i);
    else if (const auto* s = std::get_if<std::string>(&v))
      out.push_back(*s);
    else if (const auto* b = std::get_if<bool>(&v))
      out.push_back(*b);
    else
      out.push_back(nullptr);
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<io::Row> decode_row(const std::string& text) {
  const json in = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!in.is_array()) return std::nullopt;
  const io::TableSchema schema = saga_schema();
  if (in.size() != schema.columns.size()) return std::nullopt;
  io::Row row;
  for (std::size_t c = 0; c < in.size(); ++c) {
    const json& v = in[c];
    const io::ColumnType type = schema.columns[c].type;
    if (v.is_number_integer() != (type == io::ColumnType::kInt64) ||
        v.is_string() != (type == io::ColumnType::kText) ||
        v.is_boolean() != (type == io::ColumnType::kBool)) {
      return std::nullopt;  // from_row requires the table's types (a damaged entry is a miss)
    }
    if (v.is_number_integer())
      row.emplace_back(v.get<std::int64_t>());
    else if (v.is_string())
      row.emplace_back(v.get<std::string>());
    else if (v.is_boolean())
      row.emplace_back(v.get<bool>());
    else
      return std::nullopt;
  }
  return row;
}

}  // namespace

std::string idempotency_cache_key(const std::string& idempotency_key) {
  return "saga:idem:" + idempotency_key;
}

std::string finished_cache_key(const std::string& saga_id) { return "saga:final:" + saga_id; }

bool SagaCache::usable() {
  if (cache_ == nullptr) return false;
  if (clock_.monotonic_ns() < skip_until_ns_) {
    ++stats_.skipped;
    return false;
  }
  return true;
}

void SagaCache::failed() {
  ++stats_.errors;
  skip_until_ns_ = clock_.monotonic_ns() + kCacheBackoffNs;
}

std::optional<std::string> SagaCache::read(const std::string& key) {
  if (!usable()) return std::nullopt;
  auto got = cache_->get(key);
  if (!got.is_ok()) {
    failed();
    return std::nullopt;
  }
  if (!got.value()) ++stats_.misses;
  return got.value();
}

void SagaCache::write(const std::string& key, const std::string& value) {
  if (!usable() || key.size() > io::kMaxCacheKeyBytes || value.size() > kMaxCachedViewBytes) {
    return;
  }
  auto set = cache_->set(key, value, io::SetCondition::kAlways, kCacheTtlMs);
  if (!set.is_ok()) {
    failed();  // an unknown SET is harmless: the entry is true either way
    return;
  }
  ++stats_.writes;
}

std::optional<std::string> SagaCache::started(const std::string& idempotency_key,
                                              const std::string& type,
                                              const std::string& data_json) {
  if (idempotency_key.empty()) return std::nullopt;
  auto value = read(idempotency_cache_key(idempotency_key));
  if (!value) return std::nullopt;
  const std::size_t space = value->find(' ');
  if (space == std::string::npos || value->substr(space + 1) != request_hash(type, data_json)) {
    ++stats_.misses;  // another request under this key (PostgreSQL says 422), or a bad entry
    return std::nullopt;
  }
  ++stats_.hits;
  return value->substr(0, space);
}

void SagaCache::remember_start(const std::string& idempotency_key, const std::string& type,
                               const std::string& data_json, const std::string& saga_id) {
  FL_ASSERT(!saga_id.empty() && saga_id.find(' ') == std::string::npos);
  if (idempotency_key.empty()) return;
  write(idempotency_cache_key(idempotency_key), saga_id + " " + request_hash(type, data_json));
}

std::optional<SagaRecord> SagaCache::finished(const std::string& saga_id) {
  auto value = read(finished_cache_key(saga_id));
  if (!value) return std::nullopt;
  auto row = decode_row(*value);
  std::optional<SagaRecord> record = row ? from_row(*row) : std::nullopt;
  if (!record || record->view.saga_id != saga_id || !is_final(record->state.status)) {
    ++stats_.misses;  // not ours or damaged: PostgreSQL answers
    return std::nullopt;
  }
  ++stats_.hits;
  return record;
}

void SagaCache::remember_finished(const SagaRecord& record) {
  FL_ASSERT_MSG(is_final(record.state.status), "only final sagas are cached");
  write(finished_cache_key(record.view.saga_id), encode_row(to_row(record)));
}

}  // namespace fl::saga
