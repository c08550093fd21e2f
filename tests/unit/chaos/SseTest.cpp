#include "chaos/Sse.h"

#include "gtest/gtest.h"

using namespace sa::chaos;

TEST(ChaosSse, EventsAcrossChunksWithIdsAndComments) {
  SseParser P;
  std::vector<SseEvent> E = P.feed(": keep-alive\n\nid: 1\nevent: mess");
  EXPECT_TRUE(E.empty());
  E = P.feed("age\ndata: {\"a\":1}\n\nid: 2\ndata: line1\ndata: line2\n\n");
  ASSERT_EQ(E.size(), 2u);
  EXPECT_EQ(E[0].id, "1");
  EXPECT_EQ(E[0].event, "message");
  EXPECT_EQ(E[0].data, "{\"a\":1}");
  EXPECT_EQ(E[1].id, "2");
  EXPECT_EQ(E[1].data, "line1\nline2");
  EXPECT_EQ(P.lastEventId(), "2");
}

TEST(ChaosSse, CrLfAndCrLineEndsAndTheIdCarriesOver) {
  SseParser P;
  std::vector<SseEvent> E = P.feed("\xEF\xBB\xBFid: 7\r\ndata: a\r");
  EXPECT_TRUE(E.empty());
  E = P.feed("\n\r\ndata:b\r\rdata\n\n");
  ASSERT_EQ(E.size(), 3u);
  EXPECT_EQ(E[0].id, "7");
  EXPECT_EQ(E[0].data, "a");
  EXPECT_EQ(E[1].id, "7"); // no new id: the last one stays
  EXPECT_EQ(E[1].data, "b");
  EXPECT_EQ(E[2].data, ""); // a bare "data" field is an empty data line
}

TEST(ChaosSse, NoDataNoEventAndRetryIgnored) {
  SseParser P;
  EXPECT_TRUE(P.feed("retry: 3000\nevent: x\n\nid: 4\n\n").empty());
  EXPECT_EQ(P.lastEventId(), "4");
}

// A server that never ends an event (or a line) must not take the runner's memory: an event
// over MaxEventBytes is dropped and counted, and the stream goes on after it.
TEST(ChaosSse, AnOversizedEventIsDroppedAndTheNextOneKept) {
  SseParser P;
  std::string Chunk(1 << 20, 'x');
  EXPECT_TRUE(P.feed("data: ").empty());
  for (size_t Fed = 0; Fed <= MaxEventBytes; Fed += Chunk.size())
    EXPECT_TRUE(P.feed(Chunk).empty());
  std::vector<SseEvent> E = P.feed("\ndata: more\n\ndata: next\n\n");
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].data, "next");
  EXPECT_EQ(P.dropped(), 1u);
}
