// Progress of a scan on stderr: one line updated in place on a terminal (TUs done/total, the
// file just finished, elapsed time, ETA), a line per TU with --verbose, nothing otherwise.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <string>

namespace llvm {
class raw_ostream;
}

namespace sa {

class Progress {
public:
  enum class Mode { Off, Line, Verbose };

  /// Line when stderr is a terminal, unless quiet; Verbose when asked.
  static Mode choose(bool Quiet, bool Verbose);

  Progress(llvm::raw_ostream &OS, Mode M, size_t Total);
  ~Progress();

  void done(llvm::StringRef File, double Seconds, bool FromCache);
  /// Clears the progress line (on a terminal) so that a message can be printed.
  void interrupt();
  size_t fromCache() const { return Cached; }
  double elapsed() const;

private:
  llvm::raw_ostream &OS;
  Mode M;
  size_t Total, Done = 0, Cached = 0;
  std::chrono::steady_clock::time_point Start;
  bool LineShown = false;
};

/// "1:05", "0:07": minutes and seconds.
std::string clockTime(double Seconds);

} // namespace sa
