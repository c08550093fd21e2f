#include "support/Hmac.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <array>

namespace sa {

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

} // namespace sa
