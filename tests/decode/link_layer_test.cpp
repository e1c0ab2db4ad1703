#include <gtest/gtest.h>

#include "sample_frames.hpp"

namespace flowfeat::test {
namespace {

namespace lt = link_type;

Expected udp4_at(std::size_t ip_offset, std::uint16_t vlan_id = 0) {
  return {.src = address(kClient4),
          .dst = address(kServer4),
          .src_port = 40000,
          .dst_port = 53,
          .protocol = kProtoUdp,
          .vlan_id = vlan_id,
          .ip_offset = ip_offset};
}
Expected tcp4_at(std::size_t ip_offset, std::uint16_t vlan_id = 0) {
  return {.src = address(kClient4),
          .dst = address(kServer4),
          .src_port = 51000,
          .dst_port = 443,
          .protocol = kProtoTcp,
          .vlan_id = vlan_id,
          .ip_offset = ip_offset};
}
Expected udp6_at(std::size_t ip_offset) {
  return {.src = address(kClient6),
          .dst = address(kServer6),
          .src_port = 40001,
          .dst_port = 53,
          .protocol = kProtoUdp,
          .ip_offset = ip_offset};
}
Expected tcp6_at(std::size_t ip_offset) {
  return {.src = address(kClient6),
          .dst = address(kServer6),
          .src_port = 51001,
          .dst_port = 443,
          .protocol = kProtoTcp,
          .ip_offset = ip_offset};
}

// A non-first IPv4 fragment shows whether the decoder took the link layer's word for "IPv4":
// only then does the fragment filter run under kQuirkLinkTypeGatesIpv4.
constexpr std::uint16_t kLaterFragment = 185;

TEST(DecodeEthernet, Ipv4Udp) {
  const Bytes frame = ethernet(kEtherIpv4, udp4());
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, udp4_at(14)));
}

TEST(DecodeEthernet, Ipv6Tcp) {
  const Bytes frame = ethernet(kEtherIpv6, tcp6());
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, tcp6_at(14)));
}

TEST(DecodeEthernet, ArpIsNotIp) {
  EXPECT_EQ(decode(lt::kEthernet, ethernet(kEtherArp, Bytes(28, 0x01))).status, DecodeStatus::kNotIp);
}

TEST(DecodeEthernet, SingleVlanTag) {
  const Bytes frame = ethernet(kEther8021q, vlan_tag(100, kEtherIpv4, tcp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, tcp4_at(18, 100)));
}

TEST(DecodeEthernet, DoubleVlanTagKeepsInnermostId) {
  const Bytes frame = ethernet(kEther8021q, vlan_tag(100, kEther8021q, vlan_tag(200, kEtherIpv4, tcp4())));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, tcp4_at(22, 200)));
}

TEST(DecodeEthernet, VlanIdIsTwelveBits) {
  const Bytes frame = ethernet(kEther8021q, vlan_tag(4095, kEtherIpv4, tcp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, tcp4_at(18, 4095)));
}

TEST(DecodeEthernet, ServiceTagThenCustomerTag) {
  const Bytes frame = ethernet(kEther8021ad, vlan_tag(10, kEther8021q, vlan_tag(20, kEtherIpv4, tcp4())));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, tcp4_at(22, 20)));
}

TEST(DecodeEthernet, ServiceTagAlone) {
  const Bytes frame = ethernet(kEther8021ad, vlan_tag(10, kEtherIpv4, udp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, udp4_at(18, 10)));
}

TEST(DecodeEthernet, ServiceTagNotDecodedWithQuirk) {
  // The tag control information is read where the IP header should start. Priority 0 makes that
  // version 0; with priority 3 (0x6...) it would be taken for IPv6.
  const Bytes frame = ethernet(kEther8021ad, vlan_tag(10, kEther8021q, vlan_tag(20, kEtherIpv4, tcp4()), 0));
  EXPECT_EQ(decode(lt::kEthernet, frame, with_quirks(kQuirkNo8021ad)).status, DecodeStatus::kNotIp);
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, tcp4_at(22, 20)));
}

