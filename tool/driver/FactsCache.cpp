#include "driver/FactsCache.h"

#include "Version.h"
#include "facts/FactsJson.h"
#include "support/Output.h"
#include "support/Untrusted.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/RandomNumberGenerator.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <array>
#include <cerrno>
#include <cstdlib>

#include <unistd.h>

namespace sa {

namespace {
constexpr int CacheFormat = 2; // 2: entries carry an HMAC

/// What built these facts: the executable's own contents (a rebuilt state-audit at the same
/// version may extract differently) and the Clang it runs on.
const std::string &toolFingerprint() {
  static const std::string Fingerprint = [] {
    static int Anchor;
    std::string Exe = llvm::sys::fs::getMainExecutable(nullptr, &Anchor);
    std::string Id = std::string(STATE_AUDIT_VERSION) + "/llvm-" LLVM_VERSION_STRING;
    if (auto Buffer = llvm::MemoryBuffer::getFile(Exe, /*IsText=*/false,
                                                  /*RequiresNullTerminator=*/false)) {
      llvm::StringRef Bytes = (*Buffer)->getBuffer();
      llvm::XXH128_hash_t H = llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(
          reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()));
      Id += "/" + llvm::utohexstr(H.high64, true, 16) + llvm::utohexstr(H.low64, true, 16);
    }
    return Id;
  }();
  return Fingerprint;
}

constexpr llvm::StringLiteral MacPrefix = "state-audit-cache-hmac-sha256 ";

/// HMAC-SHA256 (RFC 2104) of `Message` under `Key`, as hex.
std::string hmacSha256(llvm::StringRef Key, llvm::StringRef Message) {
  std::array<uint8_t, 64> K{};
  if (Key.size() > K.size()) {
    auto D = llvm::SHA256::hash(llvm::ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(Key.data()), Key.size()));
    std::copy(D.begin(), D.end(), K.begin());
  } else {
    std::copy(Key.begin(), Key.end(), K.begin());
  }
  std::array<uint8_t, 64> Inner, Outer;
  for (size_t I = 0; I < K.size(); ++I) {
    Inner[I] = K[I] ^ 0x36;
    Outer[I] = K[I] ^ 0x5c;
  }
  llvm::SHA256 H1;
  H1.update(Inner);
  H1.update(Message);
  auto InnerDigest = H1.final();
  llvm::SHA256 H2;
  H2.update(Outer);
  H2.update(InnerDigest);
  auto Digest = H2.final();
  return llvm::toHex(Digest, true);
}

bool constantTimeEqual(llvm::StringRef A, llvm::StringRef B) {
  if (A.size() != B.size())
    return false;
  unsigned char Diff = 0;
  for (size_t I = 0; I < A.size(); ++I)
    Diff |= static_cast<unsigned char>(A[I] ^ B[I]);
  return Diff == 0;
}
} // namespace

FactsCache::FactsCache(std::string D, std::string S) : Dir(std::move(D)), Salt(std::move(S)) {}

const std::string &FactsCache::secret() {
  std::call_once(SecretOnce, [&] {
    if (const char *Env = std::getenv("STATE_AUDIT_CACHE_SECRET"); Env && *Env) {
      Secret = Env;
      return;
    }
    llvm::SmallString<256> P(Dir);
    llvm::sys::path::append(P, "secret");
    auto Read = [&]() -> bool {
      llvm::sys::fs::file_status St;
      if (llvm::sys::fs::status(P, St, /*follow=*/false) ||
          St.type() != llvm::sys::fs::file_type::regular_file)
        return false;
      auto B = llvm::MemoryBuffer::getFile(P, /*IsText=*/false);
      if (!B || (*B)->getBufferSize() < 32)
        return false;
      Secret = (*B)->getBuffer().str();
      return true;
    };
    if (Read())
      return;
    if (llvm::sys::fs::create_directories(Dir))
      return;
    uint8_t Bytes[32];
    if (llvm::getRandomBytes(Bytes, sizeof Bytes))
      return;
    std::string Hex = llvm::toHex(llvm::ArrayRef<uint8_t>(Bytes), true);
    // Written beside, then linked into place: link() never replaces an existing secret, so
    // concurrent first scans agree on one.
    auto Temp = llvm::sys::fs::TempFile::create(P + "-%%%%%%.tmp",
                                                llvm::sys::fs::owner_read |
                                                    llvm::sys::fs::owner_write);
    if (!Temp) {
      llvm::consumeError(Temp.takeError());
      return;
    }
    {
      llvm::raw_fd_ostream OS(Temp->FD, /*shouldClose=*/false);
      OS << Hex;
      OS.flush();
      if (OS.has_error()) {
        OS.clear_error();
        llvm::consumeError(Temp->discard());
        return;
      }
    }
    if (::link(Temp->TmpName.c_str(), P.c_str()) == 0 || errno == EEXIST) {
      llvm::consumeError(Temp->discard());
    } else if (llvm::Error E = Temp->keep(P)) {
      // No hard links on this file system: rename (a concurrent first scan may win).
      llvm::consumeError(std::move(E));
    }
    Read();
  });
  return Secret;
}

