// The sync system's wire JSON (sync_wire.h).
#include "system/sync/sync_wire.h"

#include "system/api/json_body.h"
#include "system/io/assert.h"

namespace fl::sync {

Json change_json(const WireChange& c) {
  return {{"entity_id", c.entity_id},
          {"crdt_type", type_name(c.state.type)},
          {"value", value_of(c.state)},
          {"version_vector", vv_json(c.state.context)},
          {"seq", c.seq},
          {"state", to_json(c.state)}};
}

Json page_json(const WirePage& page) {
  Json changes = Json::array();
  for (const WireChange& c : page.changes) changes.push_back(change_json(c));
  return {{"region", page.region},
          {"changes", changes},
          {"cursor", page.cursor},
          {"has_more", page.has_more}};
}

bool page_from_json(const Json& j, WirePage* page, std::string* error) {
  FL_ASSERT(page != nullptr && error != nullptr);
  if (!j.is_object() || !j.contains("changes") || !j["changes"].is_array() ||
      !j.contains("cursor") || !j["cursor"].is_number_integer() || !j.contains("has_more") ||
      !j["has_more"].is_boolean() || j["changes"].size() > kMaxPageChanges) {
    *error = "a page is {region, changes: [...], cursor, has_more}";
    return false;
  }
  page->region =
      j.contains("region") && j["region"].is_string() ? j["region"].get<std::string>() : "";
  page->cursor = j["cursor"].get<std::int64_t>();
  page->has_more = j["has_more"].get<bool>();
  for (const Json& c : j["changes"]) {
    if (!c.is_object() || !c.contains("entity_id") || !c["entity_id"].is_string() ||
        !valid_entity_id(c["entity_id"].get<std::string>()) || !c.contains("state")) {
      *error = "a change is {entity_id, state, ...}";
      return false;
    }
    auto state = state_from_json(c["state"], error);
    if (!state) return false;
    const bool has_seq = c.contains("seq") && c["seq"].is_number_integer();
    page->changes.push_back({c["entity_id"].get<std::string>(), std::move(*state),
                             has_seq ? c["seq"].get<std::int64_t>() : 0});
  }
  return true;
}

bool valid_entity_id(const std::string& id) { return api::valid_id(id); }

}  // namespace fl::sync
