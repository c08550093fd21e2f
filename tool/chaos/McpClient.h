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
  std::string warning; // a deviation from the specification that breaks nothing
  std::vector<SseEvent> events;           // for the GET stream
};

/// One MCP session over one of the HTTP transports.
class McpSession {
public:
  virtual ~McpSession() = default;
  /// initialize (forgetting any earlier session first), then notifications/initialized.
  virtual Exchange initialize() = 0;
  virtual Exchange initialized() = 0;
  /// A JSON-RPC request in the current session.
  virtual Exchange request(llvm::StringRef Method, llvm::json::Object Params) = 0;
  /// The server-to-client stream, read for up to `Listen` (less when quiet for `Quiet`).
  virtual Exchange readStream(std::chrono::milliseconds Listen,
                              std::chrono::milliseconds Quiet) = 0;
  /// The last request or notification sent once more in the same session, straight to the
  /// instance listening on `Port` rather than through the balancer.
  virtual Exchange replayLast(unsigned Port) = 0;
  /// Ends the session (best effort).
  virtual void endSession() = 0;
  /// The instance the transport ties the session to (the HTTP+SSE stream's), or "".
  virtual std::string home() const { return ""; }
  /// The HTTP path requests are POSTed to (without a query).
  virtual std::string route() const = 0;
};

/// MCP's Streamable HTTP transport.
class McpClient : public McpSession {
public:
  McpClient(HttpTransport Transport, unsigned Port, std::string Path);

  Exchange initialize() override;
  Exchange initialized() override;
  Exchange request(llvm::StringRef Method, llvm::json::Object Params) override;
  /// Opens the GET stream, reads it for up to `Listen` (less when it goes quiet for `Quiet`),
  /// and closes it. Resumes after the last event id seen on an earlier stream of this
  /// session, if any.
  Exchange readStream(std::chrono::milliseconds Listen,
                      std::chrono::milliseconds Quiet) override;
  Exchange replayLast(unsigned Port) override;
  /// DELETE: ends the session (best effort, as the specification suggests on leaving).
  void endSession() override;
  std::string route() const override { return Path; }

  const std::string &sessionId() const { return SessionId; }
  const std::string &lastEventId() const { return LastEventId; }

private:
  Exchange post(const llvm::json::Object &Message, bool IsRequest, unsigned ToPort = 0);
  Exchange stream(unsigned ToPort, std::chrono::milliseconds Listen,
                  std::chrono::milliseconds Quiet);
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
  llvm::json::Object LastMessage; // for replayLast(): the last POST, or the GET stream
  bool LastIsRequest = false;
  bool LastWasStream = false;
  std::chrono::milliseconds LastListen{0}, LastQuiet{0};
};

/// The JSON-RPC response to request `Id` in an HTTP answer: the body itself, or one of the
/// events of an event-stream answer. Empty with `Problem` set when there is none.
std::optional<llvm::json::Value> findResponse(const HttpResponse &R, int64_t Id,
                                              std::string &Problem);

/// An exchange's HTTP part: the status, the instance that answered, and "no answer: ..."
/// when there was none.
Exchange exchangeOf(const HttpResponse &Res);

/// Fills `X` from a JSON-RPC response: its result (ok), or its error (a lost session when
/// the error says so).
void takeResponse(Exchange &X, const llvm::json::Value &Response);

/// The initialize request of this client, asking for protocol `Version`.
llvm::json::Object initializeMessage(int64_t Id, llvm::StringRef Version);
/// A JSON-RPC request (`params` left out when empty, except for tools/call).
llvm::json::Object requestMessage(int64_t Id, llvm::StringRef Method, llvm::json::Object Params);

/// "JSON-RPC error CODE: MESSAGE".
std::string errorText(const llvm::json::Object &Error);

/// True when a server's message says the session is unknown.
bool mentionsLostSession(llvm::StringRef Message);

/// The text of a JSON value for messages, cut to `Max` characters.
std::string brief(const llvm::json::Value &V, size_t Max = 160);

/// The value a tools/call result stands for: its structuredContent, else its first text
/// content parsed as JSON (or the text itself when it is not JSON).
llvm::json::Value toolResultValue(const llvm::json::Value &Result);

} // namespace sa::chaos
