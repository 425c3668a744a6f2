// The one list of system compositions (registry.h). Adding a system: one line below.
#include "compose/registry.h"

#include "compose/dr/dr.h"
#include "compose/echo/echo.h"
#include "compose/events/events.h"
#include "compose/saga/saga.h"
#include "compose/shard/shard.h"
#include "compose/sync/sync.h"

namespace fl::compose {

void register_all() {
  static bool done = false;
  if (done) return;
  done = true;
  register_echo();
  register_saga();
  register_sync();
  register_events();
  register_shard();
  register_dr();
}

}  // namespace fl::compose
