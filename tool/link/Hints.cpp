#include "link/Hints.h"

namespace sa {

std::string stateHint(const StateDecl &D) {
  switch (D.shape) {
  case TypeShape::KeyedContainer:
    return "move the entries to an external key-value store shared by every instance: a Redis "
           "hash (HSET/HGET, with a TTL if entries expire) or a database table keyed like the "
           "map";
  case TypeShape::Set:
    return "keep the members in a shared store: a Redis set (SADD/SISMEMBER) or a table with a "
           "unique key";
  case TypeShape::Sequence:
    return "append to a shared list instead: a Redis list or stream (RPUSH/XADD) or a database "
           "table";
  case TypeShape::Integer:
    return "if it counts, use an atomic counter in the shared store (Redis INCR) or a database "
           "sequence; if it is configuration, set it once at start-up and make it const";
  case TypeShape::Atomic:
    return "an atomic is consistent within one process only: use Redis INCR or a database "
           "sequence for values that must be unique or global; per-instance metrics are fine "
           "when the monitoring system aggregates them";
  case TypeShape::Object:
    return "move the object's mutable fields to a shared store (Redis, a database), or build "
           "it once at start-up and keep it immutable afterwards";
  case TypeShape::Stream:
    return "write logs to stdout/stderr for the platform to collect; keep data in object "
           "storage or a database";
  case TypeShape::Callable:
    return "register callbacks once at start-up and make the variable const";
  case TypeShape::Pointer:
    return "point only at immutable or externally stored data; if the pointee changes while "
           "serving, move it to a shared store";
  case TypeShape::String:
  case TypeShape::Floating:
  case TypeShape::Boolean:
  case TypeShape::Other:
  case TypeShape::Lock:
    break;
  }
  return "if requests write it, keep it in a shared store (Redis, a database); if it is "
         "configuration set once at start-up, make it const";
}

std::string fileHint(const FileOp &Op) {
  if (Op.logLike)
    return "log to stdout/stderr and let the platform collect the logs; a log file on local "
           "disk is split across instances and lost with them";
  if (Op.kind == FileOpKind::Modify)
    return "keep these files in object storage (S3, GCS, Azure Blob) or a database that every "
           "instance reaches; a change to local disk is seen by this instance only";
  return "write the data to object storage (S3, GCS, Azure Blob) or a database that every "
         "instance reaches; use local disk only for scratch files deleted within the request";
}

} // namespace sa
