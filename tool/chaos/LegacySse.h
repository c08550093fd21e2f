// A client of MCP's HTTP+SSE transport (protocol revision 2024-11-05), which servers written
// before Streamable HTTP still speak: GET opens an event stream whose first event
// (`endpoint`) names where to POST; each POST is answered 202 Accepted and its JSON-RPC
// response comes as a `message` event on the stream. The session lives wherever the stream
// is: a POST that the balancer sends to another instance reaches a server that does not know
// the session.
#pragma once

#include "chaos/Http.h"
#include "chaos/McpClient.h"

#include <condition_variable>
#include <deque>
#include <mutex>

namespace sa::chaos {

inline constexpr const char *LegacyProtocolVersion = "2024-11-05";

class LegacySseClient : public McpSession {
public:
  /// `Port` is the balancer's, `Path` the stream's (e.g. /sse).
  LegacySseClient(unsigned Port, std::string Path,
                  std::chrono::milliseconds AnswerTimeout = std::chrono::seconds(10));
  ~LegacySseClient() override;

  /// Opens the stream, waits for its `endpoint` event, then sends initialize there.
  Exchange initialize() override;
  Exchange initialized() override;
  Exchange request(llvm::StringRef Method, llvm::json::Object Params) override;
  /// Whether the stream is still open, and what came on it that answered nothing.
  Exchange readStream(std::chrono::milliseconds Listen,
                      std::chrono::milliseconds Quiet) override;
  Exchange replayLast(unsigned Port) override;
  void endSession() override;
  std::string home() const override;
  std::string route() const override;

private:
  Exchange send(const llvm::json::Object &Message, bool IsRequest, unsigned ToPort);
  /// The response to request `Id` from the stream, within the answer timeout.
  std::optional<llvm::json::Value> awaitResponse(int64_t Id, std::string &Problem);
  void onStreamData(llvm::StringRef Chunk);

  unsigned Port;
  std::string Path;
  std::chrono::milliseconds AnswerTimeout;
  HttpStream Stream;
  SseParser Parser; // fed on the stream's thread, under Lock

  mutable std::mutex Lock;
  std::condition_variable Changed;
  std::string Endpoint;           // path and query the POSTs go to
  std::string StreamInstance;     // who serves the stream
  bool StreamOpen = false, StreamEnded = false;
  std::string StreamEnd;          // how it ended
  std::deque<llvm::json::Value> Messages; // JSON-RPC messages that came on the stream
  unsigned Unanswered = 0;        // messages read that answered no request of ours

  llvm::json::Object LastMessage;
  bool LastIsRequest = false;
  bool LastWasStream = false;
  int64_t NextId = 1;
};

} // namespace sa::chaos