TEST(DecodeEthernet, CustomerTagStillDecodedWith8021adQuirk) {
  const Bytes frame = ethernet(kEther8021q, vlan_tag(100, kEtherIpv4, tcp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame, with_quirks(kQuirkNo8021ad)), frame, tcp4_at(18, 100)));
}

TEST(DecodeEthernet, MplsSingleLabel) {
  const Bytes frame = ethernet(kEtherMpls, mpls_label(16, true, udp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, udp4_at(18)));
}

TEST(DecodeEthernet, MplsStackEndsAtBottomOfStackBit) {
  const Bytes frame = ethernet(kEtherMpls, mpls_label(16, false, mpls_label(17, false, mpls_label(18, true, udp4()))));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, udp4_at(26)));
}

TEST(DecodeEthernet, MplsMulticast) {
  const Bytes frame = ethernet(0x8848, mpls_label(16, true, udp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, udp4_at(18)));
}

TEST(DecodeEthernet, MplsCarryingIpv6) {
  // MPLS says nothing about its payload; the IP version nibble decides.
  const Bytes frame = ethernet(kEtherMpls, mpls_label(16, true, tcp6()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, tcp6_at(18)));
}

TEST(DecodeEthernet, VlanThenMpls) {
  const Bytes frame = ethernet(kEther8021q, vlan_tag(7, kEtherMpls, mpls_label(16, true, udp4())));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, udp4_at(22, 7)));
}

TEST(DecodeEthernet, PppoeSession) {
  const Bytes frame = ethernet(kEtherPppoe, pppoe_session(tcp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, tcp4_at(22)));
}

TEST(DecodeEthernet, LlcSnap) {
  const Bytes frame = ethernet_8023(llc_snap(kEtherIpv4, udp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, udp4_at(22)));
}

TEST(DecodeEthernet, LlcSnapTypeByteOrder) {
  const Bytes fragment = ethernet_8023(llc_snap(kEtherIpv4, udp4_fragment(kLaterFragment, false)));
  // Big-endian 0x0800 is IPv4 for the link layer, so the fragment filter applies.
  EXPECT_EQ(decode(lt::kEthernet, fragment).status, DecodeStatus::kNonFirstFragment);
  EXPECT_EQ(decode(lt::kEthernet, fragment, with_quirks(kQuirkLinkTypeGatesIpv4)).status,
            DecodeStatus::kNonFirstFragment);
  // Read in host order the type is 0x0008: the link layer no longer says IPv4.
  const auto host_order =
      decode(lt::kEthernet, fragment, with_quirks(kQuirkLlcSnapHostOrder | kQuirkLinkTypeGatesIpv4));
  EXPECT_EQ(host_order.status, DecodeStatus::kOk);
  EXPECT_EQ(host_order.packet.src_ip, address(kClient4));
  // Alone the host-order quirk changes nothing visible: the version nibble still says IPv4.
  EXPECT_EQ(decode(lt::kEthernet, fragment, with_quirks(kQuirkLlcSnapHostOrder)).status,
            DecodeStatus::kNonFirstFragment);
  const Bytes frame = ethernet_8023(llc_snap(kEtherIpv4, udp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame, with_quirks(kQuirkLlcSnapHostOrder)), frame, udp4_at(22)));
}

TEST(DecodeEthernet, SpanningTreeIgnored) {
  EXPECT_EQ(decode(lt::kEthernet, ethernet_8023(stp_bpdu())).status, DecodeStatus::kNotIp);
}

TEST(DecodeLinuxSll, Ipv4) {
  const Bytes frame = linux_sll(kEtherIpv4, udp4());
  EXPECT_TRUE(decoded_as(decode(lt::kLinuxSll, frame), frame, udp4_at(16)));
}