std::string FactsCache::key(llvm::StringRef Directory,
                            const std::vector<std::string> &Arguments) const {
  llvm::SHA256 H;
  auto Part = [&](llvm::StringRef S) {
    H.update(S);
    H.update(llvm::StringRef("\0", 1));
  };
  Part("state-audit facts cache");
  Part(toolFingerprint());
  Part(std::to_string(FactsFormatVersion));
  Part(std::to_string(CacheFormat));
  Part(Salt);
  Part(Directory);
  for (const std::string &A : Arguments)
    Part(A);
  auto Digest = H.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(20), true);
}

std::string FactsCache::entryPath(const std::string &Key) const {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, "v" + std::to_string(CacheFormat), Key.substr(0, 2), Key + ".json");
  return std::string(P);
}

std::string FactsCache::contentHash(const std::string &Path) {
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    auto It = Hashes.find(Path);
    if (It != Hashes.end())
      return It->second;
  }
  std::string Hash;
  if (auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false)) {
    llvm::StringRef Bytes = (*Buffer)->getBuffer();
    llvm::XXH128_hash_t X =
        llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(
            reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()));
    Hash = llvm::utohexstr(X.high64, true, 16) + llvm::utohexstr(X.low64, true, 16);
  }
  std::lock_guard<std::mutex> Lock(Mutex);
  Hashes[Path] = Hash;
  return Hash;
}

std::optional<TUFacts> FactsCache::lookup(const std::string &Key) {
  const std::string &Secret = secret();
  if (Secret.empty())
    return std::nullopt; // no key to check entries with: parse everything
  auto Buffer = llvm::MemoryBuffer::getFile(entryPath(Key), /*IsText=*/true);
  if (!Buffer)
    return std::nullopt; // not cached yet
  // "<prefix><hmac>\n<json>": the HMAC, under this cache's secret, of the JSON text. An entry
  // edited by anyone without the secret (a poisoned CI cache) fails here and is rebuilt.
  auto [Header, Body] = (*Buffer)->getBuffer().split('\n');
  if (!Header.consume_front(MacPrefix) || !constantTimeEqual(Header, hmacSha256(Secret, Body))) {
    ++Corrupt;
    return std::nullopt;
  }
  llvm::Expected<llvm::json::Value> Doc = parseUntrustedJson(Body);
  const llvm::json::Object *O = Doc ? Doc->getAsObject() : nullptr;
  if (!O || O->getString("format") != llvm::StringRef("state-audit-cache") ||
      O->getInteger("version") != CacheFormat || O->getString("key") != llvm::StringRef(Key) ||
      O->getString("tool") != llvm::StringRef(STATE_AUDIT_VERSION)) {
    if (!Doc)
      llvm::consumeError(Doc.takeError());
    ++Corrupt;
    return std::nullopt;
  }
  const llvm::json::Array *Inputs = O->getArray("inputs");
  const llvm::json::Value *Facts = O->get("facts");
  if (!Inputs || !Facts) {
    ++Corrupt;
    return std::nullopt;
  }
  for (const llvm::json::Value &I : *Inputs) {
    const llvm::json::Object *File = I.getAsObject();
    std::optional<llvm::StringRef> Path = File ? File->getString("path") : std::nullopt;
    std::optional<llvm::StringRef> Hash = File ? File->getString("hash") : std::nullopt;
    if (!Path || !Hash) {
      ++Corrupt;
      return std::nullopt;
    }
    if (contentHash(Path->str()) != *Hash)
      return std::nullopt; // an input changed: parse again
  }
  llvm::Expected<TUFacts> F = tuFactsFromJSON(*Facts);
  if (!F) {
    llvm::consumeError(F.takeError());
    ++Corrupt;
    return std::nullopt;
  }
  return std::move(*F);
}

void FactsCache::store(const std::string &Key, const TUFacts &Facts,
                       const std::vector<std::string> &Inputs) {
  const std::string &Secret = secret();
  if (Secret.empty())
    return;
  llvm::json::Array Files;
  for (const std::string &Path : Inputs) {
    std::string Hash = contentHash(Path);
    if (Hash.empty()) {
      if (std::getenv("STATE_AUDIT_DEBUG_CACHE"))
        llvm::errs() << "cache: cannot hash " << Path << "\n";
      return; // an input vanished while parsing: do not cache what cannot be checked
    }
    Files.push_back(llvm::json::Object{{"path", Path}, {"hash", Hash}});
  }
  llvm::json::Value Entry = llvm::json::Object{{"format", "state-audit-cache"},
                                               {"version", CacheFormat},
                                               {"tool", STATE_AUDIT_VERSION},
                                               {"key", Key},
                                               {"inputs", std::move(Files)},
                                               {"facts", toJSON(Facts)}};
  std::string Path = entryPath(Key);
  if (llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path)))
    return; // an unwritable cache slows the next scan down, nothing more
  std::string Body;
  llvm::raw_string_ostream(Body) << Entry;
  std::string Text = MacPrefix.str() + hmacSha256(Secret, Body) + "\n" + Body;
  if (llvm::Error E = writeFileAtomically(Path, Text))
    llvm::consumeError(std::move(E));
}

} // namespace sa
