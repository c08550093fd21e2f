// Name patterns as the knowledge file and the configuration write them, and the identifiers of
// a type's spelling that the rules match them against.
#include "facts/NamePatterns.h"

#include <gtest/gtest.h>

using namespace sa;

namespace {

std::vector<std::string> strings(const std::vector<llvm::StringRef> &Refs) {
  return std::vector<std::string>(Refs.begin(), Refs.end());
}

TEST(NamePatterns, IdentifiersOfATypeSpellingInOrder) {
  EXPECT_EQ(strings(identifiersIn("std::map<std::string, std::unique_ptr<Conn_2>> *")),
            (std::vector<std::string>{"std", "map", "std", "string", "std", "unique_ptr", "Conn_2"}));
  EXPECT_TRUE(identifiersIn("").empty());
  EXPECT_TRUE(identifiersIn(":: <> *&").empty());
  EXPECT_EQ(strings(identifiersIn("x")), std::vector<std::string>{"x"});
}

TEST(NamePatterns, GlobsMatchTheUnqualifiedNameUnlessTheyQualify) {
  NamePatterns P({"on[A-Z]*", "*Server::Post", "re:^lib::.*::run$"});
  EXPECT_TRUE(P.errors().empty());
  EXPECT_TRUE(P.matches("onMessage", "app::Peer::onMessage"));
  EXPECT_FALSE(P.matches("once", "app::once"));
  EXPECT_TRUE(P.matches("Post", "httplib::Server::Post"));
  EXPECT_FALSE(P.matches("Post", "httplib::Client::Post"));
  EXPECT_TRUE(P.matches("run", "lib::Loop::run"));
  EXPECT_FALSE(P.matches("run", "app::Loop::run"));
  NamePatterns Bad({"re:("});
  EXPECT_EQ(Bad.errors().size(), 1u);
}

} // namespace