TEST(DecodeLinuxSll, VlanTagInside) {
  const Bytes frame = linux_sll(kEther8021q, vlan_tag(42, kEtherIpv4, udp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kLinuxSll, frame), frame, udp4_at(20, 42)));
}

TEST(DecodeLinuxSll2, Ipv6) {
  const Bytes frame = linux_sll2(kEtherIpv6, udp6());
  EXPECT_TRUE(decoded_as(decode(lt::kLinuxSll2, frame), frame, udp6_at(20)));
}

TEST(DecodeLinuxSll2, Ipv4) {
  const Bytes frame = linux_sll2(kEtherIpv4, tcp4());
  EXPECT_TRUE(decoded_as(decode(lt::kLinuxSll2, frame), frame, tcp4_at(20)));
}

TEST(DecodeLinuxSll2, UnknownWithQuirk) {
  EXPECT_EQ(decode(lt::kLinuxSll2, linux_sll2(kEtherIpv6, udp6()), with_quirks(kQuirkNoLinuxSll2)).status,
            DecodeStatus::kUnknownLinkType);
}

TEST(DecodeNull, FamilyInEitherByteOrder) {
  const Bytes big = null_loopback(2, true, udp4());
  const Bytes little = null_loopback(2, false, udp4());
  EXPECT_TRUE(decoded_as(decode(lt::kNull, big), big, udp4_at(4)));
  EXPECT_TRUE(decoded_as(decode(lt::kNull, little), little, udp4_at(4)));
}

TEST(DecodeNull, Ipv6Family) {
  const Bytes frame = null_loopback(30, false, tcp6());
  EXPECT_TRUE(decoded_as(decode(lt::kNull, frame), frame, tcp6_at(4)));
}

TEST(DecodeNull, LittleEndianFamilyIsIpv4ForTheFragmentFilter) {
  const Bytes little = null_loopback(2, false, udp4_fragment(kLaterFragment, false));
  const Bytes big = null_loopback(2, true, udp4_fragment(kLaterFragment, false));
  EXPECT_EQ(decode(lt::kNull, little).status, DecodeStatus::kNonFirstFragment);
  EXPECT_EQ(decode(lt::kNull, big).status, DecodeStatus::kNonFirstFragment);
  EXPECT_EQ(decode(lt::kNull, big, with_quirks(kQuirkLinkTypeGatesIpv4)).status, DecodeStatus::kNonFirstFragment);
  // The reference takes little-endian 2 for IPv6 and lets the fragment through.
  const auto quirk = decode(lt::kNull, little, with_quirks(kQuirkLinkTypeGatesIpv4));
  EXPECT_EQ(quirk.status, DecodeStatus::kOk);
  EXPECT_EQ(quirk.packet.ip_version, 4);
  EXPECT_EQ(quirk.packet.src_ip, address(kClient4));
}

TEST(DecodeNull, LittleEndianFamilyGetsTunnelDecoding) {
  const Bytes frame =
      null_loopback(2, false, ipv4(kClient4, kServer4, kProtoUdp, udp(2152, 2152, gtp_u(inner_udp4()))));
  const auto normal = decode(lt::kNull, frame);
  ASSERT_EQ(normal.status, DecodeStatus::kOk);
  EXPECT_EQ(normal.packet.tunnel, TunnelType::kGtpU);
  EXPECT_EQ(normal.packet.src_ip, address(kInnerClient4));
  const auto quirk = decode(lt::kNull, frame, with_quirks(kQuirkLinkTypeGatesIpv4));
  EXPECT_TRUE(decoded_as(quirk, frame,
                         {.src = address(kClient4),
                          .dst = address(kServer4),
                          .src_port = 2152,
                          .dst_port = 2152,
                          .protocol = kProtoUdp,
                          .ip_offset = 4}));
}

TEST(DecodePpp, ProtocolFieldOnly) {
  const Bytes frame = concat({{0x00, 0x21}, tcp4()});
  EXPECT_TRUE(decoded_as(decode(lt::kPpp, frame), frame, tcp4_at(2)));
}

