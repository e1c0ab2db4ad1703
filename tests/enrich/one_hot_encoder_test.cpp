#include "flowfeat/enrich/one_hot_encoder.hpp"

#include "flowfeat/core/encoding_columns.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "enrich_test_support.hpp"
#include "flowfeat/core/endpoint_class.hpp"

namespace flowfeat {
namespace {

using testing::flow;

// Names of the columns whose bits are set, in column order.
std::vector<std::string> set_columns(const OneHotEncoder& encoder, std::uint64_t bits) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < encoder.column_count(); ++i) {
    if ((bits >> i) & 1) names.push_back(encoder.column_names()[i]);
  }
  EXPECT_EQ(bits >> encoder.column_count(), 0u) << "bits beyond the last column";
  return names;
}

// The names themselves are checked against the seed's in tests/core/encoding_columns_test.cpp.
TEST(OneHotEncoderTest, DefaultColumnsAreTheSeedsInOrder) {
  const OneHotEncoder encoder;
  EXPECT_EQ(encoder.column_names(), encoding_columns(kDefaultOneHotProtocols));
  EXPECT_EQ(encoder.column_names()[3], "src_ip_class_Class D (multicast)");
  EXPECT_EQ(encoder.column_count(), 27u);
  EXPECT_EQ(encoder.protocols(), (std::vector<std::uint8_t>{0, 1, 2, 6, 17, 47, 50, 58, 89, 132}));
}

TEST(OneHotEncoderTest, IpClassFollowsTheFirstOctetAtEveryBoundary) {
  const OneHotEncoder encoder;
  const struct {
    const char* address;
    const char* category;
  } cases[] = {
      {"0.0.0.0", "Class A"},
      {"127.255.255.255", "Class A"},
      {"128.0.0.0", "Class B"},
      {"191.255.0.1", "Class B"},
      {"192.0.0.0", "Class C"},
      {"223.255.255.255", "Class C"},
      {"224.0.0.0", "Class D (multicast)"},
      {"239.255.255.250", "Class D (multicast)"},
      {"240.0.0.0", "Class E (reserved)"},
      {"255.255.255.255", "Class E (reserved)"},
  };
  for (const auto& c : cases) {
    const std::uint64_t as_src = encoder.encode(flow(c.address, 80, "10.0.0.1", 80, 6));
    const std::uint64_t as_dst = encoder.encode(flow("10.0.0.1", 80, c.address, 80, 6));
    const std::vector<std::string> expected_src{std::string("src_ip_class_") + c.category, "dst_ip_class_Class A",
                                                "protocol_6", "src_port_class_WellKnown", "dst_port_class_WellKnown"};
    const std::vector<std::string> expected_dst{"src_ip_class_Class A", std::string("dst_ip_class_") + c.category,
                                                "protocol_6", "src_port_class_WellKnown", "dst_port_class_WellKnown"};
    EXPECT_EQ(set_columns(encoder, as_src), expected_src) << c.address;
    EXPECT_EQ(set_columns(encoder, as_dst), expected_dst) << c.address;
  }
}

TEST(OneHotEncoderTest, Ipv6AddressesSetNoClassColumn) {
  const OneHotEncoder encoder;
  const std::uint64_t bits = encoder.encode(flow("2001:db8::1", 443, "ff02::1", 50000, 58));
  EXPECT_EQ(set_columns(encoder, bits),
            (std::vector<std::string>{"protocol_58", "src_port_class_WellKnown", "dst_port_class_Dynamic"}));
  // An IPv6 address whose first byte looks like a class C octet still has no class.
  EXPECT_EQ(ip_class(testing::ip("c000::1")), IpClass::kNone);
  EXPECT_EQ(ip_class(IpAddress{}), IpClass::kNone);
}

TEST(OneHotEncoderTest, PortClassBoundaries) {
  const OneHotEncoder encoder;
  const struct {
    std::uint16_t port;
    const char* category;
  } cases[] = {{0, "WellKnown"},      {1023, "WellKnown"}, {1024, "Registered"},
               {49151, "Registered"}, {49152, "Dynamic"},  {65535, "Dynamic"}};
  for (const auto& c : cases) {
    EXPECT_EQ(set_columns(encoder, encoder.encode(flow("10.0.0.1", c.port, "10.0.0.2", 1024, 17))),
              (std::vector<std::string>{"src_ip_class_Class A", "dst_ip_class_Class A", "protocol_17",
                                        std::string("src_port_class_") + c.category, "dst_port_class_Registered"}))
        << c.port;
    EXPECT_EQ(set_columns(encoder, encoder.encode(flow("10.0.0.1", 1024, "10.0.0.2", c.port, 17))),
              (std::vector<std::string>{"src_ip_class_Class A", "dst_ip_class_Class A", "protocol_17",
                                        "src_port_class_Registered", std::string("dst_port_class_") + c.category}))
        << c.port;
  }
}

