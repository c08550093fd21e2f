// A small hiredis client for the Redis-backed build (NOTES_STORE=redis). Each call opens
// a connection to NOTES_REDIS (host:port, default 127.0.0.1:6379), so nothing about the
// store lives in the process between requests.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace redis {

// One reply, flattened: a string (bulk or status), an integer, an array of strings, or nil.
struct Reply {
  bool nil = true;
  long long integer = 0;
  std::string str;
  std::vector<std::string> elements;
};

// Runs one command (argument vector, binary-safe). Throws std::runtime_error when Redis
// cannot be reached or answers with an error.
Reply command(const std::vector<std::string>& args);

// Runs several commands in one MULTI/EXEC transaction; the replies of each, in order.
std::vector<Reply> transaction(const std::vector<std::vector<std::string>>& commands);

// The hash holding a session's record (the transport's fields, the server's, the latest
// summarize job); the session's other keys start with it.
inline std::string session_key(const std::string& session_id) { return "notes:session:" + session_id; }

}  // namespace redis
