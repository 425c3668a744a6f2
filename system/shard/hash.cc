// The shard key hash and key codec (hash.h).
#include "system/shard/hash.h"

#include <charconv>

#include "system/io/assert.h"

namespace fl::shard {

std::uint64_t fnv1a64(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::uint64_t mix64(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string encode_value(const io::Value& value) {
  if (std::holds_alternative<io::Null>(value)) return "n";
  if (const auto* i = std::get_if<std::int64_t>(&value)) return "i" + std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "b1" : "b0";
  const std::string& s = std::get<std::string>(value);
  return "s" + std::to_string(s.size()) + ":" + s;
}

std::string encode_key(const io::Key& key) {
  std::string out;
  for (const io::Value& v : key) out += encode_value(v);
  return out;
}

namespace {

// Reads a decimal at text[*pos..] up to a non-digit; false if none or out of range.
bool read_int(const std::string& text, std::size_t* pos, std::int64_t* out) {
  const char* begin = text.data() + *pos;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(begin, end, *out);
  if (ec != std::errc() || p == begin) return false;
  *pos += static_cast<std::size_t>(p - begin);
  return true;
}

}  // namespace

std::optional<io::Key> decode_key(const std::string& text) {
  if (text.size() > kMaxEncodedKeyBytes) return std::nullopt;
  io::Key key;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (key.size() >= io::kMaxColumns) return std::nullopt;
    const char tag = text[pos++];
    if (tag == 'n') {
      key.emplace_back(io::Null{});
    } else if (tag == 'b') {
      if (pos >= text.size() || (text[pos] != '0' && text[pos] != '1')) return std::nullopt;
      key.emplace_back(text[pos++] == '1');
    } else if (tag == 'i') {
      std::int64_t v = 0;
      if (!read_int(text, &pos, &v)) return std::nullopt;
      key.emplace_back(v);
    } else if (tag == 's') {
      std::int64_t length = 0;
      if (!read_int(text, &pos, &length) || length < 0) return std::nullopt;
      if (pos >= text.size() || text[pos] != ':') return std::nullopt;
      ++pos;
      if (static_cast<std::size_t>(length) > text.size() - pos) return std::nullopt;
      key.emplace_back(text.substr(pos, static_cast<std::size_t>(length)));
      pos += static_cast<std::size_t>(length);
    } else {
      return std::nullopt;
    }
  }
  if (key.empty()) return std::nullopt;
  return key;
}

int vnode_of(const io::Key& key, int vnodes) {
  FL_ASSERT(!key.empty());
  FL_ASSERT(vnodes > 0);
  const std::uint64_t h = mix64(fnv1a64(encode_value(key[0])));
  return static_cast<int>(h % static_cast<std::uint64_t>(vnodes));
}

}  // namespace fl::shard
