#include "system/inventory/inventory_api.h"

#include "system/api/request.h"
#include "system/io/assert.h"

namespace fl::api {
namespace {

constexpr std::size_t kDefaultItemsLimit = 100;

bool valid_sku(const std::string& sku) {
  return valid_id(sku) && sku.size() <= inventory::kMaxSkuBytes;
}

io::Response create_item(inventory::InventoryService& inv, Logger& log, const ApiRequest& req) {
  RequestBody body(req);
  FieldReader& r = body.fields();
  inventory::CreateItemRequest create;
  create.sku = r.text("sku", inventory::kMaxSkuBytes);
  create.name = r.text("name", inventory::kMaxNameBytes, /*required=*/false);
  create.quantity = r.integer("quantity", 0, inventory::kMaxQuantity);
  if (auto bad = body.problem()) return *bad;
  if (!valid_sku(create.sku)) return error_response(400, "field 'sku' must match [A-Za-z0-9_.-]+");
  auto item = inv.create_item(create);
  if (!item.is_ok()) {
    if (item.status().kind() == io::ErrorKind::kConstraint) {
      return error_response(409, "item " + create.sku + " already exists");
    }
    return error_from_status(item.status());
  }
  FL_ASSERT_EQ(item.value().sku, create.sku);
  log.info("item created", {{"sku", create.sku}, {"quantity", create.quantity}});
  return json_response(201, item_json(item.value()));
}

io::Response list_items(inventory::InventoryService& inv, const ApiRequest& req) {
  std::size_t limit = 0;
  if (auto bad = read_limit(req, kDefaultItemsLimit, inventory::kMaxListItems, &limit)) return *bad;
  auto items = inv.list_items(limit);
  if (!items.is_ok()) return error_from_status(items.status());
  Json out = Json::array();
  for (const auto& item : items.value()) out.push_back(item_json(item));
  return json_response(200, Json{{"items", out}, {"count", out.size()}, {"limit", limit}});
}

io::Response get_item(inventory::InventoryService& inv, const ApiRequest& req) {
  std::string sku;
  if (auto bad = read_id(req, "sku", inventory::kMaxSkuBytes, "sku", &sku)) return *bad;
  auto item = inv.get_item(sku);
  if (!item.is_ok()) return error_from_status(item.status());
  if (!item.value().has_value()) return error_response(404, "no item " + sku);
  return json_response(200, item_json(*item.value()));
}

io::Response reservation_answer(const inventory::Reservation& res) {
  const bool held = res.state == inventory::ReservationState::kHeld ||
                    res.state == inventory::ReservationState::kConfirmed;
  if (held) return json_response(200, reservation_json(res));
  const std::string why = res.reason.empty() ? inventory::to_string(res.state) : res.reason;
  return json_response(
      409, Json{{"error", "reservation refused: " + why}, {"reservation", reservation_json(res)}});
}

io::Response reserve(inventory::InventoryService& inv, Logger& log, const ApiRequest& req) {
  std::string sku;
  if (auto bad = read_id(req, "sku", inventory::kMaxSkuBytes, "sku", &sku)) return *bad;
  RequestBody body(req);
  FieldReader& r = body.fields();
  inventory::ReserveRequest reserve;
  reserve.sku = sku;
  reserve.quantity = r.integer("quantity", 1, inventory::kMaxQuantity);
  reserve.reservation_id = r.text("reservation_id", inventory::kMaxReservationIdBytes);
  if (auto bad = body.problem()) return *bad;
  auto res = inv.reserve(reserve);
  if (!res.is_ok()) {
    if (res.status().kind() == io::ErrorKind::kConstraint) {
      return error_response(409, "reservation id " + reserve.reservation_id +
                                     " was used for another sku or quantity");
    }
    return error_from_status(res.status());
  }
  log.info("reserve", {{"sku", sku},
                       {"reservation_id", reserve.reservation_id},
                       {"quantity", reserve.quantity},
                       {"state", inventory::to_string(res.value().state)}});
  return reservation_answer(res.value());
}

io::Response reservation_op(inventory::InventoryService& inv, const ApiRequest& req,
                            const std::string& op) {
  std::string id;
  if (auto bad = read_param(req, "id", inventory::kMaxReservationIdBytes, "id", &id)) return *bad;
  if (op == "get") {
    auto got = inv.get_reservation(id);
    if (!got.is_ok()) return error_from_status(got.status());
    if (!got.value().has_value()) return error_response(404, "no reservation " + id);
    return json_response(200, reservation_json(*got.value()));
  }
  auto res = op == "release" ? inv.release(id) : inv.confirm(id);
  if (!res.is_ok()) return error_from_status(res.status());
  return json_response(200, reservation_json(res.value()));
}

}  // namespace

Json item_json(const inventory::Item& item) {
  return Json{{"sku", item.sku},
              {"name", item.name},
              {"quantity", item.available},
              {"available", item.available},
              {"reserved", item.reserved},
              {"confirmed", item.confirmed}};
}

Json reservation_json(const inventory::Reservation& res) {
  return Json{{"reservation_id", res.reservation_id},
              {"sku", res.sku},
              {"quantity", res.quantity},
              {"state", inventory::to_string(res.state)},
              {"reason", res.reason}};
}

void add_inventory_routes(Router& router, inventory::InventoryService& inv, Logger& log) {
  router.add("GET", "/api/v1/items", [&inv](const ApiRequest& q) { return list_items(inv, q); });
  router.add("POST", "/api/v1/items",
             [&inv, &log](const ApiRequest& q) { return create_item(inv, log, q); });
  router.add("GET", "/api/v1/items/{sku}",
             [&inv](const ApiRequest& q) { return get_item(inv, q); });
  router.add("POST", "/api/v1/items/{sku}/reserve",
             [&inv, &log](const ApiRequest& q) { return reserve(inv, log, q); });
  router.add("GET", "/api/v1/reservations/{id}",
             [&inv](const ApiRequest& q) { return reservation_op(inv, q, "get"); });
  router.add("POST", "/api/v1/reservations/{id}/release",
             [&inv](const ApiRequest& q) { return reservation_op(inv, q, "release"); });
  router.add("POST", "/api/v1/reservations/{id}/confirm",
             [&inv](const ApiRequest& q) { return reservation_op(inv, q, "confirm"); });
}

}  // namespace fl::api
