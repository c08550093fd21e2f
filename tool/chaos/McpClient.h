// A client of MCP's Streamable HTTP transport (protocol revision 2025-06-18), written to the
// specification: every JSON-RPC message is a POST to the MCP endpoint accepting both
// application/json and text/event-stream answers; the Mcp-Session-Id the server assigns on
// initialize is sent on every later request, with MCP-Protocol-Version; a 404 to a request
// that carries a session id means the session is gone and the client must initialize again;
// the GET stream is resumed with Last-Event-ID after the last event seen.
#pragma once

#include "chaos/Http.h"
#include "chaos/Sse.h"

#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace sa::chaos {

inline constexpr const char *ProtocolVersion = "2025-06-18";

/// What one exchange with the server came to.
struct Exchange {
  enum class Status { Ok, SessionGone, NotOffered, Error };
  Status status = Status::Error;
  int http = 0;                           // HTTP status (0: none)
  std::string instance;                   // the balancer's X-State-Audit-Instance header
  std::optional<llvm::json::Value> result; // the JSON-RPC result
  std::string message;                    // what went wrong, or what the stream did
  std::vector<SseEvent> events;           // for the GET stream
};

class McpClient {
public:
  McpClient(HttpTransport Transport, unsigned Port, std::string Path);

  /// initialize, then notifications/initialized. Forgets any earlier session first.
  Exchange initialize();
  Exchange initialized();
  /// A JSON-RPC request in the current session.
  Exchange request(llvm::StringRef Method, llvm::json::Object Params);
  /// Opens the GET stream, reads it for up to `Listen` (less when it goes quiet for `Quiet`),
  /// and closes it. Resumes after the last event id seen on an earlier stream of this
  /// session, if any.
  Exchange readStream(std::chrono::milliseconds Listen, std::chrono::milliseconds Quiet);
  /// DELETE: ends the session (best effort, as the specification suggests on leaving).
  void endSession();

  const std::string &sessionId() const { return SessionId; }
  const std::string &lastEventId() const { return LastEventId; }

private:
  Exchange post(const llvm::json::Object &Message, bool IsRequest);
  std::vector<std::pair<std::string, std::string>> sessionHeaders() const;
  /// A request to the MCP endpoint with the session's headers.
  HttpRequest endpointRequest(llvm::StringRef Method, llvm::StringRef Accept) const;

  HttpTransport Transport;
  unsigned Port;
  std::string Path;
  std::string SessionId;
  std::string Negotiated; // protocol version the server answered with
  std::string LastEventId;
  std::string AssignedSession; // the Mcp-Session-Id header of the last POST's answer
  int64_t NextId = 1;
};

/// The text of a JSON value for messages, cut to `Max` characters.
std::string brief(const llvm::json::Value &V, size_t Max = 160);

/// The value a tools/call result stands for: its structuredContent, else its first text
/// content parsed as JSON (or the text itself when it is not JSON).
llvm::json::Value toolResultValue(const llvm::json::Value &Result);

} // namespace sa::chaos
