// The event store service (events_service.h).
#include "system/events/events_service.h"

namespace fl::events {

EventsService::EventsService(io::Env& env, EventsOptions options)
    : env_(env), store_(env, options.store), projector_(env, store_, options.projector) {
  FL_ASSERT(env_.sql != nullptr);
}

io::Status EventsService::run() {
  if (io::Status s = store_.init(); !s.is_ok()) return s;
  if (io::Status s = projector_.init(); !s.is_ok()) return s;
  projector_.start();
  return io::Status::ok();
}

}  // namespace fl::events
