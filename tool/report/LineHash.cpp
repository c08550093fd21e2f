#include "report/LineHash.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cstdint>
#include <vector>

namespace sa {

namespace {

constexpr unsigned Window = 100;
constexpr uint64_t Base = 37;
constexpr uint32_t EndOfFile = 65535;

/// The text as UTF-16 code units, as JavaScript strings hold it (invalid UTF-8 becomes
/// U+FFFD, as Node's decoder does).
std::vector<uint16_t> utf16(llvm::StringRef Text) {
  std::vector<uint16_t> Out;
  Out.reserve(Text.size());
  const auto *P = reinterpret_cast<const llvm::UTF8 *>(Text.data());
  const auto *End = P + Text.size();
  while (P < End) {
    if (*P < 0x80) {
      Out.push_back(*P++);
      continue;
    }
    llvm::UTF32 CodePoint;
    const llvm::UTF8 *Start = P;
    unsigned Length = llvm::getNumBytesForUTF8(*P);
    if (Length == 0 || P + Length > End ||
        llvm::convertUTF8Sequence(&P, End, &CodePoint, llvm::strictConversion) !=
            llvm::conversionOK) {
      Out.push_back(0xFFFD);
      P = Start + 1;
      continue;
    }
    if (CodePoint >= 0x10000) {
      CodePoint -= 0x10000;
      Out.push_back(static_cast<uint16_t>(0xD800 + (CodePoint >> 10)));
      Out.push_back(static_cast<uint16_t>(0xDC00 + (CodePoint & 0x3FF)));
    } else {
      Out.push_back(static_cast<uint16_t>(CodePoint));
    }
  }
  return Out;
}

} // namespace

std::map<unsigned, std::string> computeLineHashes(llvm::StringRef Text) {
  std::map<unsigned, std::string> Out;
  // All arithmetic wraps modulo 2^64, like the 64-bit integers of the reference.
  uint64_t Shift = 1;
  for (unsigned I = 0; I < Window; ++I)
    Shift *= Base;
  std::array<uint32_t, Window> Chars{};
  std::array<long, Window> LineAt;
  LineAt.fill(-1);
  uint64_t Hash = 0;
  unsigned Index = 0;
  long Line = 0;
  bool AtLineStart = true, AfterCR = false;
  std::map<std::string, unsigned> Seen;

  auto Emit = [&] {
    std::string Hex;
    llvm::raw_string_ostream(Hex) << llvm::format_hex_no_prefix(Hash, 1);
    unsigned Count = ++Seen[Hex];
    Out[static_cast<unsigned>(LineAt[Index])] = Hex + ":" + std::to_string(Count);
    LineAt[Index] = -1;
  };
  auto Roll = [&](uint32_t C) {
    uint32_t Leaving = Chars[Index];
    Chars[Index] = C;
    Hash = Base * Hash + C - Shift * Leaving;
    Index = (Index + 1) % Window;
  };
  auto Feed = [&](uint32_t C) {
    if (C == ' ' || C == '\t' || (AfterCR && C == '\n')) {
      AfterCR = false;
      return;
    }
    AfterCR = C == '\r';
    if (AfterCR)
      C = '\n';
    if (LineAt[Index] != -1)
      Emit();
    if (AtLineStart) {
      AtLineStart = false;
      LineAt[Index] = ++Line;
    }
    if (C == '\n')
      AtLineStart = true;
    Roll(C);
  };

  for (uint16_t C : utf16(Text))
    Feed(C);
  Feed(EndOfFile);
  for (unsigned I = 0; I < Window; ++I) {
    if (LineAt[Index] != -1)
      Emit();
    Roll(0);
  }
  return Out;
}

} // namespace sa