TEST(DecodePpp, HdlcLikeFramingIsNotIp) {
  // The reference reads 0xff03 as the protocol and looks for IP two bytes in.
  EXPECT_EQ(decode(lt::kPpp, concat({{0xff, 0x03, 0x00, 0x21}, tcp4()})).status, DecodeStatus::kNotIp);
}

TEST(DecodePpp, CiscoAddressByteSelectsFourByteHeader) {
  const Bytes frame = concat({{0x0f, 0x00, 0x08, 0x00}, tcp4()});
  EXPECT_TRUE(decoded_as(decode(lt::kPpp, frame), frame, tcp4_at(4)));
}

TEST(DecodePpp, SerialSkipsAddressAndControl) {
  const Bytes frame = concat({{0xff, 0x03, 0x00, 0x21}, tcp4()});
  EXPECT_TRUE(decoded_as(decode(lt::kPppSerial, frame), frame, tcp4_at(4)));
}

TEST(DecodeCiscoHdlc, UnicastAndBroadcast) {
  const Bytes unicast = concat({{0x0f, 0x00, 0x08, 0x00}, udp4()});
  const Bytes broadcast = concat({{0x8f, 0x00, 0x08, 0x00}, udp4()});
  EXPECT_TRUE(decoded_as(decode(lt::kCiscoHdlc, unicast), unicast, udp4_at(4)));
  EXPECT_TRUE(decoded_as(decode(lt::kCiscoHdlc, broadcast), broadcast, udp4_at(4)));
}

TEST(DecodeCiscoHdlc, Ipv6) {
  const Bytes frame = concat({{0x0f, 0x00, 0x86, 0xdd}, tcp6()});
  EXPECT_TRUE(decoded_as(decode(lt::kCiscoHdlc, frame), frame, tcp6_at(4)));
}

TEST(DecodeRawIp, Ipv4AndIpv6) {
  const Bytes v4 = udp4();
  const Bytes v6 = tcp6();
  EXPECT_TRUE(decoded_as(decode(lt::kRaw, v4), v4, udp4_at(0)));
  EXPECT_TRUE(decoded_as(decode(lt::kRaw, v6), v6, tcp6_at(0)));
}

TEST(DecodeRawIp, DltIpv4) {
  const Bytes frame = tcp4();
  EXPECT_TRUE(decoded_as(decode(lt::kIpv4, frame), frame, tcp4_at(0)));
}

TEST(DecodeRawIp, DltIpv6) {
  const Bytes frame = udp6();
  EXPECT_TRUE(decoded_as(decode(lt::kIpv6, frame), frame, udp6_at(0)));
}

TEST(DecodeRawIp, NotIp) {
  Bytes frame = udp4();
  frame[0] = 0x25;  // version 2
  EXPECT_EQ(decode(lt::kRaw, frame).status, DecodeStatus::kNotIp);
}

TEST(DecodeRadiotap, DataFrameWithLlcSnap) {
  const Bytes frame = radiotap(0x00, wifi(0x0188, llc_snap(kEtherIpv4, udp4())));
  EXPECT_TRUE(decoded_as(decode(lt::kRadiotap, frame), frame, udp4_at(18 + 26 + 8)));
}

TEST(DecodeRadiotap, FromDsDataFrame) {
  const Bytes frame = radiotap(0x00, wifi(0x0288, llc_snap(kEtherIpv6, tcp6())));
  EXPECT_TRUE(decoded_as(decode(lt::kRadiotap, frame), frame, tcp6_at(18 + 26 + 8)));
}

TEST(DecodeRadiotap, FcsPresentButGood) {
  const Bytes frame = concat({radiotap(0x10, wifi(0x0188, llc_snap(kEtherIpv4, udp4()))), {1, 2, 3, 4}});
  EXPECT_TRUE(decoded_as(decode(lt::kRadiotap, frame), frame, udp4_at(18 + 26 + 8)));
}

