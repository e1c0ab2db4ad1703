#include "flowfeat/flow/application_classifier.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flowfeat {
namespace {

// An IPv4/UDP DNS query for example.com from 10.0.0.1:5353 to 10.0.0.2:53.
std::vector<std::uint8_t> dns_query() {
  std::vector<std::uint8_t> dns = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                   7,    'e',  'x',  'a',  'm',  'p',  'l',  'e',  3,    'c',  'o',  'm',
                                   0,    0x00, 0x01, 0x00, 0x01};
  const std::size_t udp_length = 8 + dns.size();
  const std::size_t total = 20 + udp_length;
  std::vector<std::uint8_t> ip = {0x45, 0, static_cast<std::uint8_t>(total >> 8), static_cast<std::uint8_t>(total),
                                  0,    0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                                  0x13, 0xe9, 0x00, 0x35, static_cast<std::uint8_t>(udp_length >> 8),
                                  static_cast<std::uint8_t>(udp_length), 0, 0};
  ip.insert(ip.end(), dns.begin(), dns.end());
  return ip;
}

DecodedPacket view(const std::vector<std::uint8_t>& ip) {
  DecodedPacket p;
  p.ip_header = ip.data();
  p.ip_captured_length = static_cast<std::uint16_t>(ip.size());
  return p;
}

std::string name_of(const ApplicationClassifier& classifier, const ClassificationState& state) {
  char buffer[48];
  classifier.name(state, buffer, sizeof(buffer));
  return buffer;
}

TEST(ApplicationClassifier, RecognisesDnsFromItsFirstPacket) {
  ApplicationClassifier classifier(20);
  ClassificationState state;
  const auto query = dns_query();
  ASSERT_TRUE(classifier.start(state, view(query), 1000));
  classifier.finish(state);
  EXPECT_EQ(name_of(classifier, state), "DNS");
  EXPECT_EQ(state.inspection, nullptr);
}

TEST(ApplicationClassifier, UnrecognisedPayloadEndsAsUnknownAfterGivingUp) {
  ApplicationClassifier classifier(2);
  ClassificationState state;
  // UDP between two high ports with meaningless payload: nothing to recognise or guess.
  std::vector<std::uint8_t> ip = {0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                                  0xa4, 0x10, 0xb5, 0x22, 0, 20, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  ASSERT_TRUE(classifier.start(state, view(ip), 0));
  classifier.update(state, view(ip), 1, 2);
  EXPECT_TRUE(state.completed);
  EXPECT_EQ(state.inspection, nullptr);  // released once the packet budget is spent
  EXPECT_EQ(name_of(classifier, state), "Unknown");
}

}  // namespace
}  // namespace flowfeat
