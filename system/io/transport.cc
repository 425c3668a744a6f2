// Headers (transport.h).
#include "system/io/transport.h"

#include <algorithm>

namespace fl::io {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 9110 token characters.
bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

bool Headers::set(std::string_view name, std::string_view value) {
  if (name.empty() || name.size() > kMaxHeaderNameBytes) return false;
  if (!std::all_of(name.begin(), name.end(), token_char)) return false;
  if (value.size() > kMaxHeaderValueBytes) return false;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  for (auto& [n, v] : fields_) {
    if (same_name(n, name)) {
      v = std::string(value);
      return true;
    }
  }
  if (fields_.size() >= kMaxHeaders) return false;
  std::string lowered(name);
  for (char& c : lowered) c = lower(c);
  fields_.emplace_back(std::move(lowered), std::string(value));
  return true;
}

const std::string* Headers::get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (same_name(n, name)) return &v;
  }
  return nullptr;
}

bool Headers::erase(std::string_view name) {
  const auto it = std::find_if(fields_.begin(), fields_.end(),
                               [&](const auto& f) { return same_name(f.first, name); });
  if (it == fields_.end()) return false;
  fields_.erase(it);
  return true;
}

}  // namespace fl::io
