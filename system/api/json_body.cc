#include "system/api/json_body.h"

#include "system/io/assert.h"

namespace fl::api {

io::Response json_response(int status, const Json& body) {
  FL_ASSERT(status >= 200 && status <= 599);
  io::Response r{status, body.dump(-1, ' ', false, Json::error_handler_t::replace), {}};
  r.headers.set("content-type", "application/json");
  return r;
}

io::Response error_response(int status, const std::string& message) {
  FL_ASSERT(status >= 400 && status <= 599);
  FL_ASSERT(!message.empty());
  return json_response(status, Json{{"error", message}});
}

io::Response error_from_status(const io::Status& status) {
  FL_ASSERT(!status.is_ok());
  io::Response r;
  if (status.is_indeterminate()) {
    r = error_response(504, std::string("outcome unknown (") + io::to_string(status.kind()) +
                                "): it may have been applied; retry with the same key");
  } else if (status.kind() == io::ErrorKind::kInvalidArgument) {
    return error_response(400, status.message());
  } else if (status.kind() == io::ErrorKind::kNotFound) {
    return error_response(404, status.message());
  } else if (status.kind() == io::ErrorKind::kConstraint) {
    return error_response(409, status.message());
  } else if (status.kind() == io::ErrorKind::kInternal) {
    r = error_response(500, "internal error");
  } else {
    r = error_response(503, std::string("unavailable (") + io::to_string(status.kind()) +
                                "): a dependency did not answer; retry later");
  }
  // What went wrong inside (a database's host, port, error text) is for the log, not clients.
  r.headers.set(kDetailHeader, status.to_string().substr(0, io::kMaxHeaderValueBytes));
  return r;
}

int json_depth(const std::string& text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {  // bounded by the text's size
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      if (--depth < 0) return -1;
    }
  }
  return depth == 0 ? deepest : -1;
}

std::optional<Json> parse_object(const std::string& body, std::string* error) {
  FL_ASSERT(error != nullptr);
  if (body.size() > kMaxApiBodyBytes) {
    *error = "body larger than " + std::to_string(kMaxApiBodyBytes) + " bytes";
    return std::nullopt;
  }
  if (body.empty()) {
    *error = "empty body: a JSON object is required";
    return std::nullopt;
  }
  const int depth = json_depth(body);
  if (depth > kMaxJsonDepth) {
    *error = "JSON nested deeper than " + std::to_string(kMaxJsonDepth);
    return std::nullopt;
  }
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    *error = "malformed JSON";
    return std::nullopt;
  }
  if (!parsed.is_object()) {
    *error = "the body must be a JSON object";
    return std::nullopt;
  }
  return parsed;
}

FieldReader::FieldReader(const Json& object, std::string where)
    : object_(object), where_(std::move(where)) {
  FL_ASSERT(object_.is_object());
}

void FieldReader::fail(const std::string& message) {
  if (error_.empty()) error_ = message;
}

const Json* FieldReader::find(const std::string& name, bool required) {
  read_.insert(name);
  if (!ok()) return nullptr;
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) fail("missing field '" + name + "' in " + where_);
    return nullptr;
  }
  return &*it;
}

std::string FieldReader::text(const std::string& name, std::size_t max_bytes, bool required,
                              const std::string& fallback) {
  FL_ASSERT(max_bytes > 0);
  const Json* v = find(name, required);
  if (v == nullptr) return fallback;
  if (!v->is_string()) {
    fail("field '" + name + "' in " + where_ + " must be a string");
    return fallback;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.empty() || s.size() > max_bytes) {
    fail("field '" + name + "' in " + where_ + " must have 1.." + std::to_string(max_bytes) +
         " bytes");
    return fallback;
  }
  if (s.find('\0') != std::string::npos) {  // PostgreSQL's text cannot hold it (sql_store.h)
    fail("field '" + name + "' in " + where_ + " must not contain NUL characters");
    return fallback;
  }
  return s;
}

std::int64_t FieldReader::integer(const std::string& name, std::int64_t min, std::int64_t max,
                                  bool required, std::int64_t fallback) {
  FL_ASSERT(min <= max);
  const Json* v = find(name, required);
  if (v == nullptr) return fallback;
  if (!v->is_number_integer()) {
    fail("field '" + name + "' in " + where_ + " must be an integer");
    return fallback;
  }
  // An unsigned value beyond int64 is out of range too.
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    fail("field '" + name + "' in " + where_ + " must be in [" + std::to_string(min) + ", " +
         std::to_string(max) + "]");
    return fallback;
  }
  const std::int64_t n = v->get<std::int64_t>();
  if (n < min || n > max) {
    fail("field '" + name + "' in " + where_ + " must be in [" + std::to_string(min) + ", " +
         std::to_string(max) + "]");
    return fallback;
  }
  return n;
}

bool FieldReader::boolean(const std::string& name, bool required, bool fallback) {
  const Json* v = find(name, required);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) {
    fail("field '" + name + "' in " + where_ + " must be true or false");
    return fallback;
  }
  return v->get<bool>();
}

Json FieldReader::object(const std::string& name, bool required) {
  const Json* v = find(name, required);
  if (v == nullptr) return Json::object();
  if (!v->is_object()) {
    fail("field '" + name + "' in " + where_ + " must be an object");
    return Json::object();
  }
  return *v;
}

Json FieldReader::array(const std::string& name, std::size_t max_items, bool required) {
  const Json* v = find(name, required);
  if (v == nullptr) return Json::array();
  if (!v->is_array()) {
    fail("field '" + name + "' in " + where_ + " must be an array");
    return Json::array();
  }
  if (v->size() > max_items) {
    fail("field '" + name + "' in " + where_ + " must have at most " + std::to_string(max_items) +
         " items");
    return Json::array();
  }
  return *v;
}

Json FieldReader::value(const std::string& name, bool required) {
  read_.insert(name);
  if (!ok()) return Json();
  const auto it = object_.find(name);
  if (it == object_.end()) {
    if (required) fail("missing field '" + name + "' in " + where_);
    return Json();
  }
  return *it;
}

void FieldReader::no_other_fields() {
  if (!ok()) return;
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (read_.count(it.key()) == 0) {
      fail("unknown field '" + it.key() + "' in " + where_);
      return;
    }
  }
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > kMaxIdBytes) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace fl::api
