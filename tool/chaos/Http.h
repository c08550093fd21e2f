// One HTTP/1.1 exchange with a loopback address: what the MCP client and the runner's
// readiness and stats checks need, kept behind a function so the client's protocol logic is
// tested without a network.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace sa::chaos {

/// The largest response body read (and the most a stream is read before the runner stops
/// reading it): MCP answers are small, a server under test may not be.
inline constexpr size_t MaxResponseBytes = size_t(16) << 20;

struct HttpRequest {
  std::string method = "GET";
  unsigned port = 0; // on 127.0.0.1
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string contentType; // for a body
  std::chrono::milliseconds timeout{10000};
  /// For a stream: called with each piece of the body as it arrives; return false to stop
  /// reading. With it, the body is not kept, and reading also stops after `timeout` without
  /// data (that ends the exchange normally, not as an error).
  std::function<bool(llvm::StringRef)> onData;
};

struct HttpResponse {
  int status = 0;     // 0: no HTTP response (see error)
  std::string error;  // a transport error: connection refused, timed out, ...
  std::map<std::string, std::string> headers; // names in lower case
  std::string body; // at most MaxResponseBytes: a larger one is an error

  std::string header(llvm::StringRef Name) const;
};

using HttpTransport = std::function<HttpResponse(const HttpRequest &)>;

/// The real transport (cpp-httplib), to 127.0.0.1 only.
HttpResponse sendHttp(const HttpRequest &Request);

/// A GET stream read on a thread of its own for as long as the server keeps it open or until
/// stop(): the 2024-11-05 HTTP+SSE transport's event stream, which carries the answers to
/// POSTs made meanwhile. `onData` is called on that thread; `timeout` is only the time to
/// connect (an idle stream stays open).
class HttpStream {
public:
  HttpStream() = default;
  ~HttpStream() { stop(); }
  HttpStream(const HttpStream &) = delete;
  HttpStream &operator=(const HttpStream &) = delete;

  /// Starts reading `Request` (its onData gets the body); `OnEnd` gets the response (status,
  /// headers, or the transport error) when the stream ends.
  void start(HttpRequest Request, std::function<void(const HttpResponse &)> OnHeaders,
             std::function<void(const HttpResponse &)> OnEnd);
  /// Closes the connection and waits for the reading thread.
  void stop();

private:
  struct Impl;
  std::shared_ptr<Impl> State;
  std::thread Reader;
};

} // namespace sa::chaos
