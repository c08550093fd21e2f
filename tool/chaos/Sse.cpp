#include "chaos/Sse.h"

namespace sa::chaos {

std::vector<SseEvent> SseParser::feed(llvm::StringRef Chunk) {
  std::vector<SseEvent> Out;
  if (!BomChecked && !Chunk.empty()) {
    BomChecked = true;
    Chunk.consume_front("\xEF\xBB\xBF");
  }
  for (char C : Chunk) {
    if (SkipLf) {
      SkipLf = false;
      if (C == '\n')
        continue;
    }
    if (C == '\r' || C == '\n') {
      SkipLf = C == '\r';
      line(Pending, Out);
      Pending.clear();
      LineTooLong = false;
      continue;
    }
    if (Pending.size() + Data.size() >= MaxEventBytes) {
      // An event this large is dropped whole: its line is not kept, nor its data so far.
      LineTooLong = Oversized = true;
      Pending.clear();
      continue;
    }
    if (!LineTooLong)
      Pending += C;
  }
  return Out;
}

void SseParser::line(llvm::StringRef Line, std::vector<SseEvent> &Out) {
  if (LineTooLong) // the rest of a line that was dropped
    return;
  if (Line.empty()) { // dispatch
    if (HasData && !Oversized) {
      std::string D = Data;
      if (!D.empty() && D.back() == '\n')
        D.pop_back();
      Out.push_back(SseEvent{LastId, Event.empty() ? "message" : Event, std::move(D)});
    }
    Data.clear();
    Event.clear();
    HasData = false;
    if (Oversized)
      ++Dropped;
    Oversized = false;
    return;
  }
  if (Line.front() == ':') // a comment (keep-alive)
    return;
  auto [Field, Value] = Line.split(':');
  if (Line.find(':') == llvm::StringRef::npos)
    Value = llvm::StringRef();
  Value.consume_front(" ");
  if (Field == "data") {
    Data += Value.str();
    Data += '\n';
    HasData = true;
  } else if (Field == "event") {
    Event = Value.str();
  } else if (Field == "id") {
    if (Value.find('\0') == llvm::StringRef::npos)
      LastId = Value.str();
  }
  // "retry" and unknown fields are ignored.
}

} // namespace sa::chaos
