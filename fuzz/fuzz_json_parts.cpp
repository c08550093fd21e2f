// Reading JSON in parts (parseJsonInParts: baselines, `explain --report`), checked against
// reading it whole: the skeleton with each array's elements put back is the whole document,
// and a document that does not parse gives the same error either way.
#include "FuzzSupport.h"

#include "support/Untrusted.h"

#include <cstdlib>

namespace {

/// The array at `Path` (with "*" steps taken at `At`) inside `V`, or null.
llvm::json::Array *arrayAt(llvm::json::Value &V, llvm::ArrayRef<llvm::StringRef> Path,
                           llvm::ArrayRef<size_t> At) {
  if (Path.empty())
    return V.getAsArray();
  if (Path.front() == "*") {
    llvm::json::Array *A = V.getAsArray();
    if (!A || At.empty() || At.front() >= A->size())
      return nullptr;
    return arrayAt((*A)[At.front()], Path.drop_front(), At.drop_front());
  }
  llvm::json::Object *O = V.getAsObject();
  llvm::json::Value *Child = O ? O->get(Path.front()) : nullptr;
  return Child ? arrayAt(*Child, Path.drop_front(), At) : nullptr;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text = fuzzInput(Data, Size);
  const llvm::StringRef Path[] = {"runs", "*", "results"};
  llvm::json::Value Rebuilt = nullptr;
  llvm::Error E = sa::parseJsonInParts(
      Text, Path,
      [&](const llvm::json::Value &Skeleton) {
        Rebuilt = Skeleton;
        return llvm::Error::success();
      },
      [&](llvm::ArrayRef<size_t> At, const llvm::json::Value &Element) {
        llvm::json::Array *A = arrayAt(Rebuilt, Path, At);
        if (!A)
          abort(); // an element of an array the skeleton does not have
        A->push_back(Element);
        return llvm::Error::success();
      });
  llvm::Expected<llvm::json::Value> Whole = sa::parseUntrustedJson(Text);
  if (!Whole) {
    if (!E || llvm::toString(std::move(E)) != llvm::toString(Whole.takeError()))
      abort(); // read in parts, or another error, where the whole document does not parse
    return 0;
  }
  if (E || Rebuilt != *Whole)
    abort();
  return 0;
}
