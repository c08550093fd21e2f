#include "rules/common/Hints.h"

#include "facts/NamePatterns.h"

#include "llvm/ADT/StringRef.h"

namespace sa {

namespace {

std::string listOps(const std::set<std::string> &Ops) {
  std::string Out;
  size_t I = 0;
  for (const std::string &O : Ops) {
    if (I++)
      Out += I == Ops.size() ? " and " : ", ";
    Out += O;
  }
  return Out;
}

/// "'std::map<K, V>' written with emplace and erase: "
std::string seen(const StateDecl &D, const StateUsage &U) {
  std::string S = "'" + D.type + "'";
  if (!U.operations.empty())
    S += " written with " + listOps(U.operations);
  return S + ": ";
}

bool namedLike(const StateDecl &D, std::initializer_list<llvm::StringRef> Words) {
  std::string L = llvm::StringRef(D.name).lower();
  for (llvm::StringRef W : Words)
    if (llvm::StringRef(L).contains(W))
      return true;
  return false;
}

/// The identifiers of a type's spelling, lower-cased: "std::map<std::string, std::thread>" →
/// {std, map, string, thread}.
std::set<std::string> typeWords(llvm::StringRef Type) {
  std::set<std::string> Out;
  for (llvm::StringRef W : identifiersIn(Type))
    Out.insert(W.lower());
  return Out;
}

} // namespace

std::string heldResource(const StateDecl &D) {
  if (D.shape == TypeShape::Callable)
    return "callables";
  std::set<std::string> W = typeWords(D.type);
  auto Has = [&](std::initializer_list<const char *> Words) {
    for (const char *Word : Words)
      if (W.count(Word))
        return true;
    return false;
  };
  if (Has({"thread", "jthread", "pthread_t"}))
    return "threads";
  if (Has({"function", "move_only_function", "packaged_task", "coroutine_handle"}))
    return "callables";
  if (Has({"future", "shared_future", "promise"}))
    return "futures";
  if (Has({"socket", "acceptor", "websocket", "stream_socket", "basic_stream_socket"}))
    return "sockets";
  if (Has({"mutex", "shared_mutex", "recursive_mutex", "condition_variable"}))
    return "locks";
  return {};
}

std::string stateHint(const StateDecl &D, const StateUsage &U) {
  std::string Resource = heldResource(D);
  if (!Resource.empty() && D.shape != TypeShape::Callable) {
    // A thread, a callable or a socket lives in this process only: no store can hold it.
    std::string Not = seen(D, U) + "it holds " + Resource +
                      ", which cannot be stored in Redis or a database. ";
    if (U.session)
      return Not + "Keep the per-session work stateless: run it as jobs on a shared queue that "
                   "any instance takes work from (a Redis stream with consumer groups, "
                   "XADD/XREADGROUP, or a task queue), and store only data — the session's "
                   "fields and each job's status and result — in the shared store (a Redis "
                   "hash per session); then no session is tied to the instance running its work";
    if (D.shape == TypeShape::Sequence || U.workQueue)
      return Not + "Queue a description of the work instead — data only: the job's kind and "
                   "its parameters — on a shared job queue (a Redis stream, XADD/XREADGROUP, or "
                   "a task queue), and let a worker on any instance run it; work queued here "
                   "is lost when the instance stops";
    return Not + "Keep the work stateless or move it to a job queue that any instance takes "
                 "work from, and keep only data (a job's status and result, keyed like the "
                 "map) in the shared store, so any instance can answer for it";
  }
  if (U.session && U.incremented &&
      (D.shape == TypeShape::Integer || D.shape == TypeShape::Atomic))
    return seen(D, U) + "a sequence of session ids, unique on this instance only: make session "
                        "ids unique across instances (random UUIDs, or INCR on one shared "
                        "Redis key) and keep the sessions themselves in the shared store";
  if (U.session)
    return seen(D, U) +
           "store each session outside the process so any instance can serve it: a Redis hash "
           "per session (HSET session:<id> field value, EXPIRE session:<id> <idle timeout>) or "
           "a sessions table keyed by session id; the load balancer then needs no sticky "
           "sessions and a restart loses nothing";
  if (!U.inMemoryDatabase.empty())
    return seen(D, U) + "an in-memory " + U.inMemoryDatabase +
           " database is this instance's alone: keep its tables in a database server every "
           "instance reaches (PostgreSQL, MySQL) or in Redis, or make it a read-only copy of "
           "data loaded at start-up";
  if (U.threadLocal)
    return "keep only scratch space, random generators or caches of derivable data in "
           "thread_local storage; anything a later request must see belongs in a shared store";
  if (U.metric && U.capped)
    return "a per-instance count is right for a per-instance cap; if the limit is meant for "
           "the whole cluster, keep the count in the shared store (Redis INCR/DECR with a TTL)";
  if (U.metric)
    return "export it as a metric (a Prometheus counter or gauge) and let the monitoring "
           "system sum the instances; if the value itself must be global, use Redis INCR";
  if (U.cache) {
    if (U.cacheOfDerivedData)
      return seen(D, U) +
             "a lookup-then-insert cache of values derived from data that does not change "
             "while serving: keeping one per instance is acceptable (each instance warms its "
             "own); share it in Redis (SET key value EX <ttl>, GET) only to raise the hit rate";
    return seen(D, U) +
           "a lookup-then-insert cache of data that requests change: instances cache "
           "different versions. Share it with a TTL (Redis SET key value EX <ttl>, GET) and "
           "invalidate it where the source is written, or drop it";
  }
  switch (D.shape) {
  case TypeShape::KeyedContainer:
    return seen(D, U) +
           "move the entries to an external key-value store shared by every instance: a Redis "
           "hash (HSET/HGET/HDEL, with EXPIRE if entries go stale) or a database table keyed "
           "like the map";
  case TypeShape::Set:
    return seen(D, U) + "keep the members in a shared store: a Redis set (SADD/SREM/SISMEMBER) "
                        "or a table with a unique key";
  case TypeShape::Sequence:
    if (namedLike(D, {"replay", "event", "history", "log"}))
      return seen(D, U) + "append to a Redis stream (XADD with MAXLEN; XRANGE from the last "
                          "event id to resume) or a database table, so any instance can "
                          "replay it";
    return seen(D, U) + "use a shared queue or list instead: a Redis list (RPUSH/LPOP) or "
                        "stream (XADD/XREAD), or a database table";
  case TypeShape::Integer:
  case TypeShape::Atomic:
    if (U.incremented)
      return seen(D, U) + "a counter: use an atomic counter in the shared store (Redis "
                          "INCR/INCRBY) or a database sequence for ids";
    return seen(D, U) + "keep the value in a shared store (Redis GET/SET, a database row); "
                        "if it is configuration, set it once at start-up and make it const";
  case TypeShape::Object:
    return seen(D, U) + "move the object's mutable fields to a shared store (Redis, a "
                        "database), or build it once at start-up and keep it immutable";
  case TypeShape::Stream:
    return "write logs to stdout/stderr for the platform to collect; keep data in object "
           "storage or a database";
  case TypeShape::Callable:
    return "a callable is code, not data: no store can hold it. Register callbacks once at "
           "start-up and make the variable const; if requests swap it, store the data that "
           "selects the behaviour (a name, a flag) in the shared store instead";
  case TypeShape::Pointer:
    return seen(D, U) + "point only at immutable or externally stored data; if the pointee "
                        "changes while serving, move it to a shared store";
  case TypeShape::String:
  case TypeShape::Floating:
  case TypeShape::Boolean:
  case TypeShape::Other:
  case TypeShape::Lock:
  case TypeShape::Client:
    break;
  }
  return seen(D, U) + "if requests write it, keep it in a shared store (Redis, a database); "
                      "if it is configuration set once at start-up, make it const";
}

std::string fileHint(const FileOp &Op) {
  if (!Op.store.empty())
    return "keep the data in a database server every instance reaches (PostgreSQL, MySQL, "
           "Redis) or in object storage; a " + Op.store +
           " file on local disk holds what this instance alone wrote and dies with it";
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
