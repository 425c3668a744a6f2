// The shard key's hash and the key codec of the shard router. Both are fixed, documented
// functions (docs/shard.md), never std::hash (whose output differs between standard libraries):
// every router, in every process and every build, maps a key to the same virtual node.
//
//  - The shard key is the first primary-key column of a table (user_id, sku, k, e, ...).
//  - encode_value(v): "n" (NULL), "i<decimal>" (int64), "b0"/"b1" (bool), "s<length>:<bytes>"
//    (text). encode_key concatenates the encodings of the key's values, so it is injective.
//  - vnode_of(key, vnodes) = mix64(fnv1a64(encode_value(key[0]))) mod vnodes, where fnv1a64 is
//    FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) and mix64 is the SplitMix64
//    finaliser (xor-shift 30, * 0xbf58476d1ce4e5b9, xor-shift 27, * 0x94d049bb133111eb,
//    xor-shift 31), which spreads FNV's weak low bits over the modulus.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "system/io/sql_store.h"

namespace fl::shard {

constexpr std::size_t kMaxEncodedKeyBytes = 4096;

std::uint64_t fnv1a64(const std::string& bytes);
std::uint64_t mix64(std::uint64_t x);
std::string encode_value(const io::Value& value);
std::string encode_key(const io::Key& key);
// The inverse of encode_key; nullopt on malformed input (bounded: at most kMaxColumns values).
std::optional<io::Key> decode_key(const std::string& text);
// REQUIRES: non-empty key, vnodes > 0.
int vnode_of(const io::Key& key, int vnodes);

}  // namespace fl::shard
