// Guards for parsers of untrusted input (compile databases, baselines, facts files, cache
// entries, configuration). LLVM's JSON and YAML parsers recurse once per nesting level, so a
// document nested 50 000 levels deep overflows the stack; these checks run first, cheaply, so
// the parsers never see what would crash them.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace sa {

/// Deepest nesting accepted in any JSON document we read. Our own formats nest < 12 levels.
inline constexpr unsigned MaxJsonDepth = 512;

/// Byte offset of the first bracket nested deeper than `MaxDepth` (brackets inside strings do
/// not count), or nullopt when the document stays within it.
std::optional<size_t> jsonTooDeepAt(llvm::StringRef Text, unsigned MaxDepth = MaxJsonDepth);

/// Line and column (1-based) of a byte offset.
std::pair<unsigned, unsigned> lineColumn(llvm::StringRef Text, size_t Offset);

/// `Text` without a leading UTF-8 byte order mark. Windows editors write one; clang's own
/// compile-database reader (a YAML parser) skips it, so clang-tidy users expect it accepted.
llvm::StringRef withoutByteOrderMark(llvm::StringRef Text);

/// llvm::json::parse after the depth check; a leading byte order mark is skipped. Errors read "<line>:<col>: not valid JSON: <what>" (no file name:
/// the caller adds it).
llvm::Expected<llvm::json::Value> parseUntrustedJson(llvm::StringRef Text,
                                                     unsigned MaxDepth = MaxJsonDepth);

/// Reads a JSON document whose bulk is in arrays at `Path` (object keys, "*" for every element
/// of an array: {"runs", "*", "results"}) without holding it as one tree: llvm::json keeps each
/// object in a hash table of at least 64 slots, so a 31 MB SARIF log took 2.9 GB whole.
/// `OnSkeleton` gets the document with those arrays emptied, then `OnElement` each of their
/// elements, parsed on its own, with the indexes of Path's "*" steps. A document the splitter
/// cannot take apart is parsed whole and handed over the same way (`OnSkeleton` is then called
/// again: it starts over). Errors are parseUntrustedJson's, or the callbacks'.
llvm::Error parseJsonInParts(
    llvm::StringRef Text, llvm::ArrayRef<llvm::StringRef> Path,
    llvm::function_ref<llvm::Error(const llvm::json::Value &Skeleton)> OnSkeleton,
    llvm::function_ref<llvm::Error(llvm::ArrayRef<size_t> At, const llvm::json::Value &Element)>
        OnElement);

/// The parts parseJsonInParts reads a document in: the skeleton's text, and each array's
/// elements as slices of `Text`. nullopt when the text does not split (it is then not
/// well-formed, or repeats a key of `Path`). For tests and the fuzzer.
struct JsonParts {
  std::string skeleton;
  struct Array {
    std::vector<size_t> at;
    std::vector<llvm::StringRef> elements;
  };
  std::vector<Array> arrays;
};
std::optional<JsonParts> splitJson(llvm::StringRef Text, llvm::ArrayRef<llvm::StringRef> Path);

} // namespace sa
