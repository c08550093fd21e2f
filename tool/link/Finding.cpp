#include "link/Finding.h"

#include <tuple>

namespace sa {

bool findingLess(const Finding &A, const Finding &B) {
  return std::tie(A.loc, A.rule, A.symbol, A.message) <
         std::tie(B.loc, B.rule, B.symbol, B.message);
}

const char *toString(BaselineState S) {
  switch (S) {
  case BaselineState::None: return "none";
  case BaselineState::New: return "new";
  case BaselineState::Unchanged: return "unchanged";
  case BaselineState::Absent: return "absent";
  }
  return "?";
}

} // namespace sa