TEST(DecodeRadiotap, LlcWithoutSnapStillTakesEightBytes) {
  const Bytes frame = radiotap(0x00, wifi(0x0188, concat({{0x06, 0x06, 0x03, 0, 0, 0, 0, 0}, udp4()})));
  EXPECT_TRUE(decoded_as(decode(lt::kRadiotap, frame), frame, udp4_at(18 + 26 + 8)));
}

TEST(DecodeRadiotap, ManagementFrameIgnored) {
  EXPECT_EQ(decode(lt::kRadiotap, radiotap(0x00, wifi(0x0080, payload(40)))).status, DecodeStatus::kWifiNotData);
}

TEST(DecodeRadiotap, ControlFrameIgnored) {
  EXPECT_EQ(decode(lt::kRadiotap, radiotap(0x00, wifi(0x00b4, payload(40)))).status, DecodeStatus::kWifiNotData);
}

TEST(DecodeRadiotap, BadFcsIgnored) {
  EXPECT_EQ(decode(lt::kRadiotap, radiotap(0x50, wifi(0x0188, llc_snap(kEtherIpv4, udp4())))).status,
            DecodeStatus::kWifiNotData);
}

TEST(DecodeRadiotap, DataFrameWithoutDistributionBitsHasNoHeaderLength) {
  // The reference sizes the 802.11 header only when exactly one of ToDS/FromDS is set; otherwise it
  // looks for LLC/SNAP right after radiotap and finds the addresses (0xff) where IP should be.
  EXPECT_EQ(decode(lt::kRadiotap, radiotap(0x00, wifi(0x0088, llc_snap(kEtherIpv4, udp4())))).status,
            DecodeStatus::kNotIp);
}

TEST(DecodeRadiotap, HeaderLengthBeyondCapture) {
  Bytes frame = radiotap(0x00, wifi(0x0188, llc_snap(kEtherIpv4, udp4())));
  frame[2] = 0xff;  // radiotap length 0x00ff (little-endian)
  EXPECT_EQ(decode(lt::kRadiotap, frame).status, DecodeStatus::kTruncatedHeader);
}

TEST(DecodeLinkType, Unknown) {
  const Bytes frame = ethernet(kEtherIpv4, udp4());
  EXPECT_EQ(decode(147, frame).status, DecodeStatus::kUnknownLinkType);
  EXPECT_EQ(decode(-1, frame).status, DecodeStatus::kUnknownLinkType);
  EXPECT_EQ(decode(101, frame).status, DecodeStatus::kUnknownLinkType);  // LINKTYPE_RAW arrives as 12
}

TEST(DecodeLinkType, LengthIsCheckedBeforeTheLinkType) {
  EXPECT_EQ(decode(147, Bytes(27, 0)).status, DecodeStatus::kTooShort);
}

TEST(DecodeLinkType, EveryLinkTypeNeedsTwentyEightBytes) {
  for (int link : {lt::kNull, lt::kEthernet, lt::kPpp, lt::kRaw, lt::kPppSerial, lt::kCiscoHdlc, lt::kLinuxSll,
                   lt::kRadiotap, lt::kIpv4, lt::kIpv6, lt::kLinuxSll2}) {
    const Bytes raw = udp4();
    EXPECT_EQ(decode(link, Bytes(raw.begin(), raw.begin() + 27)).status, DecodeStatus::kTooShort) << "link " << link;
  }
}

TEST(DecodeOutput, TimeAndWireLengthAreCopied) {
  const Bytes frame = ethernet(kEtherIpv4, udp4());
  DecodedPacket packet;
  ASSERT_EQ(Decoder().decode(lt::kEthernet, frame.data(), static_cast<std::uint32_t>(frame.size()), 1514, 42, packet),
            DecodeStatus::kOk);
  EXPECT_EQ(packet.time_ms, 42u);
  EXPECT_EQ(packet.wire_length, 1514u);
}

}  // namespace
}  // namespace flowfeat::test
