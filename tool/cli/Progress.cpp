#include "Progress.h"

#include "support/Output.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

namespace sa {

std::string clockTime(double Seconds) {
  long S = static_cast<long>(Seconds + 0.5);
  std::string Out;
  llvm::raw_string_ostream(Out) << S / 60 << ":" << llvm::format("%02ld", S % 60);
  return Out;
}

Progress::Mode Progress::choose(bool Quiet, bool Verbose) {
  if (Verbose)
    return Mode::Verbose;
  if (Quiet || !llvm::sys::Process::StandardErrIsDisplayed())
    return Mode::Off;
  return Mode::Line;
}

Progress::Progress(llvm::raw_ostream &OS, Mode M, size_t Total)
    : OS(OS), M(M), Total(Total), Start(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (LineShown) {
    OS << "\r\x1b[K"; // clear the line: the summary follows
    OS.flush();
  }
}

void Progress::interrupt() {
  if (LineShown) {
    OS << "\r\x1b[K";
    LineShown = false;
  }
}

double Progress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
}

void Progress::done(llvm::StringRef File, double Seconds, bool FromCache) {
  ++Done;
  Cached += FromCache;
  if (M == Mode::Verbose) {
    OS << "state-audit: [" << Done << "/" << Total << "] " << printable(File) << " "
       << (FromCache ? std::string("(cache)") : llvm::formatv("{0:F2} s", Seconds).str()) << "\n";
    return;
  }
  if (M != Mode::Line)
    return;
  double Elapsed = elapsed();
  double Eta = Done ? Elapsed / Done * (Total - Done) : 0;
  std::string Name = printable(File);
  if (Name.size() > 48)
    Name = "…" + Name.substr(Name.size() - 47);
  OS << "\r\x1b[K[" << Done << "/" << Total << "] " << Name << "  elapsed " << clockTime(Elapsed)
     << ", ETA " << clockTime(Eta);
  OS.flush();
  LineShown = true;
}

} // namespace sa
