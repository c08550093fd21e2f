#include "redis/redis.h"

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <hiredis/hiredis.h>

namespace redis {
namespace {

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;
using RawReply = std::unique_ptr<redisReply, ReplyDeleter>;

Context connect() {
  const char* env = std::getenv("NOTES_REDIS");
  const std::string address = env && *env ? env : "127.0.0.1:6379";
  const auto colon = address.rfind(':');
  const std::string host = address.substr(0, colon);
  const int port = colon == std::string::npos ? 6379 : std::atoi(address.c_str() + colon + 1);
  const timeval timeout{2, 0};
  Context c(redisConnectWithTimeout(host.c_str(), port, timeout));
  if (!c || c->err) {
    throw std::runtime_error("cannot reach Redis at " + address + ": " + (c ? c->errstr : "out of memory"));
  }
  redisSetTimeout(c.get(), timeout);
  return c;
}

Reply flatten(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_ERROR:
      throw std::runtime_error("Redis: " + std::string(r->str, r->len));
    case REDIS_REPLY_NIL:
      break;
    case REDIS_REPLY_INTEGER:
      out.nil = false;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      out.nil = false;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.nil = false;
      for (size_t i = 0; i < r->elements; ++i) {
        const redisReply* e = r->element[i];
        out.elements.push_back(e->type == REDIS_REPLY_STRING ? std::string(e->str, e->len)
                               : e->type == REDIS_REPLY_INTEGER ? std::to_string(e->integer)
                                                                : std::string());
      }
      break;
    default:
      break;
  }
  return out;
}

void append(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data());
}

RawReply read(redisContext* c) {
  void* raw = nullptr;
  if (redisGetReply(c, &raw) != REDIS_OK || !raw) {
    throw std::runtime_error(std::string("Redis connection failed: ") + c->errstr);
  }
  return RawReply(static_cast<redisReply*>(raw));
}

}  // namespace

Reply command(const std::vector<std::string>& args) {
  Context c = connect();
  append(c.get(), args);
  return flatten(read(c.get()).get());
}

std::vector<Reply> transaction(const std::vector<std::vector<std::string>>& commands) {
  Context c = connect();
  append(c.get(), {"MULTI"});
  for (const auto& args : commands) append(c.get(), args);
  append(c.get(), {"EXEC"});
  for (size_t i = 0; i <= commands.size(); ++i) read(c.get());  // +OK, then QUEUED each
  RawReply exec = read(c.get());
  if (exec->type != REDIS_REPLY_ARRAY) throw std::runtime_error("Redis: the transaction was aborted");
  std::vector<Reply> out;
  for (size_t i = 0; i < exec->elements; ++i) out.push_back(flatten(exec->element[i]));
  return out;
}

}  // namespace redis