TEST(OneHotEncoderTest, EveryProtocolSetsExactlyOneProtocolColumn) {
  const OneHotEncoder encoder;
  const std::vector<std::uint8_t> configured = encoder.protocols();
  for (int p = 0; p <= 255; ++p) {
    const auto protocol = static_cast<std::uint8_t>(p);
    const std::uint64_t bits = encoder.encode(flow("10.0.0.1", 1, "192.168.0.1", 2, protocol));
    const std::uint64_t protocol_bits = (bits >> 10) & ((std::uint64_t{1} << 11) - 1);
    ASSERT_EQ(std::popcount(protocol_bits), 1) << p;
    bool listed = false;
    for (const std::uint8_t c : configured) listed = listed || c == protocol;
    const std::string expected = listed ? "protocol_" + std::to_string(p) : "protocol_other";
    EXPECT_EQ(encoder.column_names()[10 + static_cast<std::size_t>(std::countr_zero(protocol_bits))], expected);
    EXPECT_EQ(std::popcount(bits), 5) << p;  // one per group
  }
}

TEST(OneHotEncoderTest, ConfiguredProtocolsKeepTheirOrder) {
  const OneHotEncoder encoder({17, 6});
  ASSERT_EQ(encoder.column_count(), 5u + 5u + 3u + 6u);
  EXPECT_EQ(encoder.column_names()[10], "protocol_17");
  EXPECT_EQ(encoder.column_names()[11], "protocol_6");
  EXPECT_EQ(encoder.column_names()[12], "protocol_other");
  EXPECT_EQ(encoder.column_names()[13], "src_port_class_WellKnown");
  EXPECT_EQ(encoder.column_names()[18], "dst_port_class_Dynamic");
  EXPECT_EQ(set_columns(encoder, encoder.encode(flow("10.0.0.1", 1, "10.0.0.2", 65535, 6))),
            (std::vector<std::string>{"src_ip_class_Class A", "dst_ip_class_Class A", "protocol_6",
                                      "src_port_class_WellKnown", "dst_port_class_Dynamic"}));
  EXPECT_EQ(set_columns(encoder, encoder.encode(flow("10.0.0.1", 1, "10.0.0.2", 2, 1))),
            (std::vector<std::string>{"src_ip_class_Class A", "dst_ip_class_Class A", "protocol_other",
                                      "src_port_class_WellKnown", "dst_port_class_WellKnown"}));

  const OneHotEncoder none(std::vector<std::uint8_t>{});
  EXPECT_EQ(none.column_names()[10], "protocol_other");
  EXPECT_EQ(none.column_count(), 17u);
}

TEST(OneHotEncoderTest, RejectsDuplicateAndTooManyProtocols) {
  EXPECT_THROW(OneHotEncoder({6, 17, 6}), std::invalid_argument);
  std::vector<std::uint8_t> forty;
  for (int i = 0; i < 40; ++i) forty.push_back(static_cast<std::uint8_t>(i));
  const OneHotEncoder widest(forty);
  EXPECT_EQ(widest.column_count(), 57u);
  EXPECT_EQ(widest.column_names()[56], "dst_port_class_Dynamic");
  const std::uint64_t bits = widest.encode(flow("250.0.0.1", 60000, "250.0.0.2", 60000, 200));
  EXPECT_EQ(set_columns(widest, bits),
            (std::vector<std::string>{"src_ip_class_Class E (reserved)", "dst_ip_class_Class E (reserved)",
                                      "protocol_other", "src_port_class_Dynamic", "dst_port_class_Dynamic"}));
  forty.push_back(200);
  EXPECT_THROW(OneHotEncoder{forty}, std::invalid_argument);
}

TEST(EndpointClassTest, NamesAndRanges) {
  EXPECT_EQ(name(IpClass::kD), "Class D (multicast)");
  EXPECT_EQ(name(IpClass::kNone), "");
  EXPECT_EQ(name(PortClass::kRegistered), "Registered");
  static_assert(port_class(1023) == PortClass::kWellKnown && port_class(1024) == PortClass::kRegistered);
  static_assert(port_class(49151) == PortClass::kRegistered && port_class(49152) == PortClass::kDynamic);
  EXPECT_EQ(ip_class(testing::ip("223.0.0.1")), IpClass::kC);
  EXPECT_EQ(ip_class(testing::ip("224.0.0.1")), IpClass::kD);
}

}  // namespace
}  // namespace flowfeat
