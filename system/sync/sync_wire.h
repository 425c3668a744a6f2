// The JSON the sync servers and devices exchange beyond the seeds' requests: a changed entity
// (as downloads, replication pages and upload replies carry it) and a page of them.
//
//   change: {"entity_id", "crdt_type", "value", "version_vector", "seq", "state": <crdt state>}
//           (value and version_vector are the state's, for clients that only read; "state" is the
//           canonical state a replica merges; seq is the region's change number)
//   page:   {"region", "changes": [change...], "cursor", "has_more"}
#pragma once

#include <string>
#include <vector>

#include "system/sync/crdt.h"

namespace fl::sync {

constexpr std::size_t kMaxPageChanges = 1000;
constexpr std::size_t kMaxPageBytes = 512 * 1024;  // states per page, canonical bytes

struct WireChange {
  std::string entity_id;
  CrdtState state;
  std::int64_t seq = 0;
};

struct WirePage {
  std::string region;
  std::vector<WireChange> changes;
  std::int64_t cursor = 0;  // pass it as `since` for the next page
  bool has_more = false;
};

Json change_json(const WireChange& change);
Json page_json(const WirePage& page);
// Parses a page (validating every state). false and *error otherwise.
bool page_from_json(const Json& json, WirePage* page, std::string* error);

// An entity id: 1..128 of [A-Za-z0-9_.:-] (the API's ids).
bool valid_entity_id(const std::string& id);

}  // namespace fl::sync
