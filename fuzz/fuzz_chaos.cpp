// What the chaos runner reads: step files (committed beside the code, like the
// configuration), scan reports (--report), and every answer of the server under test (a JSON
// body, an event stream, a tool's text), which may be anything a buggy server sends.
#include "FuzzSupport.h"

#include "chaos/McpClient.h"
#include "chaos/Report.h"
#include "chaos/Sse.h"
#include "chaos/Steps.h"

namespace {

using namespace sa::chaos;

void steps(llvm::StringRef Text) {
  auto S = parseSteps(Text, "fuzz.yaml");
  if (!S) {
    llvm::consumeError(S.takeError());
    return;
  }
  for (const Step &Step : *S)
    if (Step.expect)
      (void)matchesExpectation(substituteRun(*Step.expect, "t"), *Step.expect);
}

void scanReport(llvm::StringRef Text) {
  auto F = parseScanReport(Text, "fuzz.json");
  if (!F)
    llvm::consumeError(F.takeError());
}

/// The input as the answer to initialize and to a request: as JSON, then as an event stream.
void serverAnswers(llvm::StringRef Text) {
  for (const char *Type : {"application/json", "text/event-stream"}) {
    HttpTransport Answer = [&](const HttpRequest &R) {
      HttpResponse A;
      A.status = 200;
      A.headers["content-type"] = Type;
      A.headers["mcp-session-id"] = "s";
      A.body = Text.str();
      if (R.onData)
        R.onData(A.body);
      return A;
    };
    McpClient C(Answer, 1, "/mcp");
    Exchange I = C.initialize();
    Exchange X = C.request("tools/call", {});
    if (X.result)
      (void)toolResultValue(*X.result);
    (void)C.readStream(std::chrono::milliseconds(0), std::chrono::milliseconds(0));
    (void)I;
  }
  SseParser P; // fed in two pieces: state carries over between chunks
  size_t Half = Text.size() / 2;
  (void)P.feed(Text.take_front(Half));
  (void)P.feed(Text.drop_front(Half));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text = fuzzInput(Data, Size);
  steps(Text);
  scanReport(Text);
  serverAnswers(Text);
  return 0;
}
