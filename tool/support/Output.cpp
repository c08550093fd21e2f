#include "support/Output.h"

#include "llvm/Support/raw_ostream.h"

namespace sa {

llvm::Error writeOutput(llvm::StringRef Path,
                        const std::function<void(llvm::raw_ostream &)> &Write) {
  if (Path.empty() || Path == "-") {
    Write(llvm::outs());
    llvm::outs().flush();
    return llvm::Error::success();
  }
  // llvm::writeToOutput creates "<Path>-xxxxxx.tmp" beside the target and renames it into
  // place only after the callback succeeded, so readers see the old file or the new one.
  return llvm::writeToOutput(Path, [&](llvm::raw_ostream &OS) {
    Write(OS);
    return llvm::Error::success();
  });
}

llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Contents) {
  return writeOutput(Path, [&](llvm::raw_ostream &OS) { OS << Contents; });
}

} // namespace sa
