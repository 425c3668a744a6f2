// The inventory service's HTTP API (port 8081 in the seeds), on InventoryService:
//   GET  /api/v1/items                    ?limit=N (1..1000, default 100)
//                                         -> 200 {"items": [...], "count"}
//   POST /api/v1/items                    {"sku", "name"?, "quantity"} -> 201 {item} | 409 exists
//   GET  /api/v1/items/{sku}              -> 200 {item} | 404
//   POST /api/v1/items/{sku}/reserve      {"quantity", "reservation_id"}
//                                         -> 200 {reservation} held (now or before: idempotent)
//                                         | 409 {"error", "reservation"} refused (stock, unknown
//                                           sku, released first) | 409 id reused differently
//   GET  /api/v1/reservations/{id}        -> 200 {reservation} | 404
//   POST /api/v1/reservations/{id}/release -> 200 {reservation} (idempotent)
//   POST /api/v1/reservations/{id}/confirm -> 200 {reservation} | 409 not held
// An item: {"sku","name","quantity" (available),"available","reserved","confirmed"}.
// A reservation: {"reservation_id","sku","quantity","state","reason"}.
#pragma once

#include "system/api/json_body.h"
#include "system/api/log.h"
#include "system/api/router.h"
#include "system/inventory/inventory_service.h"

namespace fl::api {

void add_inventory_routes(Router& router, inventory::InventoryService& inventory, Logger& log);

Json item_json(const inventory::Item& item);
Json reservation_json(const inventory::Reservation& reservation);

}  // namespace fl::api
