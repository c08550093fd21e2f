// Server-Sent Events (the HTML living standard's event stream format), as MCP's Streamable
// HTTP transport uses it: fed in chunks as they arrive, yields complete events.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace sa::chaos {

struct SseEvent {
  std::string id;     // the last `id:` seen so far in the stream (empty: none)
  std::string event;  // `event:`, "message" by default
  std::string data;   // `data:` lines joined with "\n"
};

/// The largest event kept; a larger one is dropped (and counted), whatever it held.
inline constexpr size_t MaxEventBytes = size_t(16) << 20;

class SseParser {
public:
  /// Feeds bytes; returns the events completed by them.
  std::vector<SseEvent> feed(llvm::StringRef Chunk);
  /// The stream's last event id, carried over between events as the standard says.
  const std::string &lastEventId() const { return LastId; }
  /// How many events were dropped for being larger than MaxEventBytes.
  unsigned dropped() const { return Dropped; }

private:
  void line(llvm::StringRef Line, std::vector<SseEvent> &Out);

  std::string Pending;  // an incomplete line
  bool SkipLf = false;  // the previous chunk ended with CR: a LF next is part of that break
  bool BomChecked = false;
  std::string LastId;
  std::string Event;
  std::string Data;
  bool HasData = false;
  bool LineTooLong = false; // the current line went over the limit: skip to its end
  bool Oversized = false;   // the current event went over the limit: drop it
  unsigned Dropped = 0;
};

} // namespace sa::chaos
