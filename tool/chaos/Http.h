// One HTTP/1.1 exchange with a loopback address: what the MCP client and the runner's
// readiness and stats checks need, kept behind a function so the client's protocol logic is
// tested without a network.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <functional>
#include <map>
#include <string>
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

} // namespace sa::chaos
