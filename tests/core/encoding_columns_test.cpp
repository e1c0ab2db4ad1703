#include "flowfeat/core/encoding_columns.hpp"

#include <gtest/gtest.h>

namespace flowfeat {
namespace {

// FEATURES.md section 5, copied by hand: the names must stay the seed's.
TEST(EncodingColumns, DefaultsAreTheSeedNamesInOrder) {
  const std::vector<std::string> expected{
      "src_ip_class_Class A",
      "src_ip_class_Class B",
      "src_ip_class_Class C",
      "src_ip_class_Class D (multicast)",
      "src_ip_class_Class E (reserved)",
      "dst_ip_class_Class A",
      "dst_ip_class_Class B",
      "dst_ip_class_Class C",
      "dst_ip_class_Class D (multicast)",
      "dst_ip_class_Class E (reserved)",
      "protocol_0",
      "protocol_1",
      "protocol_2",
      "protocol_6",
      "protocol_17",
      "protocol_47",
      "protocol_50",
      "protocol_58",
      "protocol_89",
      "protocol_132",
      "protocol_other",
      "src_port_class_WellKnown",
      "src_port_class_Registered",
      "src_port_class_Dynamic",
      "dst_port_class_WellKnown",
      "dst_port_class_Registered",
      "dst_port_class_Dynamic",
  };
  EXPECT_EQ(encoding_columns(kDefaultOneHotProtocols), expected);
}

TEST(EncodingColumns, FollowTheConfiguredProtocols) {
  const std::array<std::uint8_t, 2> protocols{17, 6};
  const std::vector<std::string> names = encoding_columns(protocols);
  ASSERT_EQ(names.size(), 10u + 2u + 1u + 6u);
  EXPECT_EQ(names[10], "protocol_17");
  EXPECT_EQ(names[11], "protocol_6");
  EXPECT_EQ(names[12], "protocol_other");
  EXPECT_EQ(names[13], "src_port_class_WellKnown");
}

}  // namespace
}  // namespace flowfeat
